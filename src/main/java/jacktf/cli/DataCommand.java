package jacktf.cli;

import jacktf.config.JacktfException;
import jacktf.data.DatasetSource;
import jacktf.data.DatasetSplits;
import jacktf.data.Example;
import jacktf.data.ImageDataset;
import jacktf.data.ImageFiles;
import jacktf.data.SyntheticImages;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jacktf data}: look at a dataset before training on it, or make one. */
@Command(
        name = "data",
        mixinStandardHelpOptions = true,
        description = "Check an image dataset, convert it to TF-Slim's TFRecords, or write a synthetic one.",
        subcommands = {DataCommand.Check.class, DataConvertCommand.class, DataCommand.Synth.class})
final class DataCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(
            name = "check",
            mixinStandardHelpOptions = true,
            description =
                    "Per-class counts, image size statistics and every file that cannot be used, with the reason; "
                            + "for slim's TFRecord shards, every bad record by shard and offset.")
    static final class Check implements Callable<Integer> {
        @Parameters(
                paramLabel = "DIR",
                description = "DIR/<class>/*.jpg, DIR/{train,validation}/<class>/, cat.1.jpg files, or slim's "
                        + "NAME_{train,validation}_00000-of-0000N.tfrecord shards with labels.txt.")
        Path dir;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            DatasetSplits splits = DatasetSource.of(dir).load(0, 0);
            PrintWriter out = spec.commandLine().getOut();
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("dataset", dir.toString());
            doc.put("classes", splits.train().classNames());
            List<Map<String, Object>> parts = new ArrayList<>();
            List<ImageFiles.ImageInfo> bad = new ArrayList<>();
            for (String split : List.of("train", "validation")) {
                ImageDataset part = splits.get(split);
                bad.addAll(part.rejected());
                if (part.size() == 0 && split.equals("validation")) {
                    continue;
                }
                parts.add(describe(split, part));
            }
            doc.put("splits", parts);
            doc.put(
                    "unusable",
                    bad.stream()
                            .map(b -> Map.of("file", b.file().toString(), "reason", b.problem()))
                            .toList());
            if (json) {
                out.println(Json.GSON.toJson(doc));
            } else {
                out.println("Dataset " + dir + ": " + splits.train().numClasses() + " classes");
                for (Map<String, Object> part : parts) {
                    out.println(part.get("split") + ": " + part.get("images") + " images");
                    @SuppressWarnings("unchecked")
                    Map<String, Integer> counts = (Map<String, Integer>) part.get("per_class");
                    counts.forEach((name, n) -> out.printf("  %-24s %d%n", name, n));
                    out.println("  width  min/median/max: " + part.get("width"));
                    out.println("  height min/median/max: " + part.get("height"));
                }
                out.println("Unusable files: " + bad.size());
                for (ImageFiles.ImageInfo b : bad) {
                    out.println("  " + b.file() + "\t" + b.problem());
                }
            }
            out.flush();
            return 0;
        }

        private static Map<String, Object> describe(String split, ImageDataset part) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("split", split);
            m.put("images", part.size());
            Map<String, Integer> perClass = new LinkedHashMap<>();
            int[] counts = part.countsPerClass();
            for (int i = 0; i < counts.length; i++) {
                perClass.put(part.classNames().get(i), counts[i]);
            }
            m.put("per_class", perClass);
            int[] widths = new int[part.size()];
            int[] heights = new int[part.size()];
            for (int i = 0; i < part.size(); i++) {
                Example e = part.examples().get(i);
                if (e.record() != null) { // the size its Example declares: reading every image back is slow
                    widths[i] = e.record().width();
                    heights[i] = e.record().height();
                    continue;
                }
                ImageFiles.ImageInfo info = ImageFiles.inspect(e.file());
                widths[i] = info.width();
                heights[i] = info.height();
            }
            m.put("width", stats(widths));
            m.put("height", stats(heights));
            return m;
        }

        private static List<Integer> stats(int[] values) {
            if (values.length == 0) {
                return List.of();
            }
            int[] sorted = values.clone();
            Arrays.sort(sorted);
            return List.of(sorted[0], sorted[sorted.length / 2], sorted[sorted.length - 1]);
        }
    }

    @Command(
            name = "synth",
            mixinStandardHelpOptions = true,
            description = "Write a procedurally drawn JPEG dataset with learnable classes (same seed, same bytes).")
    static final class Synth implements Callable<Integer> {
        @Option(names = "--output", required = true, paramLabel = "DIR", description = "Where to write the dataset.")
        Path output;

        @Option(names = "--classes", defaultValue = "2", description = "Number of classes (default: ${DEFAULT-VALUE}).")
        int classes;

        @Option(
                names = "--first-class",
                defaultValue = "0",
                description =
                        "Index of the first shape to use (other ranges make related tasks; default: ${DEFAULT-VALUE}).")
        int firstClass;

        @Option(
                names = "--per-class",
                defaultValue = "50",
                description = "Images per class (default: ${DEFAULT-VALUE}).")
        int perClass;

        @Option(
                names = "--size",
                defaultValue = "96",
                description = "Width and height in pixels (default: ${DEFAULT-VALUE}).")
        int size;

        @Option(names = "--seed", defaultValue = "1", description = "Random seed (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(
                names = "--layout",
                defaultValue = "folders",
                paramLabel = "folders|flat",
                description =
                        "folders: DIR/<class>/; flat: Kaggle-style DIR/<class>.<n>.jpg (default: ${DEFAULT-VALUE}).")
        String layout;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            SyntheticImages.Layout l =
                    switch (layout) {
                        case "folders" -> SyntheticImages.Layout.FOLDERS;
                        case "flat" -> SyntheticImages.Layout.FLAT;
                        default -> throw new JacktfException("--layout must be folders or flat, got " + layout);
                    };
            List<String> names = SyntheticImages.generate(output, classes, perClass, size, seed, firstClass, l);
            spec.commandLine()
                    .getOut()
                    .printf("Wrote %d images of %d classes %s to %s%n", classes * perClass, classes, names, output);
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
