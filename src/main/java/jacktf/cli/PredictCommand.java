package jacktf.cli;

import jacktf.config.JacktfException;
import jacktf.data.ImageFiles;
import jacktf.model.Precision;
import jacktf.serve.Classifier;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.tensorflow.exceptions.TFInvalidArgumentException;
import org.tensorflow.exceptions.TensorFlowException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jacktf predict}: top-k classes of images, from a checkpoint or a SavedModel. */
@Command(name = "predict", mixinStandardHelpOptions = true, description = "Classify images with a trained model.")
final class PredictCommand implements Callable<Integer> {
    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Option(
                names = "--checkpoint-path",
                paramLabel = "CKPT",
                description = "Train dir or checkpoint (labels.txt beside it).")
        Path checkpoint;

        @Option(names = "--saved-model", paramLabel = "DIR", description = "SavedModel dir or TF Serving base path.")
        Path savedModel;
    }

    @Parameters(paramLabel = "IMAGE_OR_DIR", arity = "1..*", description = "Image files or folders of images.")
    List<Path> inputs;

    @Option(
            names = "--top-k",
            defaultValue = "5",
            description = "Classes to print per image (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (topK < 1) {
            throw new JacktfException("--top-k must be at least 1");
        }
        List<Path> images = new ArrayList<>();
        for (Path input : inputs) {
            if (Files.isDirectory(input)) {
                try (Stream<Path> files = Files.walk(input)) {
                    files.filter(p -> Files.isRegularFile(p) && ImageFiles.hasImageExtension(p))
                            .sorted()
                            .forEach(images::add);
                }
            } else if (Files.isRegularFile(input)) {
                images.add(input);
            } else {
                throw new JacktfException("No image at " + input);
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        List<Map<String, Object>> results = new ArrayList<>();
        int failures = 0;
        try (Classifier classifier = source.checkpoint != null
                ? Classifier.fromCheckpoint(source.checkpoint, Precision.FP32)
                : Classifier.load(source.savedModel)) {
            for (Path image : images) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("file", image.toString());
                ImageFiles.ImageInfo info = ImageFiles.inspect(image);
                if (!info.usable()) {
                    row.put("error", info.problem());
                    failures++;
                } else {
                    try {
                        Classifier.Prediction p = classifier.classify(Files.readAllBytes(image));
                        row.put(
                                "predictions",
                                p.scores().stream()
                                        .limit(topK)
                                        .map(s -> Map.of(
                                                "class",
                                                s.className(),
                                                "id",
                                                s.classId(),
                                                "probability",
                                                s.probability()))
                                        .toList());
                    } catch (TensorFlowException | TFInvalidArgumentException e) {
                        row.put("error", "cannot be decoded: " + firstLine(e.getMessage()));
                        failures++;
                    }
                }
                results.add(row);
                if (!json) {
                    printRow(out, row);
                }
            }
        }
        if (json) {
            out.println(Json.GSON.toJson(results));
        }
        out.flush();
        return failures == 0 ? 0 : UserErrors.USER_ERROR;
    }

    @SuppressWarnings("unchecked")
    private void printRow(PrintWriter out, Map<String, Object> row) {
        if (row.containsKey("error")) {
            out.println(row.get("file") + "\terror: " + row.get("error"));
            return;
        }
        StringBuilder line = new StringBuilder(row.get("file").toString());
        for (Map<String, Object> p : (List<Map<String, Object>>) row.get("predictions")) {
            line.append('\t').append(p.get("class")).append(String.format(" %.4f", (Float) p.get("probability")));
        }
        out.println(line);
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.strip().lines().findFirst().orElse("");
    }
}
