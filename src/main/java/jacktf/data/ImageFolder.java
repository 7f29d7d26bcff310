package jacktf.data;

import jacktf.config.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Datasets as people keep them: {@code DIR/<class>/*.jpg} (class ids by sorted folder name),
 * optionally under {@code DIR/train} and {@code DIR/validation}, or Kaggle's flat
 * {@code cat.123.jpg} / {@code dog.456.jpg} (the label is the name up to the first dot).
 */
public final class ImageFolder {
    private ImageFolder() {}

    /** The folder {@code dir} as a {@link DatasetSource}: {@link #load} on every call. */
    public static DatasetSource at(Path dir) {
        return new DatasetSource() {
            @Override
            public DatasetSplits load(double validationSplit, long seed) throws IOException {
                return ImageFolder.load(dir, validationSplit, seed);
            }

            @Override
            public String description() {
                return dir.toString();
            }
        };
    }

    /**
     * Loads the dataset under {@code dir}; without train/validation folders, {@code validationSplit}
     * of each class (stratified, deterministic for a seed) becomes the validation part.
     */
    public static DatasetSplits load(Path dir, double validationSplit, long seed) throws IOException {
        requireValidationSplit(validationSplit);
        requireReadableDirectory(dir);
        Path trainDir = dir.resolve("train");
        Path validationDir =
                Files.isDirectory(dir.resolve("validation")) ? dir.resolve("validation") : dir.resolve("val");
        if (Files.isDirectory(trainDir) && Files.isDirectory(validationDir)) {
            ImageDataset train = scan(trainDir, null);
            ImageDataset validation = scan(validationDir, train.classNames());
            return new DatasetSplits(train, validation);
        }
        return holdOut(scan(dir, null), validationSplit, seed);
    }

    /** All of {@code all} for training when {@code validationSplit} is 0, else a stratified {@link #split}. */
    static DatasetSplits holdOut(ImageDataset all, double validationSplit, long seed) {
        requireValidationSplit(validationSplit);
        return validationSplit == 0
                ? new DatasetSplits(all, all.withExamples(List.of()))
                : split(all, validationSplit, seed);
    }

    private static void requireValidationSplit(double validationSplit) {
        if (validationSplit < 0 || validationSplit >= 1) {
            throw new ConfigException("validationSplit", "in [0, 1)", validationSplit);
        }
    }

    /** Scans one folder; {@code classNames} fixes the ids (validation must use the training ids). */
    public static ImageDataset scan(Path dir, List<String> classNames) throws IOException {
        requireReadableDirectory(dir);
        List<Path> classDirs = new ArrayList<>();
        List<Path> looseImages = new ArrayList<>();
        try (Stream<Path> children = Files.list(dir)) {
            for (Path p : children.sorted().toList()) {
                if (p.getFileName().toString().startsWith(".")) {
                    continue;
                }
                if (Files.isDirectory(p)) {
                    classDirs.add(p);
                } else if (ImageFiles.hasImageExtension(p)) {
                    looseImages.add(p);
                }
            }
        }
        Map<String, List<Path>> filesByClass = new TreeMap<>();
        if (!classDirs.isEmpty()) {
            for (Path classDir : classDirs) {
                List<Path> files = imagesUnder(classDir);
                if (!files.isEmpty()) {
                    filesByClass.put(classDir.getFileName().toString(), files);
                }
            }
        } else {
            for (Path file : looseImages) {
                String name = file.getFileName().toString();
                filesByClass
                        .computeIfAbsent(name.substring(0, name.indexOf('.')), k -> new ArrayList<>())
                        .add(file);
            }
        }
        if (filesByClass.isEmpty()) {
            throw new DatasetException("No images in " + dir + ": expected " + dir
                    + "/<class>/*.jpg (one folder per class) or files named like cat.1.jpg, dog.2.jpg");
        }
        List<String> names = classNames != null ? classNames : List.copyOf(filesByClass.keySet());
        List<Example> examples = new ArrayList<>();
        List<ImageFiles.ImageInfo> rejected = new ArrayList<>();
        for (var entry : filesByClass.entrySet()) {
            int label = names.indexOf(entry.getKey());
            if (label < 0) {
                throw new DatasetException(
                        "Class '" + entry.getKey() + "' in " + dir + " is not among the training classes " + names);
            }
            for (Path file : entry.getValue()) {
                ImageFiles.ImageInfo info = ImageFiles.inspect(file);
                if (info.usable()) {
                    examples.add(new Example(file, label));
                } else {
                    rejected.add(info);
                }
            }
        }
        return new ImageDataset(names, examples, rejected);
    }

    private static List<Path> imagesUnder(Path classDir) throws IOException {
        try (Stream<Path> files = Files.walk(classDir)) {
            return files.filter(p -> Files.isRegularFile(p)
                            && ImageFiles.hasImageExtension(p)
                            && !p.getFileName().toString().startsWith("."))
                    .sorted()
                    .toList();
        } catch (UncheckedIOException e) {
            throw new IOException(
                    "Cannot read " + classDir + ": " + e.getCause().getMessage(), e.getCause());
        }
    }

    static DatasetSplits split(ImageDataset all, double fraction, long seed) {
        List<List<Example>> byClass = new ArrayList<>();
        for (int i = 0; i < all.numClasses(); i++) {
            byClass.add(new ArrayList<>());
        }
        all.examples().forEach(e -> byClass.get(e.label()).add(e));
        List<Example> train = new ArrayList<>();
        List<Example> validation = new ArrayList<>();
        for (int c = 0; c < byClass.size(); c++) {
            List<Example> examples = byClass.get(c);
            // from file order, not the order a list source gave: the hold-out depends on the files and seed only
            examples.sort(Comparator.comparing(Example::file));
            Collections.shuffle(examples, new Random(seed * 31 + c));
            int n = examples.size();
            int held = n < 2 ? 0 : Math.max(1, (int) Math.round(n * fraction));
            validation.addAll(examples.subList(0, held));
            train.addAll(examples.subList(held, n));
        }
        train.sort(Comparator.comparing(Example::file));
        validation.sort(Comparator.comparing(Example::file));
        return new DatasetSplits(
                new ImageDataset(all.classNames(), train, all.rejected()), all.withExamples(validation));
    }

    private static void requireReadableDirectory(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            throw new DatasetException("Dataset directory " + dir + " does not exist");
        }
        if (!Files.isDirectory(dir)) {
            throw new DatasetException("Dataset path " + dir + " is a file, not a directory");
        }
        if (!Files.isReadable(dir)) {
            throw new AccessDeniedException(dir.toString(), null, "dataset directory is not readable");
        }
    }
}
