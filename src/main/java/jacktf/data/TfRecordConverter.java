package jacktf.data;

import jacktf.config.ConfigException;
import jacktf.runtime.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Writes an image folder (either layout {@link ImageFolder} reads) as TF-Slim's converters do
 * ({@code datasets/download_and_convert_flowers.py}): {@code NAME_train_00000-of-0000N.tfrecord} and
 * {@code NAME_validation_...} shards of {@code tf.train.Example}s with slim's keys, plus slim's
 * {@code labels.txt}. Each split is shuffled with the seed and cut into N shards of
 * {@code ceil(size / N)} examples, as slim cuts them. Unusable files are skipped and reported.
 *
 * @see SlimExample the examples' keys
 */
public final class TfRecordConverter {
    private TfRecordConverter() {}

    /**
     * What to write.
     *
     * @param name the shards' name prefix, e.g. {@code flowers}
     * @param shards shards per split
     * @param validationSplit the fraction of each class held out for validation when the folder has no
     *     train/validation folders, in [0, 1)
     * @param seed the seed of the hold-out and of the shuffling
     */
    public record Options(String name, int shards, double validationSplit, long seed) {
        public Options {
            if (name == null || name.isBlank() || name.contains("/") || name.contains("\\")) {
                throw new ConfigException("name", "a file name prefix such as flowers", "'" + name + "'");
            }
            if (shards < 1 || shards > 99_999) {
                throw new ConfigException("shards", "in [1, 99999]", shards);
            }
            if (!(validationSplit >= 0 && validationSplit < 1)) {
                throw new ConfigException("validationSplit", "in [0, 1)", validationSplit);
            }
        }
    }

    /** Progress of a conversion; no-op defaults. */
    public interface Listener {
        /** {@code total} images are about to be written. */
        default void started(int total) {}

        /** {@code done} of {@code total} images are written. */
        default void converted(int done, int total) {}
    }

    /**
     * What was written.
     *
     * @param classNames class names by label
     * @param trainShards the train shards, in order
     * @param validationShards the validation shards (none when nothing was held out)
     * @param labels slim's {@code labels.txt}
     * @param trainExamples examples in the train shards
     * @param validationExamples examples in the validation shards
     * @param skipped files that could not be used, with the reason
     */
    public record Result(
            List<String> classNames,
            List<Path> trainShards,
            List<Path> validationShards,
            Path labels,
            int trainExamples,
            int validationExamples,
            List<ImageFiles.ImageInfo> skipped) {}

    /** slim's shard name: {@code NAME_SPLIT_00000-of-00005.tfrecord}. */
    public static String shardName(String name, String split, int shard, int shards) {
        return String.format(Locale.ROOT, "%s_%s_%05d-of-%05d.tfrecord", name, split, shard, shards);
    }

    /** Converts the folder {@code imageDir} into {@code outputDir} (created when missing). */
    public static Result convert(Path imageDir, Path outputDir, Options options, Listener listener) throws IOException {
        DatasetSplits splits = ImageFolder.load(imageDir, options.validationSplit(), options.seed());
        List<Example> train = shuffled(splits.train().examples(), options.seed());
        List<Example> validation = shuffled(splits.validation().examples(), options.seed() + 1);
        List<ImageFiles.ImageInfo> skipped = new ArrayList<>(splits.train().rejected());
        skipped.addAll(splits.validation().rejected());
        Files.createDirectories(outputDir);
        int total = train.size() + validation.size();
        listener.started(total);
        int[] done = {0};
        List<Path> trainShards = writeSplit(outputDir, options, "train", train, skipped, listener, done, total);
        List<Path> validationShards = validation.isEmpty()
                ? List.of()
                : writeSplit(outputDir, options, "validation", validation, skipped, listener, done, total);
        Path labels = outputDir.resolve(Labels.FILE_NAME);
        Labels.writeFile(labels, splits.train().classNames());
        return new Result(
                splits.train().classNames(),
                trainShards,
                validationShards,
                labels,
                train.size(),
                validation.size(),
                List.copyOf(skipped));
    }

    private static List<Example> shuffled(List<Example> examples, long seed) {
        List<Example> copy = new ArrayList<>(examples);
        Collections.shuffle(copy, new Random(seed));
        return copy;
    }

    private static List<Path> writeSplit(
            Path outputDir,
            Options options,
            String split,
            List<Example> examples,
            List<ImageFiles.ImageInfo> skipped,
            Listener listener,
            int[] done,
            int total)
            throws IOException {
        int perShard = (examples.size() + options.shards() - 1) / options.shards();
        List<Path> shards = new ArrayList<>();
        for (int shard = 0; shard < options.shards(); shard++) {
            Path file = outputDir.resolve(shardName(options.name(), split, shard, options.shards()));
            Path temp = file.resolveSibling(file.getFileName() + AtomicFiles.TEMP_SUFFIX);
            try (TfRecordWriter writer = TfRecordWriter.create(temp)) {
                int from = Math.min(examples.size(), shard * perShard);
                int to = Math.min(examples.size(), from + perShard);
                for (Example e : examples.subList(from, to)) {
                    byte[] record = example(e, skipped);
                    if (record != null) {
                        writer.write(record);
                    }
                    listener.converted(++done[0], total);
                }
            }
            AtomicFiles.force(temp);
            AtomicFiles.publish(temp, file);
            shards.add(file);
        }
        return shards;
    }

    /** The serialized Example of {@code e}, or null (and the file added to {@code skipped}) if it changed. */
    private static byte[] example(Example e, List<ImageFiles.ImageInfo> skipped) throws IOException {
        ImageFiles.ImageInfo info = ImageFiles.inspect(e.file());
        if (!info.usable()) { // it was usable when the folder was scanned
            skipped.add(info);
            return null;
        }
        return SlimExample.serialize(
                Files.readAllBytes(e.file()), info.format(), info.height(), info.width(), e.label());
    }
}
