package jacktf.cli;

import jacktf.config.Defaults;
import jacktf.data.DatasetSource;
import jacktf.eval.FeatureExtractor;
import jacktf.model.Shapes;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jacktf extract}: take an inner layer out and use it elsewhere. */
@Command(
        name = "extract",
        mixinStandardHelpOptions = true,
        description = "Write an endpoint's activations for every image as features.npy (+ labels.tsv, files.tsv).")
final class ExtractCommand implements Callable<Integer> {
    @Option(names = "--checkpoint-path", required = true, paramLabel = "CKPT")
    Path checkpointPath;

    @Option(
            names = "--endpoint",
            description = "e.g. global_pool, resnet_v1_50/block4, conv4, pool5 (default: the network's pooled features:"
                    + " global_pool for the ResNets, AvgPool_1a for MobileNet-v1, PreLogits for Inception-v3; see"
                    + " `jacktf model --list-endpoints`).")
    String endpoint;

    @Option(names = "--dataset-dir", required = true, paramLabel = "DIR")
    Path datasetDir;

    @Option(names = "--output", required = true, paramLabel = "DIR")
    Path output;

    @Option(names = "--projector", description = "Also write a TensorBoard projector (vectors, metadata, sprite).")
    boolean projector;

    @Option(names = "--batch-size", description = "Images per batch (default: ${DEFAULT-VALUE}).")
    int batchSize = Defaults.BATCH_SIZE_DEFAULT;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        var result = FeatureExtractor.extract(
                checkpointPath,
                endpoint,
                DatasetSource.of(datasetDir).load(0, 0).train(),
                output,
                projector,
                batchSize);
        spec.commandLine()
                .getOut()
                .printf("%s: %s [%s]%n", result.endpoint(), result.npy(), Shapes.format(result.shape()));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
