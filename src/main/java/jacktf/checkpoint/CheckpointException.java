package jacktf.checkpoint;

import jacktf.config.JacktfException;
import java.nio.file.Path;

/** A checkpoint that cannot be used, naming the file and the problem. */
public class CheckpointException extends JacktfException {
    private static final long serialVersionUID = 1L;

    private final Path file;

    public CheckpointException(Path file, String problem) {
        super(file == null ? problem : file + ": " + problem);
        this.file = file;
    }

    public CheckpointException(Path file, String problem, Throwable cause) {
        super(file == null ? problem : file + ": " + problem, cause);
        this.file = file;
    }

    /** The file at fault, or null when the problem is not one file's. */
    public Path file() {
        return file;
    }
}
