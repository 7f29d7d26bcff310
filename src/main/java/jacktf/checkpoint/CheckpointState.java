package jacktf.checkpoint;

import jacktf.runtime.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code checkpoint} text file that {@code tf.train.latest_checkpoint} reads:
 * {@code model_checkpoint_path} and {@code all_model_checkpoint_paths}, relative to its directory.
 */
public record CheckpointState(String latest, List<String> all) {
    public static final String FILE_NAME = "checkpoint";
    private static final Pattern FIELD = Pattern.compile("^\\s*(\\w+)\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*$");

    /** Reads {@code dir/checkpoint}; empty when there is none. */
    public static Optional<CheckpointState> read(Path dir) {
        Path file = dir.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CheckpointException(file, "cannot be read: " + e.getMessage(), e);
        }
        String latest = null;
        List<String> all = new ArrayList<>();
        for (String line : lines) {
            Matcher m = FIELD.matcher(line);
            if (!m.matches()) {
                continue; // timestamps and other fields we do not need
            }
            String value = unescape(m.group(2));
            switch (m.group(1)) {
                case "model_checkpoint_path" -> latest = value;
                case "all_model_checkpoint_paths" -> all.add(value);
                default -> {}
            }
        }
        if (latest == null) {
            throw new CheckpointException(file, "has no model_checkpoint_path (not a checkpoint state file?)");
        }
        return Optional.of(new CheckpointState(latest, List.copyOf(all)));
    }

    /**
     * The latest checkpoint prefix named by {@code dir/checkpoint}. A path recorded on another
     * machine (absolute, now missing) is looked up by its file name in {@code dir}, as TF does.
     */
    public static Optional<Path> latest(Path dir) {
        return read(dir).map(state -> locate(dir, state.latest()));
    }

    static Path locate(Path dir, String recorded) {
        Path path = Path.of(recorded);
        Path resolved = path.isAbsolute() ? path : dir.resolve(path);
        if (!Files.exists(Checkpoint.indexOf(resolved)) && path.getFileName() != null) {
            Path local = dir.resolve(path.getFileName().toString());
            if (Files.exists(Checkpoint.indexOf(local)) || Files.isRegularFile(local)) {
                return local;
            }
        }
        return resolved;
    }

    /**
     * Replaces {@code dir/checkpoint} atomically: written to a temporary file, flushed to disk,
     * then renamed over the old one, so a crash leaves either the old or the new state.
     */
    public void write(Path dir) throws IOException {
        StringBuilder text = new StringBuilder();
        text.append("model_checkpoint_path: \"").append(escape(latest)).append("\"\n");
        for (String path : all) {
            text.append("all_model_checkpoint_paths: \"").append(escape(path)).append("\"\n");
        }
        AtomicFiles.writeString(dir.resolve(FILE_NAME), text);
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private static String unescape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char next = s.charAt(++i);
                out.append(
                        switch (next) {
                            case 'n' -> '\n';
                            case 't' -> '\t';
                            default -> next;
                        });
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
