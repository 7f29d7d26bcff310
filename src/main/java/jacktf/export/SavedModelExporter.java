package jacktf.export;

import com.google.common.io.MoreFiles;
import jacktf.checkpoint.Checkpoint;
import jacktf.config.ConfigException;
import jacktf.config.JacktfException;
import jacktf.data.Labels;
import jacktf.model.Precision;
import jacktf.runtime.AtomicFiles;
import jacktf.runtime.Sessions;
import jacktf.runtime.TensorFlowRuntime;
import jacktf.traindir.ModelInfo;
import jacktf.traindir.TrainDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.tensorflow.Graph;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;

/**
 * Writes {@code BASE/VERSION/} as TF Serving expects: a SavedModel (tag {@code serve}) of the
 * lean inference graph, its variables from the checkpoint and {@code assets/labels.txt}, registered
 * as an asset of the MetaGraph ({@link SavedModelAssets}). The
 * version appears atomically (written aside, then renamed), so a server watching BASE never
 * loads half a model.
 */
public final class SavedModelExporter {
    private SavedModelExporter() {}

    /** Exports and returns the version directory. {@code version} null: one above the highest present. */
    public static Path export(
            Path checkpointPath, Path base, Integer version, Precision precision, String featureEndpoint)
            throws IOException {
        return export(
                checkpointPath,
                base,
                version,
                ExportOptions.defaults().withPrecision(precision).withFeatureEndpoint(featureEndpoint));
    }

    /**
     * Exports with {@code options} (precision, features, batch-norm folding) and returns the version directory.
     * {@code version} null: one above the highest present.
     */
    public static Path export(Path checkpointPath, Path base, Integer version, ExportOptions options)
            throws IOException {
        TensorFlowRuntime.ensureLoaded(); // a missing platform names its Maven classifier, not an UnsatisfiedLinkError
        TrainDir model = TrainDir.containing(checkpointPath);
        List<String> classNames = model.labels();
        Files.createDirectories(base);
        int v = version != null ? version : highestVersion(base) + 1;
        if (v < 1) {
            throw new ConfigException("version", "a positive integer", v);
        }
        Path target = base.resolve(Integer.toString(v));
        if (Files.exists(target)) {
            throw new JacktfException(target + " exists already; TF Serving versions are immutable. "
                    + "Pick another --version or leave it out for the next one.");
        }
        Path staging = base.resolve(".tmp-" + v + "-" + ProcessHandle.current().pid());
        deleteRecursively(staging);
        try (Checkpoint checkpoint = Checkpoint.open(checkpointPath);
                Graph graph = new Graph();
                Session session = Sessions.open(graph)) {
            // a zoo checkpoint without jacktf.properties is served at its zoo entry's size and preprocessing
            ModelInfo info = model.modelInfo(checkpoint.modelSpec().type().name());
            InferenceGraph inference =
                    InferenceGraph.build(graph, session, checkpoint, classNames, info.imagePreprocessing(), options);
            SavedModelAssets.addConstant(graph, Labels.FILE_NAME);
            SavedModelBundle.exporter(staging.toString())
                    .withTags(SavedModelBundle.DEFAULT_TAG)
                    .withFunctions(inference.signatures().stream()
                            .map(s -> SessionFunction.create(s, session))
                            .toArray(SessionFunction[]::new))
                    .export();
            Path assets = Files.createDirectories(staging.resolve("assets"));
            Labels.writeFile(assets.resolve(Labels.FILE_NAME), classNames);
            SavedModelAssets.register(staging, Labels.FILE_NAME); // TF Serving and Python see it as an asset
            info.writeFile(assets.resolve(ModelInfo.FILE_NAME));
            AtomicFiles.publish(staging, target);
            return target;
        } finally {
            deleteRecursively(staging);
        }
    }

    static int highestVersion(Path base) throws IOException {
        if (!Files.isDirectory(base)) {
            return 0;
        }
        try (Stream<Path> children = Files.list(base)) {
            return children.map(p -> p.getFileName().toString())
                    .filter(n -> n.matches("\\d{1,9}"))
                    .mapToInt(Integer::parseInt)
                    .max()
                    .orElse(0);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (Files.exists(dir)) {
            MoreFiles.deleteRecursively(dir);
        }
    }
}
