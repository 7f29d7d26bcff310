package jacktf.runtime;

/** A process of the cluster is gone or does not answer; the message names it and what to do. */
public final class ClusterException extends RuntimeException {
  public ClusterException(String message, Throwable cause) {
    super(message, cause);
  }
}
