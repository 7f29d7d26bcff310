package jacktf.checkpoint;

import jacktf.config.ConfigException;
import jacktf.model.ModelGraph;
import jacktf.runtime.AtomicFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TString;

/**
 * Saves {@code model.ckpt-STEP} V2 checkpoints into a train directory, crash-safely: TensorFlow
 * writes each file under a temporary name and renames it; the files are flushed to disk; only
 * then is the {@code checkpoint} state file atomically replaced to name the new checkpoint. A
 * crash at any moment leaves the state file naming a complete checkpoint.
 */
public final class CheckpointSaver {
    public static final String PREFIX = "model.ckpt";

    private final Path trainDir;
    private final int keep;
    private final Placeholder<TString> prefix;
    private final Op saveOp;

    /**
     * @param keep how many of the newest checkpoints to keep (older ones are deleted)
     */
    public CheckpointSaver(ModelGraph graph, List<CheckpointVariable> targets, Path trainDir, int keep) {
        if (keep < 1) {
            throw new ConfigException("keep", "at least 1", keep);
        }
        this.trainDir = trainDir;
        this.keep = keep;
        Ops tf = graph.ops("save");
        this.prefix = tf.withName("prefix").placeholder(TString.class);
        String[] names = targets.stream().map(CheckpointVariable::name).toArray(String[]::new);
        String[] slices = new String[names.length];
        Arrays.fill(slices, "");
        List<Operand<?>> tensors =
                targets.stream().<Operand<?>>map(CheckpointVariable::variable).toList();
        this.saveOp = tf.train.save(
                prefix,
                tf.constant(NdArrays.vectorOfObjects(names)),
                tf.constant(NdArrays.vectorOfObjects(slices)),
                tensors);
    }

    /** Saves the variables as of {@code step}; returns the checkpoint prefix. */
    public Path save(Session session, long step) throws IOException {
        Files.createDirectories(trainDir);
        String name = PREFIX + "-" + step;
        Path checkpoint = trainDir.resolve(name);
        try (TString path = TString.scalarOf(checkpoint.toString())) {
            session.runner().feed(prefix, path).addTarget(saveOp).run();
        } catch (TensorFlowException | IllegalArgumentException e) { // TF's invalid-argument status is the latter
            removeTemporaries(trainDir); // what the failed write left; complete checkpoints are untouched
            String previous =
                    CheckpointState.read(trainDir).map(CheckpointState::latest).orElse(null);
            throw new IOException(
                    "Saving checkpoint " + checkpoint + " failed: " + firstLine(e.getMessage())
                            + (previous == null ? "" : ". The previous checkpoint " + previous + " is intact")
                            + ". Free space or fix "
                            + "permissions on " + trainDir + ", then rerun to resume.",
                    e);
        }
        Path index = Checkpoint.indexOf(checkpoint);
        Path data = BundleCheckpoint.dataFile(checkpoint, 0, 1);
        if (!Files.isRegularFile(index) || !Files.isRegularFile(data)) {
            throw new IOException("TensorFlow reported saving " + checkpoint + " but its files are missing");
        }
        // TF renamed its temp files into place but did not force them: do so (and the directory
        // entries) before the `checkpoint` file may name this checkpoint.
        AtomicFiles.force(data);
        AtomicFiles.force(index);
        AtomicFiles.forceDirectory(trainDir);
        List<String> all = new ArrayList<>();
        CheckpointState.read(trainDir).ifPresent(state -> all.addAll(state.all()));
        all.remove(name);
        all.add(name);
        List<String> dropped = new ArrayList<>(all.subList(0, Math.max(0, all.size() - keep)));
        List<String> kept = new ArrayList<>(all.subList(dropped.size(), all.size()));
        new CheckpointState(name, kept).write(trainDir);
        for (String old : dropped) {
            delete(trainDir, Path.of(old).getFileName().toString());
        }
        return checkpoint;
    }

    /** The checkpoint to resume from, if the train directory holds one. */
    public static Optional<Path> latest(Path trainDir) {
        return CheckpointState.latest(trainDir);
    }

    /** Removes files a crash left half-written ({@code *.tempstate*}); they are never referenced. */
    public static void removeTemporaries(Path trainDir) throws IOException {
        if (!Files.isDirectory(trainDir)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(trainDir, "*.tempstate*")) {
            for (Path f : files) {
                Files.deleteIfExists(f);
            }
        }
        Files.deleteIfExists(trainDir.resolve(CheckpointState.FILE_NAME + AtomicFiles.TEMP_SUFFIX));
    }

    private static void delete(Path dir, String name) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, globEscape(name) + ".*")) {
            for (Path f : files) {
                String rest = f.getFileName().toString().substring(name.length());
                if (rest.equals(".index") || rest.startsWith(".data-") || rest.equals(".meta")) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    private static String firstLine(String message) {
        return message == null
                ? "unknown error"
                : message.strip().lines().findFirst().orElse("");
    }

    private static String globEscape(String s) {
        return s.replaceAll("([*?\\[\\]{}\\\\])", "\\\\$1");
    }
}
