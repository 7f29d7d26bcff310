package jacktf.data;

import jacktf.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A TF-Slim TFRecord dataset as a {@link DatasetSource}: {@code NAME_train_00000-of-00005.tfrecord} and
 * {@code NAME_validation_...} shards ({@link TfRecordConverter}'s and slim's converters' naming, plain or
 * GZIP-compressed, any suffix after {@code .tfrecord}) with slim's {@code labels.txt}. The split comes from
 * the shard names. Every shard is scanned first ({@link TfRecordScan}): TensorFlow's reader gives up on the
 * rest of a shard at its first bad record, so each intact record becomes one {@link Example} that the
 * input pipeline reads alone by its offset, and a corrupt record, a lost tail of a shard, a record that
 * is not a slim {@code tf.train.Example}, or a label outside {@code labels.txt} is set aside in
 * {@link ImageDataset#rejected()} with the shard, the offset and the reason.
 */
public final class TfRecordDataset implements DatasetSource {
    /** slim's shard name; {@code .tfrecord.gz} and the like are accepted too. */
    private static final Pattern SHARD =
            Pattern.compile("(.+)_(train|validation)_(\\d+)-of-(\\d+)\\.tfrecord(\\.[A-Za-z0-9]+)?");

    private final Path dir;

    private TfRecordDataset(Path dir) {
        this.dir = dir;
    }

    /** The shards in {@code dir}. */
    public static TfRecordDataset at(Path dir) {
        return new TfRecordDataset(dir);
    }

    /** Whether {@code dir} is a directory holding at least one shard named as slim names them. */
    public static boolean holdsShards(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(f -> Files.isRegularFile(f)
                    && SHARD.matcher(f.getFileName().toString()).matches());
        }
    }

    /**
     * The train and validation shards' examples, each split in shard order and, within a shard, in
     * record order. {@code validationSplit} must be 0: the split is the shards'.
     */
    @Override
    public DatasetSplits load(double validationSplit, long seed) throws IOException {
        if (validationSplit != 0) {
            throw new ConfigException(
                    "validationSplit",
                    "0 for a TFRecord dataset, whose split comes from its shard names (" + dir
                            + "/NAME_train_*, NAME_validation_*); leave it unset",
                    validationSplit);
        }
        Map<String, TreeMap<Integer, Path>> shardsBySplit = new TreeMap<>();
        TreeSet<String> names = new TreeSet<>();
        Map<String, Integer> counts = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                Matcher m = SHARD.matcher(f.getFileName().toString());
                if (Files.isRegularFile(f) && m.matches()) {
                    names.add(m.group(1));
                    shardsBySplit
                            .computeIfAbsent(m.group(2), k -> new TreeMap<>())
                            .put(Integer.parseInt(m.group(3)), f);
                    counts.merge(m.group(2), Integer.parseInt(m.group(4)), Math::max);
                }
            }
        }
        if (names.size() > 1) {
            throw new DatasetException("The TFRecord shards in " + dir + " belong to " + names.size() + " datasets "
                    + names + "; expected one (NAME_train_00000-of-0000N.tfrecord): move the others out");
        }
        if (!shardsBySplit.containsKey("train")) {
            throw new DatasetException("No train shards in " + dir + " (only " + shardsBySplit.keySet()
                    + "); expected NAME_train_00000-of-0000N.tfrecord as slim's converters write them");
        }
        List<String> classNames = classNames();
        ImageDataset train = split("train", shardsBySplit.get("train"), counts.get("train"), classNames);
        ImageDataset validation = shardsBySplit.containsKey("validation")
                ? split("validation", shardsBySplit.get("validation"), counts.get("validation"), classNames)
                : train.withExamples(List.of());
        return new DatasetSplits(train, validation);
    }

    @Override
    public String description() {
        return dir + " (TFRecords)";
    }

    /** labels.txt's names: the shards hold only ids. */
    private List<String> classNames() throws IOException {
        Path labels = dir.resolve(Labels.FILE_NAME);
        if (Files.isRegularFile(labels)) {
            return Labels.readFile(labels);
        }
        throw new DatasetException("No " + Labels.FILE_NAME + " in " + dir + ": a TFRecord dataset needs slim's "
                + "labels.txt ('0:name' per class) beside its shards; `jacktf data convert` writes it");
    }

    private static ImageDataset split(String split, TreeMap<Integer, Path> shards, int count, List<String> classNames)
            throws IOException {
        List<Example> examples = new ArrayList<>();
        List<ImageFiles.ImageInfo> rejected = new ArrayList<>();
        Path first = shards.firstEntry().getValue();
        for (int i = 0; i < count; i++) {
            if (!shards.containsKey(i)) {
                String name = first.getFileName()
                        .toString()
                        .replaceFirst("_\\d+-of-", String.format(Locale.ROOT, "_%05d-of-", i));
                rejected.add(ImageFiles.ImageInfo.bad(
                        first.resolveSibling(name),
                        FORMAT,
                        "missing: shard " + i + " of the " + split + " split's " + count));
            }
        }
        for (Path shard : shards.values()) {
            boolean gzip = TfRecordScan.compressionOf(shard) == TfRecordScan.Compression.GZIP;
            // a GZIP shard is read from its plain copy: TensorFlow cannot seek in a compressed stream
            List<Example> found = new ArrayList<>();
            TfRecordScan.Visitor visitor = (record, data) -> {
                SlimExample.Fields fields;
                try {
                    fields = SlimExample.read(data);
                } catch (IllegalArgumentException notSlim) {
                    rejected.add(ImageFiles.ImageInfo.bad(shard, FORMAT, at(record.offset()) + notSlim.getMessage()));
                    return;
                }
                if (fields.label() < 0 || fields.label() >= classNames.size()) {
                    rejected.add(ImageFiles.ImageInfo.bad(
                            shard,
                            FORMAT,
                            at(record.offset()) + "label " + fields.label() + " is not a class of " + Labels.FILE_NAME
                                    + " (ids 0.." + (classNames.size() - 1) + ")"));
                    return;
                }
                found.add(new Example(
                        shard,
                        (int) fields.label(),
                        new TfRecordRef(
                                shard,
                                record.offset(),
                                record.frameLength(),
                                TfRecordScan.Compression.NONE,
                                fields.width(),
                                fields.height())));
            };
            TfRecordScan scan;
            if (gzip) {
                UnpackedShards.Unpacked unpacked = UnpackedShards.scan(shard, visitor);
                scan = unpacked.scan();
                for (Example e : found) {
                    TfRecordRef r = e.record();
                    examples.add(new Example(
                            shard,
                            e.label(),
                            new TfRecordRef(
                                    unpacked.copy(),
                                    r.offset(),
                                    r.frameLength(),
                                    TfRecordScan.Compression.NONE,
                                    r.width(),
                                    r.height())));
                }
            } else {
                scan = TfRecordScan.scan(shard, visitor);
                examples.addAll(found);
            }
            for (TfRecordScan.Record corrupt : scan.corrupt()) {
                rejected.add(ImageFiles.ImageInfo.bad(
                        shard, FORMAT, at(corrupt.offset()) + "corrupt: its data does not match its checksum"));
            }
            if (scan.lostFrom() >= 0) {
                rejected.add(ImageFiles.ImageInfo.bad(
                        shard,
                        FORMAT,
                        "lost from offset " + scan.lostFrom() + " to the end (" + scan.lostReason() + ")"));
            }
        }
        return new ImageDataset(classNames, examples, rejected);
    }

    private static final String FORMAT = "tfrecord";

    private static String at(long offset) {
        return "record at offset " + offset + ": ";
    }
}
