package jacktf.checkpoint;

import jacktf.model.ModelSpec;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A TensorFlow checkpoint, V2 (tensor bundle: {@code prefix.index} + data shards) or V1 (one
 * TensorSlice table file, as the 2016 slim model zoo ships). Read in Java with every checksum
 * verified, so corrupt files are reported before TensorFlow's native code ever sees them.
 */
public abstract class Checkpoint implements AutoCloseable {
    private static final Pattern DATA_SUFFIX = Pattern.compile("\\.data-\\d{5}-of-\\d{5}$");

    /** The on-disk format. */
    public enum Format {
        V1,
        V2
    }

    public abstract Format format();

    /** What RestoreV2 takes: the V2 prefix or the V1 file. */
    public abstract Path path();

    /** Every tensor, sorted by name. */
    public abstract List<TensorInfo> tensors();

    /** The tensor's values, checksums verified. */
    public abstract CheckpointTensor read(String name);

    public Optional<TensorInfo> find(String name) {
        return tensors().stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /** Reads (and so verifies) the named tensors, failing on the first corrupt one. */
    public void verify(Iterable<String> names) {
        for (String name : names) {
            read(name);
        }
    }

    /** Which ResNet-v1 this checkpoint holds (see {@link ModelSpec#detect}). */
    public ModelSpec modelSpec() {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        tensors().forEach(t -> shapes.put(t.name(), t.shape()));
        return ModelSpec.detect(shapes, "Checkpoint " + path());
    }

    /** Bytes of all tensors' values. */
    public long totalBytes() {
        return tensors().stream().mapToLong(TensorInfo::byteSize).sum();
    }

    @Override
    public abstract void close();

    /**
     * Opens a checkpoint from what people pass: a V2 prefix, its {@code .index} or a data file, a
     * directory with a {@code checkpoint} state file (its latest), a SavedModel directory, a
     * directory holding one checkpoint, or a V1 file.
     */
    public static Checkpoint open(Path path) {
        Path resolved = resolve(path);
        if (Files.isRegularFile(indexOf(resolved))) {
            return BundleCheckpoint.openPrefix(resolved);
        }
        return SliceCheckpoint.openFile(resolved);
    }

    /** The checkpoint path a user's path stands for (a V2 prefix or a V1 file). */
    public static Path resolve(Path path) {
        if (Files.isDirectory(path)) {
            return resolveDirectory(path);
        }
        if (Files.isRegularFile(indexOf(path))) {
            return path;
        }
        String name = path.getFileName() == null ? "" : path.getFileName().toString();
        if (name.endsWith(".index") && Files.isRegularFile(path)) {
            return path.resolveSibling(name.substring(0, name.length() - ".index".length()));
        }
        if (DATA_SUFFIX.matcher(name).find()) {
            Path prefix = path.resolveSibling(DATA_SUFFIX.matcher(name).replaceFirst(""));
            if (Files.isRegularFile(indexOf(prefix))) {
                return prefix;
            }
            throw new CheckpointException(indexOf(prefix), "the index of this V2 checkpoint is missing");
        }
        if (Files.isRegularFile(path)) {
            return path;
        }
        throw new CheckpointException(
                path,
                "no checkpoint here: no such file or directory, and no "
                        + path.getFileName() + ".index. Pass a checkpoint prefix (model.ckpt-1000), a train "
                        + "directory with a 'checkpoint' file, or a V1 file such as resnet_v1_50.ckpt");
    }

    static Path indexOf(Path prefix) {
        return prefix.resolveSibling(prefix.getFileName() + ".index");
    }

    private static Path resolveDirectory(Path dir) {
        Optional<Path> latest = CheckpointState.latest(dir);
        if (latest.isPresent()) {
            return latest.get();
        }
        Path savedModelVariables = dir.resolve("variables").resolve("variables");
        if (Files.isRegularFile(indexOf(savedModelVariables))) {
            return savedModelVariables;
        }
        List<Path> prefixes = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.index")) {
            for (Path index : files) {
                String name = index.getFileName().toString();
                prefixes.add(index.resolveSibling(name.substring(0, name.length() - ".index".length())));
            }
        } catch (IOException e) {
            throw new CheckpointException(dir, "cannot list the directory: " + e.getMessage(), e);
        }
        if (prefixes.size() == 1) {
            return prefixes.get(0);
        }
        if (prefixes.isEmpty()) {
            throw new CheckpointException(
                    dir,
                    "directory holds no checkpoint (no 'checkpoint' state "
                            + "file, no *.index file, no variables/variables.index)");
        }
        throw new CheckpointException(
                dir,
                "directory holds " + prefixes.size() + " checkpoints and no "
                        + "'checkpoint' state file saying which is latest; pass one prefix, e.g. "
                        + prefixes.get(0));
    }
}
