package jacktf.serve;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.tensorflow.Signature;

/**
 * The versions under a model base path, as TF Serving treats them: the highest numeric
 * directory holding a saved_model.pb is served, and a newer one is picked up while running.
 * Each request holds a {@link Lease} on the version it uses, so a replaced version is closed
 * when its last request in flight finishes, not on a timer.
 */
final class ModelVersions implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ModelVersions.class.getName());

    /** One loaded version with a batcher per signature. */
    static final class Loaded {
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
            return model.signatures().stream()
                    .filter(s -> s.key().equals(key))
                    .findFirst()
                    .orElse(null);
        }

        RowBatcher batcher(Signature signature) {
            return batchers.computeIfAbsent(
                    signature.key(), k -> new RowBatcher(model, signature, maxBatchSize, timeoutMicros));
        }

        /** One reference for being the served version, one per request using it; the last one out closes it. */
        private final AtomicInteger references = new AtomicInteger(1);

        private boolean acquire() {
            for (int n = references.get(); n > 0; n = references.get()) {
                if (references.compareAndSet(n, n + 1)) {
                    return true;
                }
            }
            return false; // already closed: the caller takes the newer version
        }

        private void release() {
            if (references.decrementAndGet() == 0) {
                batchers.values().forEach(RowBatcher::close);
                model.close();
            }
        }
    }

    /** The version one request uses, open until the lease is closed. */
    record Lease(Loaded loaded) implements AutoCloseable {
        @Override
        public void close() {
            loaded.release();
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
        poller.scheduleWithFixedDelay(
                () -> {
                    try {
                        refresh();
                    } catch (Exception e) {
                        LOG.log(
                                Level.WARNING,
                                "Loading a new version under " + basePath + " failed; still serving the old one",
                                e);
                    }
                },
                pollSeconds,
                pollSeconds,
                TimeUnit.SECONDS);
    }

    /** The served version, for reading its number only; requests take a {@link #lease()}. */
    Loaded current() {
        return current.get();
    }

    Lease lease() {
        while (true) {
            Loaded serving = current.get();
            if (serving == null) {
                throw new IllegalStateException("The server is shutting down");
            }
            if (serving.acquire()) {
                return new Lease(serving);
            }
        }
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
                previous.release();
            }
        }
        return current.get() != null;
    }

    private int newestVersion() throws IOException {
        try (Stream<Path> children = Files.list(basePath)) {
            return children.filter(p -> p.getFileName().toString().matches("\\d{1,9}")
                            && Files.isRegularFile(p.resolve("saved_model.pb")))
                    .mapToInt(p -> Integer.parseInt(p.getFileName().toString()))
                    .max()
                    .orElse(0);
        }
    }

    @Override
    public void close() {
        poller.shutdownNow();
        Loaded serving = current.getAndSet(null);
        if (serving != null) {
            serving.release();
        }
    }
}
