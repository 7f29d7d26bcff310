package jacktf.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Positional reads into heap buffers. Deliberately not memory-mapped: a mapped file that shrinks
 * under us faults the JVM, and checkpoints get truncated in real life.
 */
final class FileRegion implements AutoCloseable {
    private final Path file;
    private final FileChannel channel;
    private final long size;

    private FileRegion(Path file, FileChannel channel, long size) {
        this.file = file;
        this.channel = channel;
        this.size = size;
    }

    static FileRegion open(Path file) {
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
            return new FileRegion(file, channel, channel.size());
        } catch (NoSuchFileException e) {
            throw new CheckpointException(file, "file does not exist");
        } catch (IOException e) {
            throw new CheckpointException(file, "cannot be read: " + e.getMessage(), e);
        }
    }

    Path file() {
        return file;
    }

    long size() {
        return size;
    }

    /** {@code length} bytes at {@code offset}, little-endian; a range past the end is corruption. */
    ByteBuffer read(long offset, long length) {
        if (offset < 0 || length < 0 || offset + length > size || length > Integer.MAX_VALUE - 8) {
            throw new CheckpointException(
                    file,
                    "wants bytes " + offset + ".." + (offset + length) + " but the file has " + size
                            + " bytes (truncated or corrupt)");
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) length).order(ByteOrder.LITTLE_ENDIAN);
        try {
            long position = offset;
            while (buffer.hasRemaining()) {
                int n = channel.read(buffer, position);
                if (n < 0) {
                    throw new CheckpointException(
                            file, "ended early at byte " + position + " (truncated while reading?)");
                }
                position += n;
            }
        } catch (IOException e) {
            throw new CheckpointException(file, "read failed: " + e.getMessage(), e);
        }
        return buffer.flip();
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // read-only: nothing to lose
        }
    }
}
