package jacktf.traindir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The writer lock of a train dir ({@link TrainDir#lockForWriting()}): an OS file lock on
 * {@code jacktf.lock}, whose content says who holds it (pid, host, start time) for the message a
 * second writer gets. The OS lock, not the file, is the lock: it vanishes with the process that
 * held it, so a run killed by {@code kill -9} leaves nothing stale and the next run takes over.
 */
public final class WriterLock implements AutoCloseable {
    /**
     * Lock files held by this JVM, with their holder's description. The OS lock cannot tell two
     * trainers in one JVM apart (Java throws OverlappingFileLockException) and, on POSIX, closing any
     * other channel of the file would silently release it; so a second taker in this JVM is refused
     * here, before it opens the file.
     */
    private static final Map<Path, String> HELD_IN_THIS_JVM = new ConcurrentHashMap<>();

    private final Path key;
    private final FileChannel channel;
    private final FileLock lock;

    private WriterLock(Path key, FileChannel channel, FileLock lock) {
        this.key = key;
        this.channel = channel;
        this.lock = lock;
    }

    static WriterLock acquire(TrainDir dir) throws IOException {
        Path file = dir.lockFile();
        Path key = dir.path().toRealPath().resolve(TrainDir.LOCK_FILE);
        String holder = "pid " + ProcessHandle.current().pid() + " on host " + hostName() + " since "
                + OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        String other = HELD_IN_THIS_JVM.putIfAbsent(key, holder);
        if (other != null) {
            throw new TrainDirInUseException(dir.path(), other + " (another trainer in this process)");
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(
                    file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // not reached while HELD_IN_THIS_JVM guards the file; same meaning if it is
            }
            if (lock == null) {
                throw new TrainDirInUseException(dir.path(), describeHolder(file));
            }
            channel.truncate(0);
            ByteBuffer text = StandardCharsets.UTF_8.encode(
                    "pid=" + ProcessHandle.current().pid() + "\nholder=" + holder + "\n");
            while (text.hasRemaining()) {
                channel.write(text, channel.size());
            }
            channel.force(true);
            return new WriterLock(key, channel, lock);
        } catch (IOException | RuntimeException e) {
            HELD_IN_THIS_JVM.remove(key);
            if (channel != null) {
                channel.close();
            }
            throw e;
        }
    }

    /** The holder line another process wrote, or a note that it wrote none yet. */
    private static String describeHolder(Path file) {
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.startsWith("holder=")) {
                    return line.substring("holder=".length());
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // fall through: the lock itself is what matters
        }
        return "another process (it has not recorded its pid yet)";
    }

    /** The host name without a DNS lookup where Linux has it in /proc (a lookup can hang for seconds). */
    private static String hostName() {
        try {
            Path proc = Path.of("/proc/sys/kernel/hostname");
            if (Files.isReadable(proc)) {
                return Files.readString(proc, StandardCharsets.UTF_8).strip();
            }
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** Releases the lock; the file stays (deleting it would race with the next taker). */
    @Override
    public void close() throws IOException {
        try {
            if (lock.isValid()) {
                lock.release();
            }
            channel.close();
        } finally {
            HELD_IN_THIS_JVM.remove(key);
        }
    }
}
