package jacktf.bench;

import jacktf.model.Network;
import jacktf.model.NetworkOptions;
import jacktf.model.NetworkType;
import jacktf.model.Precision;
import java.nio.file.Path;

/**
 * What a benchmark run measures and how: {@code steps} timed steps after {@code warmup} untimed
 * ones; generated inputs and models go under {@code work}; {@code clients},
 * {@code serverBatchSize} and {@code imagesPerRequest} apply to {@link BenchMode#HTTP} and
 * {@link BenchMode#GRPC} only; with a {@code profileDir}, {@code train} and {@code head} also profile
 * {@link #PROFILED_STEPS} steps after the timed ones and write the profile there; {@code optimizedExport} makes
 * {@code serve}, {@code http}, {@code grpc} and {@code overload} serve a SavedModel exported with batch norm folded
 * ({@code jacktf export --optimize}); {@code modelsDir} is where {@code jacktf download} put the zoo's checkpoints, which
 * {@code restore}, {@code serve}, {@code http}, {@code grpc} and {@code overload} load when the network's is there;
 * {@code auxLogits} false builds the Inceptions without their auxiliary logits (as {@code train --no-aux-logits}), which
 * need at least 107 px.
 */
public record BenchConfig(
        BenchMode mode,
        NetworkType model,
        int batchSize,
        int imageSize,
        Precision precision,
        int steps,
        int warmup,
        Path work,
        int clients,
        int serverBatchSize,
        int imagesPerRequest,
        Path profileDir,
        boolean optimizedExport,
        Path modelsDir,
        boolean auxLogits) {
    /** Steps traced for a profile: TF's tracing slows them, so they are not the timed ones. */
    public static final int PROFILED_STEPS = 3;

    /** Checks the image size against the network's minimum before anything is measured. */
    public BenchConfig {
        // the parameters: the fields are not assigned yet
        model.build(NetworkOptions.defaults().withNumClasses(1000).withAuxLogits(auxLogits))
                .checkImageSize(imageSize);
    }

    /** The config's network with {@code classes} classes (null: headless), at its precision, AuxLogits as asked. */
    public Network network(Integer classes) {
        return model.build(NetworkOptions.defaults()
                .withNumClasses(classes)
                .withPrecision(precision)
                .withAuxLogits(auxLogits));
    }
}
