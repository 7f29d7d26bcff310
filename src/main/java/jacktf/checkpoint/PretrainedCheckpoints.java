package jacktf.checkpoint;

import com.google.common.hash.Hashing;
import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import jacktf.config.ConfigException;
import jacktf.model.BatchNormPolicy;
import jacktf.model.ModelGraph;
import jacktf.model.NetworkOptions;
import jacktf.model.NetworkType;
import jacktf.runtime.AtomicFiles;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.tensorflow.Graph;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * Fetches a checkpoint of TF-Slim's model zoo into a models directory and checks it, as Keras'
 * {@code weights='imagenet'} does: downloads the archive (resuming a {@code .part} file with an HTTP
 * range request), checks its size against the server's and, when pinned, its SHA-256 (slim
 * publishes no hashes), unpacks only the checkpoint's files (not the frozen graph, {@code .meta} or
 * {@code .tflite} the MobileNet archives hold beside it), checks its format, reads every tensor with
 * its checksum, checks the logits' classes and, where jacktf builds the network, compares the variable
 * list with the network's, then publishes the checkpoint in its own directory
 * ({@code MODELS/NAME/}, where {@code jacktf download} also writes its labels and image settings) and
 * deletes the archive. A checkpoint already in place is checked the same way and kept.
 *
 * <p>An archive already in the models directory (put there by hand on an offline machine) is used
 * without touching the network. {@link #fetchFile} fetches any other file (slim's ImageNet label
 * files) with the same resume.
 */
public final class PretrainedCheckpoints {
    /** Suffix of a download in progress, beside the archive's name. */
    public static final String PART_SUFFIX = ".part";

    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");
    private static final Pattern UNSATISFIED_RANGE = Pattern.compile("bytes \\*/(\\d+)");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
    private static final int BUFFER = 1 << 16;
    /** A server that ignores or garbles a range request gets one fresh start, not a loop. */
    private static final int MAX_REQUESTS = 2;

    /** What a fetch reports while it works; every method has a no-op default. */
    public interface Listener {
        /** A download starts (or resumes) at byte {@code from} of {@code total} (-1 when unknown). */
        default void downloading(URI url, long from, long total) {}

        /** {@code bytes} of the archive are on disk. */
        default void progress(long bytes, long total) {}

        /** Every tensor of {@code checkpoint} is being read and its variables compared with the network's. */
        default void verifying(Path checkpoint) {}
    }

    /**
     * A checked checkpoint.
     *
     * @param zoo the zoo entry
     * @param checkpoint the checkpoint (a V1 file or a V2 prefix) in the models directory
     * @param downloaded whether this call downloaded (part of) the archive
     * @param archiveBytes the archive's size, 0 when the checkpoint was already in place
     * @param tensors tensors in the checkpoint, each read with its checksum checked
     * @param tensorBytes bytes of all tensors' values
     * @param variables the network's variables, each found in the checkpoint with its shape; 0 when jacktf
     *     has no builder for the network (only the checksums and the logits' classes were checked)
     */
    public record Result(
            ZooCheckpoint zoo,
            Path checkpoint,
            boolean downloaded,
            long archiveBytes,
            int tensors,
            long tensorBytes,
            int variables) {}

    /** A download that receives no byte for this long is stopped (its part kept, to resume). */
    public static final Duration STALL_TIMEOUT_DEFAULT = Duration.ofSeconds(60);

    private final Path modelsDir;
    private final URI mirror;
    private final HttpClient http;
    // HttpClient's request timeout ends at the response headers; a body that stops arriving would block a
    // read for ever, so a watchdog closes it.
    private Duration stallTimeout = STALL_TIMEOUT_DEFAULT;

    /** Fetches every file from where it is published (each zoo entry's own address) into {@code modelsDir}. */
    public PretrainedCheckpoints(Path modelsDir) {
        this(modelsDir, null);
    }

    /**
     * Fetches from {@code mirror} (one directory holding the zoo's archives and label files by their file
     * names, or a test's server) into {@code modelsDir}.
     *
     * @param mirror the directory URL the file names resolve against (a missing final '/' is added), or null
     *     for each file's published address
     */
    public PretrainedCheckpoints(Path modelsDir, URI mirror) {
        this.modelsDir = modelsDir;
        if (mirror == null) {
            this.mirror = null;
        } else {
            String base = mirror.toString();
            this.mirror = URI.create(base.endsWith("/") ? base : base + "/");
            String scheme = this.mirror.getScheme() == null
                    ? ""
                    : this.mirror.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new ConfigException("baseUrl", "an http:// or https:// URL", mirror);
            }
        }
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(30))
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    /** Stops a download after {@code timeout} without a byte (tests use a short one); returns this. */
    PretrainedCheckpoints stallTimeout(Duration timeout) {
        this.stallTimeout = timeout;
        return this;
    }

    /** The models directory. */
    public Path modelsDir() {
        return modelsDir;
    }

    /** The archive's address: the entry's own, or its file name in the mirror. */
    public URI url(ZooCheckpoint zoo) {
        return resolve(zoo.url());
    }

    /** Where a file published at {@code published} is fetched from: there, or its file name in the mirror. */
    public URI resolve(URI published) {
        if (mirror == null) {
            return published;
        }
        String path = published.getPath() == null ? "" : published.getPath();
        return mirror.resolve(path.substring(path.lastIndexOf('/') + 1));
    }

    /** The checkpoint's own directory, {@code MODELS/NAME}: the checkpoint, and the labels and settings beside it. */
    public Path checkpointDir(ZooCheckpoint zoo) {
        return modelsDir.resolve(zoo.name());
    }

    /** Where the checkpoint goes: a V1 file or a V2 prefix in {@link #checkpointDir}. */
    public Path checkpointPath(ZooCheckpoint zoo) {
        return checkpointDir(zoo).resolve(zoo.checkpointName());
    }

    /** Where the archive is downloaded to (and where a hand-downloaded one is taken from). */
    public Path archivePath(ZooCheckpoint zoo) {
        return modelsDir.resolve(zoo.archiveName());
    }

    /** {@link #fetch(ZooCheckpoint, String, Listener)} without a pinned hash or a listener. */
    public Result fetch(ZooCheckpoint zoo) throws IOException {
        return fetch(zoo, null, new Listener() {});
    }

    /**
     * Makes sure the models directory holds {@code zoo}'s checkpoint, checked, and returns it.
     *
     * @param sha256 the archive's expected SHA-256 in hex, or null to check only its size; ignored when the
     *     checkpoint is already in place (there is no archive to hash)
     * @throws DownloadException when the archive cannot be fetched (offline, HTTP error, cut connection:
     *     a {@code .part} file is kept and the next call resumes it)
     * @throws CheckpointException when what arrived is wrong (hash, contents, a checksum, the variables);
     *     the archive and anything unpacked from it are removed
     */
    public Result fetch(ZooCheckpoint zoo, String sha256, Listener listener) throws IOException {
        String pinned = sha256 == null ? null : checkSha256(sha256);
        Path target = checkpointPath(zoo);
        if (isPresent(target)) {
            listener.verifying(target);
            try {
                Verified v = verify(zoo, target);
                return new Result(zoo, target, false, 0, v.tensors, v.tensorBytes, v.variables);
            } catch (CheckpointException e) {
                throw new CheckpointException(
                        target,
                        "is already in place but fails its check (" + problem(e) + "). Delete it and run "
                                + "again to download it afresh",
                        e);
            }
        }
        Files.createDirectories(modelsDir);
        Path archive = archivePath(zoo);
        boolean downloaded = false;
        if (!Files.isRegularFile(archive)) {
            download(url(zoo), archive, listener);
            downloaded = true;
        }
        long archiveBytes = Files.size(archive);
        Path staging = modelsDir.resolve("." + zoo.checkpointName() + ".unpack");
        try {
            if (pinned != null) {
                checkHash(archive, pinned);
            }
            deleteRecursively(staging);
            Files.createDirectories(staging);
            List<String> files = unpack(archive, zoo, staging);
            Path staged = staging.resolve(zoo.checkpointName());
            listener.verifying(target);
            Verified v = verify(zoo, staged);
            // Data shards before the index: a V2 prefix whose .index exists is complete.
            files.sort(Comparator.comparing((String f) -> f.endsWith(".index")));
            Files.createDirectories(checkpointDir(zoo));
            for (String f : files) {
                AtomicFiles.publish(staging.resolve(f), checkpointDir(zoo).resolve(f));
            }
            Files.delete(archive);
            return new Result(zoo, target, downloaded, archiveBytes, v.tensors, v.tensorBytes, v.variables);
        } catch (CheckpointException e) {
            Files.deleteIfExists(archive);
            throw new CheckpointException(
                    e.file(), problem(e) + ". Removed " + archive + "; run again to download it afresh", e);
        } finally {
            deleteRecursively(staging);
        }
    }

    /** The message without the "file: " CheckpointException puts before it. */
    private static String problem(CheckpointException e) {
        String prefix = e.file() == null ? "" : e.file() + ": ";
        return e.getMessage().startsWith(prefix) ? e.getMessage().substring(prefix.length()) : e.getMessage();
    }

    private static boolean isPresent(Path checkpoint) {
        return Files.isRegularFile(checkpoint) || Files.isRegularFile(Checkpoint.indexOf(checkpoint));
    }

    private static String checkSha256(String hex) {
        if (!SHA256.matcher(hex).matches()) {
            throw new ConfigException("sha256", "64 hexadecimal digits (a SHA-256)", "'" + hex + "'");
        }
        return hex.toLowerCase(Locale.ROOT);
    }

    private static void checkHash(Path archive, String expected) throws IOException {
        String actual = MoreFiles.asByteSource(archive).hash(Hashing.sha256()).toString();
        if (!actual.equals(expected)) {
            throw new CheckpointException(
                    archive, "its SHA-256 is " + actual + ", expected " + expected + " (the pinned hash)");
        }
    }

    /**
     * Makes sure {@code target} is there: fetched from {@code published} (or its name in the mirror) with the
     * archive's resume from a {@code .part} file, unless a file is already there (put by hand, or an earlier
     * run's); returns whether this call downloaded it. The caller checks what the file holds.
     *
     * @throws DownloadException when it cannot be fetched; the message says where to put it by hand
     */
    public boolean fetchFile(URI published, Path target, Listener listener) throws IOException {
        if (Files.isRegularFile(target)) {
            return false;
        }
        Files.createDirectories(target.toAbsolutePath().getParent());
        download(resolve(published), target, listener);
        return true;
    }

    // ---- download ------------------------------------------------------------------------------

    private void download(URI url, Path archive, Listener listener) throws IOException {
        Path part = archive.resolveSibling(archive.getFileName() + PART_SUFFIX);
        for (int request = 0; request < MAX_REQUESTS; request++) {
            long have = Files.isRegularFile(part) ? Files.size(part) : 0;
            HttpRequest.Builder builder =
                    HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(60)).GET();
            if (have > 0) {
                builder.header("Range", "bytes=" + have + "-");
            }
            HttpResponse<InputStream> response = send(builder.build(), archive);
            try (InputStream body = response.body()) {
                int status = response.statusCode();
                long total;
                boolean append;
                if (status == 206 && have > 0) {
                    long[] range = contentRange(response);
                    if (range == null || range[0] != have) {
                        Files.delete(part); // a range we did not ask for: start afresh
                        continue;
                    }
                    total = range[1];
                    append = true;
                } else if (status == 200) {
                    total = response.headers()
                            .firstValueAsLong("Content-Length")
                            .orElse(-1);
                    append = false; // a server without range support sends it all again
                    have = 0;
                } else if (status == 416 && have > 0) {
                    OptionalLong whole = unsatisfiedTotal(response);
                    if (whole.isPresent() && whole.getAsLong() == have) {
                        AtomicFiles.publish(part, archive); // the last run had every byte already
                        return;
                    }
                    Files.delete(part);
                    continue;
                } else {
                    throw new DownloadException(
                            url,
                            url + " answered HTTP " + status + (status == 404 ? " (not found)" : "")
                                    + ". Check the address against research/slim/README.md in tensorflow/models "
                                    + "(its \"Pre-trained Models\" table and the pages it links), download the file "
                                    + "by hand and put it at " + archive);
                }
                listener.downloading(url, have, total);
                long done = copy(url, body, part, append, have, total, listener);
                if (total >= 0 && done != total) {
                    if (done > total) {
                        Files.delete(part);
                    }
                    throw new DownloadException(
                            url,
                            "The download of " + url + " ended at " + done + " of " + total + " bytes"
                                    + (done > total
                                            ? "; removed the part: run again to download it afresh"
                                            : "; the part is kept at " + part + ": run again to resume"));
                }
                AtomicFiles.publish(part, archive);
                return;
            }
        }
        throw new DownloadException(
                url,
                url + " does not resume a download as asked (its Range replies disagree with " + part
                        + "); removed the part. Run again, or download the archive by hand and put it at " + archive);
    }

    private HttpResponse<InputStream> send(HttpRequest request, Path archive) throws DownloadException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new DownloadException(
                    request.uri(),
                    "Cannot reach " + request.uri() + " (" + describe(e) + "). Offline? Download it on a machine "
                            + "with network access and put it at " + archive + "; this command then unpacks and "
                            + "checks it",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DownloadException(request.uri(), "Interrupted while connecting to " + request.uri(), e);
        }
    }

    private long copy(URI url, InputStream body, Path part, boolean append, long start, long total, Listener listener)
            throws IOException {
        AtomicLong lastByte = new AtomicLong(System.nanoTime());
        AtomicBoolean stalled = new AtomicBoolean();
        ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "jacktf-download-watchdog");
            t.setDaemon(true);
            return t;
        });
        long checkMillis = Math.max(50, stallTimeout.toMillis() / 4);
        watchdog.scheduleAtFixedRate(
                () -> {
                    if (System.nanoTime() - lastByte.get() > stallTimeout.toNanos() && !stalled.getAndSet(true)) {
                        try {
                            body.close(); // the blocked read returns or throws
                        } catch (IOException ignored) {
                            // closing is all that is wanted
                        }
                    }
                },
                checkMillis,
                checkMillis,
                TimeUnit.MILLISECONDS);
        long done = start;
        try (FileChannel out = FileChannel.open(
                part,
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
            byte[] buffer = new byte[BUFFER];
            while (true) {
                int n;
                try {
                    n = body.read(buffer);
                } catch (IOException e) {
                    throw stopped(url, done, total, part, stalled.get() ? null : e);
                }
                if (n < 0) {
                    if (stalled.get()) {
                        throw stopped(url, done, total, part, null);
                    }
                    return done;
                }
                lastByte.set(System.nanoTime());
                ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
                while (chunk.hasRemaining()) {
                    out.write(chunk);
                }
                done += n;
                listener.progress(done, total);
            }
        } finally {
            watchdog.shutdownNow();
        }
    }

    /** The part is kept: the next run resumes it. {@code cause} null: no byte arrived for the stall timeout. */
    private DownloadException stopped(URI url, long done, long total, Path part, IOException cause) {
        String why = cause == null ? "no data for " + stallTimeout.toSeconds() + " s" : describe(cause);
        return new DownloadException(
                url,
                "The download of " + url + " stopped at " + done + " of " + (total < 0 ? "?" : Long.toString(total))
                        + " bytes (" + why + "); the part is kept at " + part + ": run again to resume",
                cause);
    }

    /** {start, total} of a 206's Content-Range, or null when absent, malformed or of unknown total. */
    private static long[] contentRange(HttpResponse<?> response) {
        String header = response.headers().firstValue("Content-Range").orElse("");
        Matcher m = CONTENT_RANGE.matcher(header.trim());
        if (!m.matches() || m.group(3).equals("*")) {
            return null;
        }
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(3))};
    }

    private static OptionalLong unsatisfiedTotal(HttpResponse<?> response) {
        Matcher m = UNSATISFIED_RANGE.matcher(
                response.headers().firstValue("Content-Range").orElse("").trim());
        return m.matches() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }

    // ---- unpack and check ----------------------------------------------------------------------

    /** Copies the checkpoint's files (by base name, nothing else) into {@code staging}; returns their names. */
    private static List<String> unpack(Path archive, ZooCheckpoint zoo, Path staging) throws IOException {
        List<String> seen = new ArrayList<>();
        List<String> taken = new ArrayList<>();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(archive));
                GzipCompressorInputStream gzip = new GzipCompressorInputStream(in);
                TarArchiveInputStream tar = new TarArchiveInputStream(gzip)) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                if (!entry.isFile()) {
                    continue;
                }
                seen.add(entry.getName());
                // Only the base name is used, so no entry name can write outside the staging directory.
                String base = Path.of(entry.getName()).getFileName().toString();
                if (isCheckpointFile(base, zoo) && !taken.contains(base)) {
                    Files.copy(tar, staging.resolve(base), StandardCopyOption.REPLACE_EXISTING);
                    taken.add(base);
                }
            }
        } catch (IOException e) {
            throw new CheckpointException(archive, "is not a readable tar.gz archive (" + describe(e) + ")", e);
        }
        if (taken.isEmpty()) {
            throw new CheckpointException(
                    archive,
                    "holds no " + zoo.format() + " checkpoint " + zoo.checkpointName() + " (it holds " + seen.size()
                            + " files"
                            + (seen.isEmpty()
                                    ? ""
                                    : ": " + String.join(", ", seen.subList(0, Math.min(5, seen.size()))))
                            + "); is it the archive of " + zoo.name() + "?");
        }
        return taken;
    }

    /** What the entry's format names: a V1 file exactly so, or a V2 prefix's index and data shards. */
    private static boolean isCheckpointFile(String base, ZooCheckpoint zoo) {
        String name = zoo.checkpointName();
        return zoo.format() == Checkpoint.Format.V1
                ? base.equals(name)
                : base.equals(name + ".index") || base.startsWith(name + ".data-");
    }

    private record Verified(int tensors, long tensorBytes, int variables) {}

    /**
     * Checks the format, reads every tensor (each read checks the checkpoint's own checksums), checks
     * that the variables lie under the network's scope and the logits have the entry's classes, then,
     * where jacktf builds the network, that every variable it builds is in the checkpoint with its shape
     * (a restore plan without excludes that restores all).
     */
    private static Verified verify(ZooCheckpoint zoo, Path path) {
        try (Checkpoint checkpoint = Checkpoint.open(path)) {
            if (checkpoint.format() != zoo.format()) {
                throw new CheckpointException(
                        path,
                        "is a " + checkpoint.format() + " checkpoint, expected " + zoo.format() + " (what " + zoo.name()
                                + "'s archive holds)");
            }
            for (TensorInfo t : checkpoint.tensors()) {
                try {
                    checkpoint.read(t.name());
                } catch (CheckpointException e) {
                    throw new CheckpointException(path, "tensor " + t.name() + " is corrupt (" + problem(e) + ")", e);
                }
            }
            String root = zoo.logitsScope().substring(0, zoo.logitsScope().indexOf('/') + 1);
            if (!root.isEmpty()
                    && checkpoint.tensors().stream().noneMatch(t -> t.name().startsWith(root))) {
                List<String> roots = checkpoint.tensors().stream()
                        .map(t -> t.name().contains("/")
                                ? t.name().substring(0, t.name().indexOf('/') + 1)
                                : t.name())
                        .distinct()
                        .limit(3)
                        .toList();
                throw new CheckpointException(
                        path,
                        "holds no variable under " + root + " (its variables lie under " + String.join(", ", roots)
                                + "): is it the archive of " + zoo.name() + "?");
            }
            OptionalInt classes = zoo.logitsClasses(checkpoint);
            if (classes.isEmpty() || classes.getAsInt() != zoo.numClasses()) {
                throw new CheckpointException(
                        path,
                        "its logits layer has " + (classes.isEmpty() ? "no" : classes.getAsInt())
                                + " classes (the biases under " + zoo.logitsScope() + "/), expected "
                                + zoo.numClasses() + " for " + zoo.name());
            }
            int variables = 0;
            if (zoo.networkType().isPresent()) {
                RestorePlan plan = planFor(zoo, zoo.networkType().get(), checkpoint);
                List<RestorePlan.Item> wrong = plan.items().stream()
                        .filter(i -> i.status() != RestorePlan.Status.RESTORED)
                        .toList();
                if (!wrong.isEmpty()) {
                    RestorePlan.Item first = wrong.get(0);
                    throw new CheckpointException(
                            path,
                            wrong.size() + " of the " + plan.items().size() + " variables of " + zoo.name()
                                    + " are missing from it or have another shape, e.g. " + first.name() + " ("
                                    + first.status().name().toLowerCase(Locale.ROOT) + ")");
                }
                variables = plan.items().size();
            }
            return new Verified(checkpoint.tensors().size(), checkpoint.totalBytes(), variables);
        }
    }

    /**
     * The network's variables (built in a throw-away graph at the checkpoint's image size, never run)
     * against the checkpoint: the Inceptions' AuxLogits shapes depend on that size.
     */
    private static RestorePlan planFor(ZooCheckpoint zoo, NetworkType type, Checkpoint checkpoint) {
        try (Graph graph = new Graph()) {
            ModelGraph modelGraph = ModelGraph.local(graph);
            int size = zoo.evalImageSize();
            type.build(NetworkOptions.defaults().withNumClasses(zoo.numClasses()))
                    .apply(
                            modelGraph,
                            modelGraph
                                    .ops("")
                                    .placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, size, size, 3))),
                            BatchNormPolicy.inference());
            return RestorePlan.create(CheckpointVariable.modelVariables(modelGraph), checkpoint, RestoreOptions.all());
        }
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (Files.exists(path)) {
            MoreFiles.deleteRecursively(path, RecursiveDeleteOption.ALLOW_INSECURE);
        }
    }
}
