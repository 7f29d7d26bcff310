package jacktf.serve;

import jacktf.checkpoint.Checkpoint;
import jacktf.data.ImagePreprocessing;
import jacktf.data.Labels;
import jacktf.export.InferenceGraph;
import jacktf.model.Precision;
import jacktf.runtime.Bf16SelfCheck;
import jacktf.runtime.Sessions;
import jacktf.runtime.TensorFlowRuntime;
import jacktf.traindir.TrainDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;

/**
 * Image classification for services: loads a jacktf SavedModel (or builds the same graph from a
 * checkpoint) and classifies encoded JPEG/PNG/GIF/BMP bytes. Thread-safe (TensorFlow sessions
 * run concurrently); close it to free the native memory.
 */
public final class Classifier implements AutoCloseable {
    /** One class and its probability. */
    public record Score(int classId, String className, float probability) {}

    /** The scores of one image, best first. */
    public record Prediction(List<Score> scores) {
        public Score top() {
            return scores.get(0);
        }
    }

    private final AutoCloseable owner;
    private final Session session;
    private final Signature signature;
    private final List<String> classNames;
    private final List<Signature> signatures;

    private Classifier(
            AutoCloseable owner,
            Session session,
            Signature signature,
            List<String> classNames,
            List<Signature> signatures) {
        this.signatures = signatures;
        this.owner = owner;
        this.session = session;
        this.signature = signature;
        this.classNames = classNames;
    }

    /**
     * Loads a SavedModel directory, or the highest numeric version under a TF Serving base path.
     * A SavedModel without jacktf's {@code serving_default(image_bytes)} signature is refused with
     * the signatures it does have.
     */
    public static Classifier load(Path savedModel) throws IOException {
        TensorFlowRuntime.ensureLoaded(); // a missing platform names its Maven classifier, not an UnsatisfiedLinkError
        Path dir = resolveVersion(savedModel);
        if (!Files.isRegularFile(dir.resolve("saved_model.pb"))) {
            throw new IOException("No saved_model.pb in " + dir + " (export one with: jacktf export)");
        }
        // jacktf's session settings: were this the process's first session, TF would size its pools to one thread a
        // core
        SavedModelBundle bundle = SavedModelBundle.loader(dir.toString())
                .withTags(SavedModelBundle.DEFAULT_TAG)
                .withConfigProto(Sessions.config())
                .load();
        try {
            // bf16 is never silently wrong (issue 27): a no-op for a graph without bf16 kernels
            Bf16SelfCheck.requireAgreement(bundle.graph(), "the SavedModel " + dir);
            Signature signature = bundle.signatures().stream()
                    .filter(s -> s.key().equals(InferenceGraph.SERVING_DEFAULT))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("SavedModel " + dir
                            + " has no serving_default signature; " + "it has " + describe(bundle.signatures())));
            if (!signature.inputNames().contains("image_bytes")
                    || !signature.outputNames().contains("probabilities")) {
                throw new IllegalArgumentException("SavedModel " + dir
                        + " is not an image classifier of this tool: its " + describe(List.of(signature))
                        + " where jacktf needs serving_default(image_bytes) -> probabilities");
            }
            Path labels = dir.resolve("assets").resolve(Labels.FILE_NAME);
            List<String> names = Files.isRegularFile(labels) ? Labels.readFile(labels) : List.of();
            List<Signature> all = new ArrayList<>(List.of(signature));
            bundle.signatures().stream()
                    .filter(x -> !x.key().equals(signature.key()))
                    .forEach(all::add);
            return new Classifier(bundle, bundle.session(), signature, names, List.copyOf(all));
        } catch (RuntimeException | IOException e) {
            bundle.close();
            throw e;
        }
    }

    /** Builds the inference graph of a checkpoint in memory (labels.txt beside it). */
    public static Classifier fromCheckpoint(Path checkpointPath, Precision precision) throws IOException {
        TrainDir model = TrainDir.containing(checkpointPath);
        List<String> names = model.labels();
        Graph graph = new Graph();
        Session session = Sessions.open(graph);
        try (Checkpoint checkpoint = Checkpoint.open(checkpointPath)) {
            // a zoo checkpoint without jacktf.properties classifies at its zoo entry's size and preprocessing
            ImagePreprocessing preprocessing =
                    model.modelInfo(checkpoint.modelSpec().type().name()).imagePreprocessing();
            InferenceGraph inference =
                    InferenceGraph.build(graph, session, checkpoint, names, preprocessing, precision, "global_pool");
            AutoCloseable owner = () -> {
                session.close();
                graph.close();
            };
            return new Classifier(owner, session, inference.signatures().get(0), names, inference.signatures());
        } catch (RuntimeException | IOException e) {
            session.close();
            graph.close();
            throw e;
        }
    }

    static Path resolveVersion(Path path) throws IOException {
        if (Files.isRegularFile(path.resolve("saved_model.pb")) || !Files.isDirectory(path)) {
            return path;
        }
        try (Stream<Path> children = Files.list(path)) {
            return children.filter(p -> p.getFileName().toString().matches("\\d{1,9}") && Files.isDirectory(p))
                    .max(Comparator.comparingInt(
                            p -> Integer.parseInt(p.getFileName().toString())))
                    .orElse(path);
        }
    }

    private static String describe(List<Signature> signatures) {
        List<String> parts = new ArrayList<>();
        for (Signature s : signatures) {
            parts.add(s.key() + "(" + String.join(", ", s.inputNames()) + ") -> " + String.join(", ", s.outputNames()));
        }
        return String.join("; ", parts);
    }

    /** The signatures a server can run, serving_default first. */
    public List<Signature> signatures() {
        return signatures;
    }

    /** Runs a signature with tensors fed by input name; the caller closes the result. */
    public Result run(String signatureKey, Map<String, Tensor> inputs) {
        Signature s = signatures.stream()
                .filter(x -> x.key().equals(signatureKey))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(
                        "Unknown signature '" + signatureKey + "'; the model has " + describe(signatures)));
        Session.Runner runner = session.runner();
        for (var e : inputs.entrySet()) {
            Signature.TensorDescription d = s.getInputs().get(e.getKey());
            if (d == null) {
                throw new IllegalArgumentException("Signature '" + signatureKey + "' has no input '" + e.getKey()
                        + "'; its inputs are " + s.inputNames());
            }
            runner.feed(d.name, e.getValue());
        }
        s.getOutputs().values().forEach(d -> runner.fetch(d.name));
        return runner.run();
    }

    public List<String> classNames() {
        return classNames;
    }

    public Prediction classify(byte[] image) {
        return classifyAll(List.of(image)).get(0);
    }

    /** Classifies a batch in one run; an undecodable image fails the whole batch. */
    public List<Prediction> classifyAll(List<byte[]> images) {
        if (images.isEmpty()) {
            return List.of();
        }
        String input = signature.getInputs().get("image_bytes").name;
        String output = signature.getOutputs().get("probabilities").name;
        try (TString bytes = TString.tensorOfBytes(NdArrays.vectorOfObjects(images.toArray(byte[][]::new)));
                Result r = session.runner().feed(input, bytes).fetch(output).run()) {
            TFloat32 probabilities = (TFloat32) r.get(0);
            int classes = (int) probabilities.shape().get(1);
            List<Prediction> predictions = new ArrayList<>();
            for (int i = 0; i < images.size(); i++) {
                List<Score> scores = new ArrayList<>();
                for (int c = 0; c < classes; c++) {
                    scores.add(new Score(
                            c,
                            c < classNames.size() ? classNames.get(c) : Integer.toString(c),
                            probabilities.getFloat(i, c)));
                }
                scores.sort(Comparator.comparingDouble(Score::probability).reversed());
                predictions.add(new Prediction(scores));
            }
            return predictions;
        }
    }

    @Override
    public void close() {
        try {
            owner.close();
        } catch (Exception e) {
            throw new IllegalStateException("Closing the model failed", e);
        }
    }
}
