package jacktf.testing;

import jacktf.serve.Classifier;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.opentest4j.AssertionFailedError;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorShapeProto;

/**
 * Assertions about SavedModels: the signatures they declare (read from {@code saved_model.pb}
 * without loading the model) and what a jacktf image classifier answers. A path may be a
 * SavedModel directory or a TF Serving base path, whose highest numeric version is used.
 * Failures throw {@link AssertionFailedError} with expected/actual set for IDE diffs.
 */
public final class SavedModelAssertions {
    /** The tag TF Serving loads. */
    public static final String SERVE = "serve";

    private SavedModelAssertions() {}

    /**
     * Asserts that the {@code serve} meta graph of {@code savedModel} has signature {@code key} with
     * exactly these inputs and outputs (keys, dtypes, shapes; {@code -1} must match {@code -1}).
     */
    public static void assertSignature(Path savedModel, String key, List<TensorSpec> inputs, List<TensorSpec> outputs) {
        Path dir = versionDir(savedModel);
        SignatureDef signature = signatures(dir).get(key);
        if (signature == null) {
            throw new AssertionFailedError(
                    "SavedModel " + dir + " has no signature '" + key + "'; it has "
                            + signatures(dir).keySet(),
                    key,
                    String.join(", ", signatures(dir).keySet()));
        }
        List<String> problems = new ArrayList<>();
        Map<String, TensorSpec> actualInputs = specs(signature.getInputsMap());
        Map<String, TensorSpec> actualOutputs = specs(signature.getOutputsMap());
        check("input", inputs, actualInputs, problems);
        check("output", outputs, actualOutputs, problems);
        if (!problems.isEmpty()) {
            throw new AssertionFailedError(
                    "SavedModel " + dir + ", signature '" + key + "': " + String.join("; ", problems),
                    describe(inputs, outputs),
                    describe(actualInputs.values(), actualOutputs.values()));
        }
    }

    /**
     * Asserts that the jacktf image classifier at {@code savedModel} classifies {@code image} (an
     * encoded JPEG/PNG/GIF/BMP file) as {@code label} (its top class) with probability at least
     * {@code minProbability}. Loads the model for this one call; to classify many images, load a
     * {@link Classifier} once and use {@link #assertClassifies(Classifier, Path, String, double)}.
     */
    public static void assertClassifies(Path savedModel, Path image, String label, double minProbability) {
        try (Classifier classifier = Classifier.load(savedModel)) {
            assertClassifies(classifier, image, label, minProbability);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Asserts that {@code classifier}'s top class for {@code image} is {@code label} with probability
     * at least {@code minProbability}.
     */
    public static void assertClassifies(Classifier classifier, Path image, String label, double minProbability) {
        if (!classifier.classNames().contains(label)) {
            throw new IllegalArgumentException("The model has no class '" + label + "'. Received: '" + label
                    + "', expected one of " + classifier.classNames());
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(image);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read image " + image + ": " + e.getMessage(), e);
        }
        Classifier.Prediction prediction = classifier.classify(bytes);
        Classifier.Score top = prediction.top();
        if (top.className().equals(label) && top.probability() >= minProbability) {
            return;
        }
        String scores = prediction.scores().stream()
                .limit(5)
                .map(s -> String.format(Locale.ROOT, "%s %.4f", s.className(), s.probability()))
                .collect(Collectors.joining(", "));
        String expected = String.format(Locale.ROOT, "%s >= %.4f", label, minProbability);
        String actual = String.format(Locale.ROOT, "%s %.4f", top.className(), top.probability());
        String why = top.className().equals(label)
                ? "its probability is below " + String.format(Locale.ROOT, "%.4f", minProbability)
                : "the top class is '" + top.className() + "'";
        throw new AssertionFailedError(
                image.getFileName() + " is not classified as '" + label + "' with probability >= "
                        + String.format(Locale.ROOT, "%.4f", minProbability) + ": " + why + "; scores: " + scores,
                expected,
                actual);
    }

    private static void check(
            String kind, List<TensorSpec> expected, Map<String, TensorSpec> actual, List<String> problems) {
        for (TensorSpec e : expected) {
            TensorSpec a = actual.get(e.name());
            if (a == null) {
                problems.add("no " + kind + " " + e.name() + " (expected " + e.typeAndShape() + "; its " + kind
                        + "s are " + actual.keySet() + ")");
            } else if (!a.equals(e)) {
                problems.add(kind + " " + e.name() + " is " + a.typeAndShape() + ", expected " + e.typeAndShape());
            }
        }
        for (String name : actual.keySet()) {
            if (expected.stream().noneMatch(e -> e.name().equals(name))) {
                problems.add("unexpected " + kind + " " + actual.get(name));
            }
        }
    }

    private static Map<String, TensorSpec> specs(Map<String, TensorInfo> infos) {
        Map<String, TensorSpec> specs = new TreeMap<>();
        infos.forEach((name, info) -> {
            TensorShapeProto shape = info.getTensorShape();
            specs.put(
                    name,
                    new TensorSpec(
                            name,
                            info.getDtype(),
                            shape.getUnknownRank()
                                    ? null
                                    : shape.getDimList().stream()
                                            .mapToLong(TensorShapeProto.Dim::getSize)
                                            .toArray()));
        });
        return specs;
    }

    private static String describe(Collection<TensorSpec> inputs, Collection<TensorSpec> outputs) {
        return "inputs: "
                + inputs.stream()
                        .sorted(Comparator.comparing(TensorSpec::name))
                        .map(TensorSpec::toString)
                        .collect(Collectors.joining(", "))
                + "\noutputs: "
                + outputs.stream()
                        .sorted(Comparator.comparing(TensorSpec::name))
                        .map(TensorSpec::toString)
                        .collect(Collectors.joining(", "));
    }

    private static Map<String, SignatureDef> signatures(Path dir) {
        SavedModel model;
        try (InputStream in = Files.newInputStream(dir.resolve("saved_model.pb"))) {
            model = SavedModel.parseFrom(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + dir.resolve("saved_model.pb") + ": " + e.getMessage(), e);
        }
        List<List<String>> tags = new ArrayList<>();
        for (MetaGraphDef meta : model.getMetaGraphsList()) {
            if (meta.getMetaInfoDef().getTagsList().contains(SERVE)) {
                return new TreeMap<>(meta.getSignatureDefMap());
            }
            tags.add(meta.getMetaInfoDef().getTagsList());
        }
        throw new AssertionFailedError(
                "SavedModel " + dir + " has no meta graph tagged '" + SERVE + "'; its tags are " + tags);
    }

    /** A SavedModel directory, or the highest numeric version under a TF Serving base path. */
    static Path versionDir(Path path) {
        if (Files.isRegularFile(path.resolve("saved_model.pb"))) {
            return path;
        }
        if (Files.isDirectory(path)) {
            try (Stream<Path> children = Files.list(path)) {
                var version = children.filter(p -> p.getFileName().toString().matches("\\d{1,9}")
                                && Files.isRegularFile(p.resolve("saved_model.pb")))
                        .max(Comparator.comparingInt(
                                p -> Integer.parseInt(p.getFileName().toString())));
                if (version.isPresent()) {
                    return version.get();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalArgumentException(
                "No SavedModel at " + path + ": expected a directory with saved_model.pb or a "
                        + "base path with numeric version directories (export one with: jacktf export)");
    }
}
