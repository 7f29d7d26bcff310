package jacktf.bench;

import jacktf.checkpoint.CheckpointSaver;
import jacktf.checkpoint.CheckpointVariable;
import jacktf.config.Preprocessing;
import jacktf.export.ExportOptions;
import jacktf.export.SavedModelExporter;
import jacktf.model.BatchNormPolicy;
import jacktf.model.ModelGraph;
import jacktf.runtime.Sessions;
import jacktf.traindir.ModelInfo;
import jacktf.traindir.TrainDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** The full-size models the restore, serve and http modes load: a 1000-class checkpoint and its SavedModel. */
final class BenchModels {
    private BenchModels() {}

    /** Builds the config's 1000-class network for inputs of its default size into a graph. */
    static void buildNetwork(BenchConfig config, ModelGraph model) {
        int size = config.model().defaultImageSize();
        config.model()
                .build(1000)
                .apply(
                        model,
                        model.ops("").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, size, size, 3))),
                        BatchNormPolicy.inference());
    }

    /** A full 1000-class checkpoint: the real slim one when present, else a freshly initialised one. */
    static Path fullCheckpoint(BenchConfig config) throws IOException {
        Path real = Path.of("models", config.model().scope() + ".ckpt");
        if (Files.isRegularFile(real)) {
            return real;
        }
        Path dir = config.work().resolve("full_" + config.model().scope());
        if (CheckpointSaver.latest(dir).isPresent()) {
            return CheckpointSaver.latest(dir).get();
        }
        try (Graph graph = new Graph()) {
            ModelGraph model = ModelGraph.local(graph);
            buildNetwork(config, model);
            try (Session session = Sessions.open(graph)) {
                session.run(model.initializer());
                List<CheckpointVariable> targets = CheckpointVariable.modelVariables(model);
                Path saved = new CheckpointSaver(model, targets, dir, 1).save(session, 0);
                TrainDir.of(dir)
                        .writeLabels(IntStream.range(0, 1000)
                                .mapToObj(i -> "class_" + i)
                                .toList());
                TrainDir.of(dir).writeModelInfo(new ModelInfo(config.imageSize(), Preprocessing.VGG, 0, 0));
                return saved;
            }
        }
    }

    /**
     * The SavedModel base path of {@link #fullCheckpoint} in the config's precision, plain or optimized as the config
     * asks, exported on first use.
     */
    static Path exportedModel(BenchConfig config) throws IOException {
        Path checkpoint = fullCheckpoint(config);
        Path base = config.work()
                .resolve("savedmodel_" + config.model().scope() + "_" + config.precision()
                        + (config.optimizedExport() ? "_optimized" : ""));
        if (!Files.isDirectory(base.resolve("1"))) {
            SavedModelExporter.export(
                    checkpoint,
                    base,
                    1,
                    ExportOptions.defaults().withPrecision(config.precision()).withOptimize(config.optimizedExport()));
        }
        return base;
    }
}
