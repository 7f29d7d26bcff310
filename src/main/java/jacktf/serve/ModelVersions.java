package jacktf.serve;

import com.google.protobuf.InvalidProtocolBufferException;
import jacktf.runtime.Bf16SelfCheckException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.tensorflow.proto.error.Code;

/**
 * The versions of one model, as TF Serving treats them: numeric directories under the base path
 * that hold a saved_model.pb, of which the {@link VersionPolicy} picks those to serve; a
 * {@link #refresh} loads new ones and unloads dropped ones. Each request holds a {@link Lease} on
 * the version it uses, so an unloaded version is closed when its last request in flight
 * finishes, not on a timer. Version labels map names to versions ({@code /labels/NAME}).
 */
final class ModelVersions implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ModelVersions.class.getName());

    /** One loaded version with a runner per signature, made when first asked for. */
    static final class Loaded {
        final String modelName;
        final long version;
        final ServedModel model;
        private final SignatureRunner.Options options;
        private final ServingMetrics metrics;
        private final Map<String, SignatureRunner> runners = new ConcurrentHashMap<>();
        /** One reference for being served, one per request using it; the last one out closes it. */
        private final AtomicInteger references = new AtomicInteger(1);

        Loaded(
                String modelName,
                long version,
                ServedModel model,
                SignatureRunner.Options options,
                ServingMetrics metrics) {
            this.modelName = modelName;
            this.version = version;
            this.model = model;
            this.options = options;
            this.metrics = metrics;
        }

        SignatureRunner runner(SignatureSpec signature) {
            return runners.computeIfAbsent(
                    signature.key(), k -> new SignatureRunner(modelName, version, model, signature, options, metrics));
        }

        private boolean acquire() {
            for (int n = references.get(); n > 0; n = references.get()) {
                if (references.compareAndSet(n, n + 1)) {
                    return true;
                }
            }
            return false; // already closed
        }

        private void release() {
            if (references.decrementAndGet() == 0) {
                runners.values().forEach(SignatureRunner::close);
                model.close();
                metrics.modelEvent(modelName, version, "unload");
                LOG.info("Unloaded version " + version + " of " + modelName);
            }
        }
    }

    /** The version one request uses, open until the lease is closed (once: closing again does nothing). */
    static final class Lease implements AutoCloseable {
        private final Loaded loaded;
        private final AtomicBoolean closed = new AtomicBoolean();

        Lease(Loaded loaded) {
            this.loaded = loaded;
        }

        Loaded loaded() {
            return loaded;
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) { // a second release would unload a version others still use
                loaded.release();
            }
        }
    }

    /**
     * A version's state for the status APIs: AVAILABLE, or END after a failed load with its
     * error's canonical code and message (OK and empty otherwise), as TF Serving reports it.
     */
    record VersionState(long version, String state, Code errorCode, String error) {}

    private final String name;
    private final SignatureRunner.Options options;
    private final ServingMetrics metrics;
    private volatile Path basePath;
    private volatile VersionPolicy policy;
    private volatile Map<String, Long> labels;
    private volatile NavigableMap<Long, Loaded> served = new TreeMap<>();
    /** A failed load: its error, and its directory's {@link #fingerprint} then, to retry when that changes. */
    private record Failure(Code code, String error, long fingerprint) {}

    private final Map<Long, Failure> failed = new ConcurrentHashMap<>();
    private volatile boolean closed;

    ModelVersions(
            String name,
            Path basePath,
            VersionPolicy policy,
            Map<String, Long> labels,
            SignatureRunner.Options options,
            ServingMetrics metrics) {
        this.name = name;
        this.basePath = basePath;
        this.policy = policy;
        this.labels = Map.copyOf(labels);
        this.options = options;
        this.metrics = metrics;
    }

    String name() {
        return name;
    }

    Path basePath() {
        return basePath;
    }

    /** A new policy or labels from a reloaded config; applied by the next {@link #refresh}. */
    void reconfigure(VersionPolicy policy, Map<String, Long> labels) {
        this.policy = policy;
        this.labels = Map.copyOf(labels);
    }

    /** The version numbers being served, lowest first. */
    NavigableSet<Long> servedVersions() {
        return new TreeSet<>(served.keySet());
    }

    /**
     * Takes a lease on the requested version: a number, a label, or (neither) the newest served.
     * NOT_FOUND when it is not served, UNAVAILABLE while shutting down.
     */
    Lease lease(Optional<Long> version, Optional<String> label) {
        while (true) {
            if (closed) {
                throw ServingException.unavailable("The server is shutting down");
            }
            NavigableMap<Long, Loaded> now = served;
            Loaded pick;
            if (label.isPresent()) {
                Long v = labels.get(label.get());
                if (v == null) {
                    throw ServingException.notFound("Unrecognized servable version label: " + label.get() + " (model "
                            + name + " has labels " + labels.keySet() + ")");
                }
                pick = now.get(v);
                if (pick == null) {
                    throw ServingException.notFound("Servable not found for request: Specific(" + name + ", " + v
                            + ") (label " + label.get() + "); served versions: " + now.keySet());
                }
            } else if (version.isPresent()) {
                pick = now.get(version.get());
                if (pick == null) {
                    throw ServingException.notFound("Servable not found for request: Specific(" + name + ", "
                            + version.get() + "); served versions: " + now.keySet());
                }
            } else {
                Map.Entry<Long, Loaded> newest = now.lastEntry();
                if (newest == null) {
                    throw ServingException.notFound(
                            "Servable not found for request: Latest(" + name + "); no version of it is loaded");
                }
                pick = newest.getValue();
            }
            if (pick.acquire()) {
                return new Lease(pick);
            } // else it was unloaded just now: look again
        }
    }

    /** Every version known: served ones AVAILABLE, failed loads END with their error; newest first. */
    List<VersionState> states() {
        List<VersionState> out = new ArrayList<>();
        served.keySet().forEach(v -> out.add(new VersionState(v, "AVAILABLE", Code.OK, "")));
        failed.forEach((v, failure) -> {
            if (!served.containsKey(v)) {
                out.add(new VersionState(v, "END", failure.code(), failure.error()));
            }
        });
        out.sort((a, b) -> Long.compare(b.version(), a.version()));
        return out;
    }

    /**
     * What GetModelStatus answers, over REST and gRPC alike (TF Serving's get_model_status_impl):
     * the state of the version asked for (by number or label), or of every version; NOT_FOUND when
     * there is none. A version whose load failed is there too, END with its error.
     */
    List<VersionState> status(Optional<Long> version, Optional<String> label) {
        Optional<Long> wanted = version;
        if (label.isPresent()) {
            Long v = labels.get(label.get());
            if (v == null) {
                throw ServingException.notFound("Unrecognized servable version label: " + label.get() + " (model "
                        + name + " has labels " + labels.keySet() + ")");
            }
            wanted = Optional.of(v);
        }
        List<VersionState> all = states();
        if (wanted.isEmpty()) {
            if (all.isEmpty()) {
                throw ServingException.notFound("Could not find any versions of model " + name);
            }
            return all;
        }
        long v = wanted.get();
        List<VersionState> one = all.stream().filter(s -> s.version() == v).toList();
        if (one.isEmpty()) {
            throw ServingException.notFound("Could not find version " + v + " of model " + name);
        }
        return one;
    }

    /** The first version the policy picks whose load failed, if any (start-up refuses to serve then). */
    Optional<VersionState> failure() {
        return states().stream().filter(s -> s.errorCode() != Code.OK).findFirst();
    }

    /**
     * Loads the versions the policy picks that are not loaded yet and unloads the ones it no
     * longer picks, availability first as TF Serving's model server always does (its
     * AvailabilityPreservingPolicy): a version is loaded and warmed up ({@link Warmup}) before it
     * is served, and a
     * version the policy no longer picks is unloaded only once one it picks is serving (or it
     * picks none). So a new version that fails to load leaves the previous one serving.
     *
     * <p>A version that fails is logged, counted ({@code load_failed}), reported END with its
     * error's code and message, and loaded again once its directory changes (an exporter still
     * writing it, a file fixed by hand). TF Serving instead retries a failed load 5 times a minute
     * apart and then never again: on a local file system an unchanged directory fails the same way
     * every time, while a fixed upload is exactly what should be retried, at once.
     */
    synchronized void refresh() throws IOException {
        if (closed) {
            return;
        }
        NavigableSet<Long> wanted = policy.select(onDisk());
        NavigableMap<Long, Loaded> next = new TreeMap<>(served);
        for (Long v : wanted.descendingSet()) { // the newest first, as TF Serving loads them
            if (next.containsKey(v)) {
                continue;
            }
            Path dir = basePath.resolve(Long.toString(v));
            long fingerprint = fingerprint(dir);
            Failure before = failed.get(v);
            if (before != null && before.fingerprint() == fingerprint) {
                continue;
            }
            try {
                ServedModel model = ServedModel.load(dir);
                try {
                    int warmed = Warmup.replay(model, dir, ModelServer.Config.DEFAULT_MAX_TENSOR_BYTES);
                    if (warmed > 0) {
                        LOG.info("Warmed up version " + v + " of " + name + " with " + warmed + " requests");
                    }
                } catch (IOException | RuntimeException warmupFailed) {
                    model.close();
                    throw warmupFailed;
                }
                next.put(v, new Loaded(name, v, model, options, metrics));
                failed.remove(v);
                metrics.modelEvent(name, v, "load");
                LOG.info("Serving version " + v + " of " + name + " from " + basePath);
            } catch (IOException | RuntimeException e) {
                Failure failure = new Failure(loadFailureCode(e), oneLine(e), fingerprint);
                failed.put(v, failure);
                metrics.modelEvent(name, v, "load_failed");
                LOG.log(
                        Level.WARNING,
                        "Loading version " + v + " of " + name + " failed (" + failure.code() + "); still serving "
                                + next.keySet() + "; retried when " + dir + " changes",
                        e);
            }
        }
        boolean pickedServing = wanted.stream().anyMatch(next::containsKey);
        NavigableSet<Long> unpicked = new TreeSet<>(next.keySet());
        unpicked.removeAll(wanted);
        if (!wanted.isEmpty() && !pickedServing && !unpicked.isEmpty()) {
            Long kept = unpicked.pollLast(); // the newest of them serves until a picked version loads
            LOG.info("Version " + kept + " of " + name + " keeps serving: no version of " + wanted + " is loaded yet");
        }
        List<Loaded> dropped = new ArrayList<>();
        for (Long v : unpicked) {
            dropped.add(next.remove(v));
        }
        served = next;
        dropped.forEach(Loaded::release);
    }

    /**
     * The canonical code of a failed load, as TF would give it: a saved_model.pb that is no proto
     * is DATA_LOSS (TF's "Can't parse ... as binary proto"), a missing file NOT_FOUND, a bf16 model refused by
     * the bf16 self-check FAILED_PRECONDITION, TF's own
     * errors their code, anything else UNKNOWN.
     */
    static Code loadFailureCode(Throwable e) {
        if (e instanceof InvalidProtocolBufferException) {
            return Code.DATA_LOSS;
        }
        if (e instanceof NoSuchFileException) {
            return Code.NOT_FOUND;
        }
        if (e instanceof Bf16SelfCheckException) {
            return Code.FAILED_PRECONDITION; // this CPU's bf16 kernels are wrong: the model is fine, the machine not
        }
        Code code = ServingException.of(e).code();
        return code == Code.INTERNAL ? Code.UNKNOWN : code;
    }

    /** An error as one line for a status message: TF's messages can span several. */
    static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        return m.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    /**
     * What changes when anything in a version directory is written: every file's path, size and
     * modification time (a few levels deep, as a SavedModel is), hashed.
     */
    private static long fingerprint(Path dir) throws IOException {
        long hash = 17;
        try (Stream<Path> files = Files.walk(dir, 4)) {
            for (Path p : files.sorted().toList()) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                hash = 31 * hash + dir.relativize(p).toString().hashCode();
                hash = 31 * hash + a.size();
                hash = 31 * hash + a.lastModifiedTime().toMillis();
            }
        } catch (NoSuchFileException gone) {
            return 0; // deleted while looked at: the next poll sees what is left
        }
        return hash;
    }

    private NavigableSet<Long> onDisk() throws IOException {
        NavigableSet<Long> versions = new TreeSet<>();
        if (!Files.isDirectory(basePath)) {
            return versions;
        }
        try (Stream<Path> children = Files.list(basePath)) {
            children.filter(p -> p.getFileName().toString().matches("\\d{1,18}")
                            && Files.isRegularFile(p.resolve("saved_model.pb")))
                    .forEach(p -> versions.add(Long.parseLong(p.getFileName().toString())));
        }
        return versions;
    }

    @Override
    public synchronized void close() {
        closed = true;
        NavigableMap<Long, Loaded> last = served;
        served = new TreeMap<>();
        last.values().forEach(Loaded::release);
    }
}
