package jacktf.serve;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.tensorflow.Signature;

/**
 * The versions under a model base path, as TF Serving treats them: the highest numeric
 * directory holding a saved_model.pb is served, and a newer one is picked up while running.
 * A replaced version is closed after a grace period so requests in flight finish.
 */
final class ModelVersions implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(ModelVersions.class.getName());
  private static final long GRACE_SECONDS = 30;

  /** One loaded version with a batcher per signature. */
  static final class Loaded implements AutoCloseable {
    final int version;
    final Classifier model;
    private final Map<String, RowBatcher> batchers = new ConcurrentHashMap<>();
    private final int maxBatchSize;
    private final long timeoutMicros;

    Loaded(int version, Classifier model, int maxBatchSize, long timeoutMicros) {
      this.version = version;
      this.model = model;
      this.maxBatchSize = maxBatchSize;
      this.timeoutMicros = timeoutMicros;
    }

    Signature signature(String key) {
      return model.signatures().stream().filter(s -> s.key().equals(key)).findFirst().orElse(null);
    }

    RowBatcher batcher(Signature signature) {
      return batchers.computeIfAbsent(signature.key(), k -> new RowBatcher(model, signature, maxBatchSize, timeoutMicros));
    }

    @Override
    public void close() {
      batchers.values().forEach(RowBatcher::close);
      model.close();
    }
  }

  private final Path basePath;
  private final int maxBatchSize;
  private final long timeoutMicros;
  private final AtomicReference<Loaded> current = new AtomicReference<>();
  private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "model-version-poller");
    t.setDaemon(true);
    return t;
  });

  ModelVersions(Path basePath, int maxBatchSize, long timeoutMicros, long pollSeconds) throws IOException {
    this.basePath = basePath;
    this.maxBatchSize = maxBatchSize;
    this.timeoutMicros = timeoutMicros;
    if (!Files.isDirectory(basePath)) {
      throw new IllegalArgumentException("--model-base-path " + basePath + " is not a directory");
    }
    if (!refresh()) {
      throw new IllegalArgumentException("No version under " + basePath + ": expected " + basePath
          + "/<N>/saved_model.pb (write one with: jacktf export --output " + basePath + ")");
    }
    poller.scheduleWithFixedDelay(() -> {
      try {
        refresh();
      } catch (Exception e) {
        LOG.log(Level.WARNING, "Loading a new version under " + basePath + " failed; still serving the old one", e);
      }
    }, pollSeconds, pollSeconds, TimeUnit.SECONDS);
  }

  Loaded current() {
    return current.get();
  }

  /** Loads a newer version if one appeared; true when some version is being served. */
  synchronized boolean refresh() throws IOException {
    int newest = newestVersion();
    Loaded serving = current.get();
    if (newest > 0 && (serving == null || newest > serving.version)) {
      Classifier model = Classifier.load(basePath.resolve(Integer.toString(newest)));
      Loaded previous = current.getAndSet(new Loaded(newest, model, maxBatchSize, timeoutMicros));
      LOG.info("Serving version " + newest + " of " + basePath);
      if (previous != null) {
        poller.schedule(previous::close, GRACE_SECONDS, TimeUnit.SECONDS);
      }
    }
    return current.get() != null;
  }

  private int newestVersion() throws IOException {
    try (Stream<Path> children = Files.list(basePath)) {
      return children.filter(p -> p.getFileName().toString().matches("\\d{1,9}")
              && Files.isRegularFile(p.resolve("saved_model.pb")))
          .mapToInt(p -> Integer.parseInt(p.getFileName().toString())).max().orElse(0);
    }
  }

  @Override
  public void close() {
    poller.shutdownNow();
    Loaded serving = current.getAndSet(null);
    if (serving != null) {
      serving.close();
    }
  }
}
