package jacktf.cli;

import jacktf.model.Architecture;
import jacktf.model.Head;
import jacktf.model.Precision;
import jacktf.model.ResNetV1;
import picocli.CommandLine.Option;

/** The options that describe a network, shared by every command that builds one. */
final class ModelOptions {
    @Option(
            names = "--model",
            paramLabel = "NAME",
            description = "Network: resnet_v1_50, resnet_v1_101 or resnet_v1_152 (default: ${DEFAULT-VALUE}).")
    String model = Architecture.RESNET_V1_50.scope();

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

    @Option(
            names = "--precision",
            paramLabel = "fp32|bf16",
            description = "Compute precision of convolutions and matmuls (default: ${DEFAULT-VALUE}).")
    Precision precision = Precision.FP32;

    ResNetV1 network() {
        return network(numClasses);
    }

    ResNetV1 network(Integer classes) {
        return ResNetV1.builder(Architecture.byName(model))
                .numClasses(classes)
                .head(head)
                .precision(precision)
                .build();
    }
}
