package jacktf.config;

/**
 * A failure the user can fix: bad input (a corrupt file, a wrong checkpoint, a value out of range),
 * a diverging run, a lost cluster task. Its message names the problem and what to do, so a caller
 * may show it as is; the CLI prints it as one line and exits 1. Every other exception jacktf
 * throws is a bug and keeps its stack trace.
 */
public class JacktfException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A failure with a message that names the problem and the fix. */
    public JacktfException(String message) {
        super(message);
    }

    /** A failure with a message that names the problem and the fix, caused by {@code cause}. */
    public JacktfException(String message, Throwable cause) {
        super(message, cause);
    }
}
