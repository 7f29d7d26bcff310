package jacktf.data;

import jacktf.config.JacktfException;

/** A dataset that cannot be used as given (missing, empty, undecodable, classes that do not match). */
public final class DatasetException extends JacktfException {
    private static final long serialVersionUID = 1L;

    /** A dataset failure whose message names the problem and the fix. */
    public DatasetException(String message) {
        super(message);
    }
}
