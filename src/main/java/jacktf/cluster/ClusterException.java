package jacktf.cluster;

import jacktf.config.JacktfException;

/** A process of the cluster is gone or does not answer; the message names it and what to do. */
public final class ClusterException extends JacktfException {
    private static final long serialVersionUID = 1L;

    /** A failure whose message names the lost or silent process and what to do. */
    public ClusterException(String message, Throwable cause) {
        super(message, cause);
    }
}
