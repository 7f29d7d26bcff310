package jacktf.runtime;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The one way jacktf publishes a file: write a temporary sibling, force it to disk, rename it over
 * the target in one atomic step, then force the directory so the rename itself survives a power
 * loss. A reader therefore sees the old file or the new one, never a part of either.
 */
public final class AtomicFiles {
    /** Suffix of the temporary sibling; a crash can leave one behind, and it is never read. */
    public static final String TEMP_SUFFIX = ".tmp";

    /**
     * The step that forces an open file or directory to disk. A seam for the test that records the
     * order of the forces and the rename on a real file system (power loss itself cannot be simulated).
     */
    interface Forcing {
        /** Forces {@code channel}, open on {@code path} (a file, or a directory when {@code directory}). */
        void force(FileChannel channel, Path path, boolean directory) throws IOException;
    }

    private static final Forcing FSYNC = (channel, path, directory) -> channel.force(true);

    private static volatile Forcing forcing = FSYNC;

    private AtomicFiles() {}

    /** Replaces the forcing step (null: the real fsync); for tests in this package only. */
    static void forcing(Forcing replacement) {
        forcing = replacement == null ? FSYNC : replacement;
    }

    /** Writes {@code text} as UTF-8 to {@code file} atomically and durably. */
    public static void writeString(Path file, CharSequence text) throws IOException {
        write(file, StandardCharsets.UTF_8.encode(text.toString()));
    }

    /** Writes {@code bytes} to {@code file} atomically and durably. */
    public static void write(Path file, ByteBuffer bytes) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + TEMP_SUFFIX);
        try (FileChannel channel = FileChannel.open(
                temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            forcing.force(channel, temp, false);
        }
        publish(temp, file);
    }

    /**
     * Renames a complete file or directory {@code source} to {@code target} in one step (replacing a
     * file, never a non-empty directory) and forces the parent directory.
     */
    public static void publish(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException(
                    "Cannot replace " + target + " atomically (" + e.getMessage() + "); the file system "
                            + "must support atomic renames within a directory",
                    e);
        }
        forceDirectory(target.toAbsolutePath().getParent());
    }

    /** Forces a file's content to disk. */
    public static void force(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            forcing.force(channel, file, false);
        }
    }

    /**
     * Forces a directory's entries (new names, renames) to disk. Linux allows fsync on a directory
     * opened read-only; where a platform refuses it (Windows), the rename is as durable as it gets.
     */
    public static void forceDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            forcing.force(channel, dir, true);
        } catch (IOException e) {
            if (!System.getProperty("os.name", "").startsWith("Windows")) {
                throw e;
            }
        }
    }
}
