package jacktf.checkpoint;

import jacktf.runtime.Crc32c;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.xerial.snappy.Snappy;

/**
 * Reader of the LevelDB-style sorted table that TensorFlow uses for V2 {@code .index} files and
 * whole V1 checkpoints: data blocks with restart points, an index block and a 48-byte footer.
 * Every block's CRC-32C is verified before use.
 */
final class Table {
    private static final long MAGIC = 0xdb4775248b80fb57L;
    private static final int FOOTER_SIZE = 48;
    private static final int BLOCK_TRAILER_SIZE = 5;
    /**
     * The largest block read: a V1 checkpoint holds each tensor in one entry, so one block can be a whole
     * tensor (vgg_16's {@code fc6/weights}: 411 MB); TF caps a saved slice at 2 GiB, a Java array just below.
     */
    private static final int MAX_BLOCK_SIZE = Integer.MAX_VALUE - 8 - BLOCK_TRAILER_SIZE;

    /** One key and its value; the value is a view into its (verified) block. */
    record Entry(byte[] key, ByteBuffer value) {
        String keyString() {
            return new String(key, StandardCharsets.UTF_8);
        }
    }

    private record Handle(long offset, long size) {}

    private final FileRegion file;
    private final List<Handle> dataBlocks;

    private Table(FileRegion file, List<Handle> dataBlocks) {
        this.file = file;
        this.dataBlocks = dataBlocks;
    }

    static Table open(FileRegion file) {
        Path path = file.file();
        if (file.size() < FOOTER_SIZE) {
            throw new CheckpointException(
                    path,
                    "too short to be a TensorFlow table (" + file.size()
                            + " bytes; a table ends with a 48-byte footer) - truncated, or not a checkpoint");
        }
        ByteBuffer footer = file.read(file.size() - FOOTER_SIZE, FOOTER_SIZE);
        if (footer.getLong(FOOTER_SIZE - 8) != MAGIC) {
            throw new CheckpointException(
                    path,
                    "not a TensorFlow checkpoint table (bad magic number in "
                            + "the footer) - truncated, or not a checkpoint file");
        }
        try {
            readHandle(footer); // metaindex: unused by TensorFlow's tables
            Handle index = readHandle(footer);
            List<Handle> blocks = new ArrayList<>();
            Table table = new Table(file, blocks);
            for (Entry e : table.blockEntries(table.readBlock(index, "index block"))) {
                blocks.add(readHandle(e.value().duplicate()));
            }
            return table;
        } catch (IllegalArgumentException | BufferUnderflowException e) {
            throw new CheckpointException(path, "corrupt table structure: " + e.getMessage(), e);
        }
    }

    /** Every entry in key order. */
    List<Entry> entries() {
        List<Entry> all = new ArrayList<>();
        for (int i = 0; i < dataBlocks.size(); i++) {
            try {
                all.addAll(blockEntries(readBlock(dataBlocks.get(i), "data block " + i)));
            } catch (IllegalArgumentException | BufferUnderflowException e) {
                throw new CheckpointException(file.file(), "corrupt data block " + i + ": " + e.getMessage(), e);
            }
        }
        return all;
    }

    private static Handle readHandle(ByteBuffer in) {
        long offset = Varint.read64(in);
        long size = Varint.read64(in);
        return new Handle(offset, size);
    }

    private ByteBuffer readBlock(Handle handle, String what) {
        if (handle.size() > MAX_BLOCK_SIZE
                || handle.offset() < 0
                || handle.offset() + handle.size() + BLOCK_TRAILER_SIZE > file.size()) {
            throw new CheckpointException(
                    file.file(),
                    what + " at " + handle.offset() + " (+" + handle.size() + " bytes) lies outside the file of "
                            + file.size() + " bytes (truncated or corrupt)");
        }
        ByteBuffer raw = file.read(handle.offset(), handle.size() + BLOCK_TRAILER_SIZE);
        int n = (int) handle.size();
        int stored = Crc32c.unmask(raw.getInt(n + 1));
        int actual = Crc32c.of(raw.duplicate().limit(n + 1));
        if (stored != actual) {
            throw new CheckpointException(
                    file.file(),
                    "checksum mismatch in " + what + " at byte " + handle.offset() + " (the file is corrupt)");
        }
        byte type = raw.get(n);
        ByteBuffer contents = raw.duplicate().limit(n).slice().order(ByteOrder.LITTLE_ENDIAN);
        return switch (type) {
            case 0 -> contents;
            case 1 -> uncompress(contents, what);
            default -> throw new CheckpointException(file.file(), what + " has unknown compression type " + type);
        };
    }

    private ByteBuffer uncompress(ByteBuffer compressed, String what) {
        byte[] input = new byte[compressed.remaining()];
        compressed.duplicate().get(input);
        try {
            int length = Snappy.uncompressedLength(input);
            if (length < 0 || length > MAX_BLOCK_SIZE) {
                throw new IOException("claims " + length + " uncompressed bytes");
            }
            return ByteBuffer.wrap(Snappy.uncompress(input)).order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new CheckpointException(file.file(), "bad Snappy data in " + what + ": " + e.getMessage(), e);
        }
    }

    /** Decodes a block: prefix-compressed entries, then restart offsets and their count. */
    private List<Entry> blockEntries(ByteBuffer block) {
        int size = block.limit();
        if (size < 4) {
            throw new IllegalArgumentException("block of " + size + " bytes has no restart count");
        }
        int numRestarts = block.getInt(size - 4);
        long restartsStart = size - 4 - 4L * numRestarts;
        if (numRestarts < 0 || restartsStart < 0) {
            throw new IllegalArgumentException("block claims " + numRestarts + " restart points");
        }
        ByteBuffer in = block.duplicate().limit((int) restartsStart).order(ByteOrder.LITTLE_ENDIAN);
        List<Entry> entries = new ArrayList<>();
        byte[] previous = new byte[0];
        while (in.hasRemaining()) {
            int shared = Varint.read32(in);
            int nonShared = Varint.read32(in);
            int valueLength = Varint.read32(in);
            if (shared > previous.length || (long) nonShared + valueLength > in.remaining()) {
                throw new IllegalArgumentException("entry overruns its block");
            }
            byte[] key = Arrays.copyOf(previous, shared + nonShared);
            in.get(key, shared, nonShared);
            ByteBuffer value = in.slice().limit(valueLength).order(ByteOrder.LITTLE_ENDIAN);
            in.position(in.position() + valueLength);
            entries.add(new Entry(key, value));
            previous = key;
        }
        return entries;
    }
}
