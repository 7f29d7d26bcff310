package jacktf.cli;

import jacktf.export.ExportOptions;
import jacktf.export.SavedModelExporter;
import jacktf.model.Precision;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jacktf export}: a SavedModel for TF Serving, Python and the Java Classifier. */
// No standard --version flag here: --version is the model version, as TF Serving names it.
@Command(name = "export", description = "Export a checkpoint as a versioned SavedModel (BASE/VERSION/) for TF Serving.")
final class ExportCommand implements Callable<Integer> {
    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Show this help message and exit.")
    boolean help;

    @Option(
            names = "--checkpoint-path",
            required = true,
            paramLabel = "CKPT",
            description = "Train dir or checkpoint prefix.")
    Path checkpointPath;

    @Option(
            names = "--output",
            required = true,
            paramLabel = "BASE",
            description = "Model base path, e.g. savedmodels/cats_dogs.")
    Path output;

    @Option(
            names = "--version",
            paramLabel = "N",
            description = "Version number (default: one above the highest present).")
    Integer version;

    @Option(
            names = "--feature-endpoint",
            defaultValue = "global_pool",
            description = "Endpoint the 'features' signature returns (default: the network's pooled features:"
                    + " global_pool for the ResNets, AvgPool_1a for MobileNet-v1, PreLogits for Inception-v3).")
    String featureEndpoint;

    @Option(
            names = "--precision",
            paramLabel = "fp32|bf16",
            description = "Compute precision; bf16 (float32 variables) is fast only on CPUs with AVX512_BF16 or AMX "
                    + "(default: ${DEFAULT-VALUE}).")
    Precision precision = Precision.FP32;

    @Option(
            names = "--optimize",
            description = "Fold every batch norm into its convolution's weights and a bias (values read from the "
                    + "checkpoint now), leaving no batch-norm ops or moving statistics in the graph: same signatures, "
                    + "outputs within float rounding. Faster where TF does not fuse batch norm into the convolutions "
                    + "itself; measured in BENCHMARKS.md. Combines with --precision.")
    boolean optimize;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ExportOptions options = new ExportOptions(precision, featureEndpoint, optimize);
        Path dir = SavedModelExporter.export(checkpointPath, output, version, options);
        spec.commandLine()
                .getOut()
                .println("Exported " + dir + (optimize ? " with batch norm folded" : "")
                        + " (signatures serving_default, predict_images, features)");
        spec.commandLine().getOut().flush();
        return 0;
    }
}
