package jacktf.runtime;

import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.proto.ConfigProto;

/** Creates sessions with the thread settings measured best on small CPUs. */
public final class Sessions {
  /** Environment variable overriding the intra-op thread count (default: 2, best on this class of machine). */
  public static final String INTRA_OP_THREADS_ENV = "JACKTF_INTRA_OP_THREADS";

  private Sessions() {}

  public static Session open(Graph graph) {
    return new Session(graph, config());
  }

  public static ConfigProto config() {
    return ConfigProto.newBuilder()
        .setIntraOpParallelismThreads(intraOpThreads())
        .setInterOpParallelismThreads(2)
        .setAllowSoftPlacement(true)
        .build();
  }

  static int intraOpThreads() {
    String value = System.getenv(INTRA_OP_THREADS_ENV);
    if (value == null || value.isBlank()) {
      return 2;
    }
    try {
      int threads = Integer.parseInt(value.trim());
      if (threads < 0) {
        throw new NumberFormatException();
      }
      return threads;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          INTRA_OP_THREADS_ENV + " must be a non-negative integer (0 = all cores), got '" + value + "'");
    }
  }
}
