package jacktf.cli;

import jacktf.model.Head;
import jacktf.model.Network;
import jacktf.model.NetworkOptions;
import jacktf.model.NetworkType;
import jacktf.model.Networks;
import jacktf.model.Precision;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options that describe a network, shared by every command that builds one. */
final class ModelOptions {
    @Option(
            names = "--model",
            paramLabel = "NAME",
            completionCandidates = NetworkNames.class,
            description = "Network, by slim's nets_factory name: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    String model = "resnet_v1_50";

    @Option(
            names = "--num-classes",
            paramLabel = "N",
            description = "Classes of the classifier head; omit for a headless feature extractor.")
    Integer numClasses;

    @Option(
            names = "--head",
            paramLabel = "slim|fc",
            description = "slim: <model>/logits 1x1 conv (slim's own); fc: Predict/logits fully connected "
                    + "(default: ${DEFAULT-VALUE}).")
    Head head = Head.SLIM;

    @Mixin
    AuxLogitsOption auxLogits;

    @Option(
            names = "--precision",
            paramLabel = "fp32|bf16",
            description = "Compute precision of convolutions and matmuls (default: ${DEFAULT-VALUE}).")
    Precision precision = Precision.FP32;

    /** slim's nets_factory names jacktf builds, for the help text. */
    static final class NetworkNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return Networks.all().stream().map(NetworkType::name).iterator();
        }
    }

    /** The network named by {@code --model}. */
    NetworkType type() {
        return Networks.byName(model);
    }

    Network network() {
        return network(numClasses);
    }

    Network network(Integer classes) {
        return type().build(options(classes));
    }

    NetworkOptions options(Integer classes) {
        return NetworkOptions.defaults()
                .withNumClasses(classes)
                .withHead(head)
                .withPrecision(precision)
                .withAuxLogits(auxLogits.auxLogits());
    }
}
