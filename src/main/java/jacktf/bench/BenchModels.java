package jacktf.bench;

import jacktf.checkpoint.CheckpointSaver;
import jacktf.checkpoint.CheckpointVariable;
import jacktf.checkpoint.PretrainedCheckpoints;
import jacktf.checkpoint.ZooCheckpoint;
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
import java.util.Optional;
import java.util.stream.IntStream;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * The full-size models the restore, serve and http modes load: the network's downloaded zoo checkpoint or a generated
 * 1000-class one, and its SavedModel.
 */
final class BenchModels {
    private BenchModels() {}

    /** Classes of the generated checkpoint: ImageNet's, as a 1000-class zoo checkpoint has them. */
    private static final int GENERATED_CLASSES = 1000;

    /** Builds the config's network with {@code classes} classes for inputs of its default size into a graph. */
    static void buildNetwork(BenchConfig config, ModelGraph model, int classes) {
        int size = config.model().defaultImageSize();
        config.model()
                .build(classes)
                .apply(
                        model,
                        model.ops("").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, size, size, 3))),
                        BatchNormPolicy.inference());
    }

    /**
     * The config's network's slim checkpoint when {@code jacktf download NAME} has put it in
     * {@code MODELS_DIR/NAME/} (a V1 file, or a V2 prefix with its {@code .index}), with the labels and settings the
     * download writes beside it.
     */
    static Optional<ZooCheckpoint> downloaded(BenchConfig config) {
        return ZooCheckpoint.find(config.model().name()).filter(zoo -> {
            Path path = new PretrainedCheckpoints(config.modelsDir()).checkpointPath(zoo);
            return Files.isRegularFile(path) || Files.isRegularFile(path.resolveSibling(path.getFileName() + ".index"));
        });
    }

    /** The classes of {@link #fullCheckpoint}'s logits: the zoo checkpoint's own (1001 with a background class). */
    static int fullCheckpointClasses(BenchConfig config) {
        return downloaded(config).map(ZooCheckpoint::numClasses).orElse(GENERATED_CLASSES);
    }

    /**
     * A full ImageNet-sized checkpoint: the downloaded slim one when present ({@link #downloaded}), else a freshly
     * initialised 1000-class one.
     */
    static Path fullCheckpoint(BenchConfig config) throws IOException {
        Optional<ZooCheckpoint> zoo = downloaded(config);
        if (zoo.isPresent()) {
            return new PretrainedCheckpoints(config.modelsDir()).checkpointPath(zoo.get());
        }
        Path dir = config.work().resolve("full_" + config.model().name());
        if (CheckpointSaver.latest(dir).isPresent()) {
            return CheckpointSaver.latest(dir).get();
        }
        try (Graph graph = new Graph()) {
            ModelGraph model = ModelGraph.local(graph);
            buildNetwork(config, model, GENERATED_CLASSES);
            try (Session session = Sessions.open(graph)) {
                session.run(model.initializer());
                List<CheckpointVariable> targets = CheckpointVariable.modelVariables(model);
                Path saved = new CheckpointSaver(model, targets, dir, 1).save(session, 0);
                TrainDir.of(dir)
                        .writeLabels(IntStream.range(0, GENERATED_CLASSES)
                                .mapToObj(i -> "class_" + i)
                                .toList());
                // served as the network's zoo checkpoint would be: its preprocessing (inception for MobileNet ...)
                Preprocessing preprocessing =
                        ModelInfo.defaultsFor(config.model().name()).preprocessing();
                TrainDir.of(dir).writeModelInfo(new ModelInfo(config.imageSize(), preprocessing, 0, 0));
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
                .resolve("savedmodel_" + config.model().name() + "_" + config.precision()
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
