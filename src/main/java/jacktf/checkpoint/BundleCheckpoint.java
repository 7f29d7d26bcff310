package jacktf.checkpoint;

import com.google.protobuf.InvalidProtocolBufferException;
import jacktf.runtime.Crc32c;
import jacktf.runtime.DataTypes;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.tensorflow.proto.BundleEntryProto;
import org.tensorflow.proto.BundleHeaderProto;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorShapeProto;

/** A V2 checkpoint: {@code prefix.index} (a table of BundleEntryProto) and its data shards. */
final class BundleCheckpoint extends Checkpoint {
    /** The bundle format version this reader understands (tensor_bundle.h kTensorBundleVersion). */
    private static final int SUPPORTED_VERSION = 1;
    /** Java arrays hold at most 2^31 elements; larger tensors are not readable here anyway. */
    static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private final Path prefix;
    private final int numShards;
    private final Map<String, BundleEntryProto> entries;
    private final List<TensorInfo> tensors;
    private final Map<Integer, FileRegion> shards = new HashMap<>();

    private BundleCheckpoint(
            Path prefix, int numShards, Map<String, BundleEntryProto> entries, List<TensorInfo> tensors) {
        this.prefix = prefix;
        this.numShards = numShards;
        this.entries = entries;
        this.tensors = tensors;
    }

    static BundleCheckpoint openPrefix(Path prefix) {
        Path indexFile = indexOf(prefix);
        List<Table.Entry> raw;
        try (FileRegion index = FileRegion.open(indexFile)) {
            raw = Table.open(index).entries();
        }
        if (raw.isEmpty() || raw.get(0).key().length != 0) {
            throw new CheckpointException(indexFile, "has no bundle header entry (corrupt index)");
        }
        BundleHeaderProto header;
        try {
            header = BundleHeaderProto.parseFrom(raw.get(0).value());
        } catch (InvalidProtocolBufferException e) {
            throw new CheckpointException(indexFile, "bundle header is not parseable (corrupt index)", e);
        }
        if (header.getEndianness() != BundleHeaderProto.Endianness.LITTLE) {
            throw new CheckpointException(
                    indexFile, "was written big-endian; only little-endian checkpoints are supported");
        }
        if (header.getVersion().getMinConsumer() > SUPPORTED_VERSION) {
            throw new CheckpointException(
                    indexFile,
                    "needs a reader of bundle version " + header.getVersion().getMinConsumer()
                            + " (written by a newer TensorFlow)");
        }
        int numShards = header.getNumShards();
        if (numShards < 1 || numShards > 100_000) {
            throw new CheckpointException(indexFile, "header claims " + numShards + " data shards (corrupt index)");
        }
        Map<String, BundleEntryProto> entries = new LinkedHashMap<>();
        List<TensorInfo> tensors = new ArrayList<>();
        for (Table.Entry e : raw.subList(1, raw.size())) {
            if (e.key().length > 0 && e.key()[0] == 0) {
                continue; // a slice of a partitioned tensor, listed under its full tensor's key
            }
            String name = e.keyString();
            BundleEntryProto entry;
            try {
                entry = BundleEntryProto.parseFrom(e.value());
            } catch (InvalidProtocolBufferException ex) {
                throw new CheckpointException(
                        indexFile, "entry for '" + name + "' is not parseable (corrupt index)", ex);
            }
            TensorInfo info = new TensorInfo(name, entry.getDtype(), dims(indexFile, name, entry.getShape()));
            validate(indexFile, info, entry, numShards);
            entries.put(name, entry);
            tensors.add(info);
        }
        tensors.sort(Comparator.comparing(TensorInfo::name));
        for (int shard = 0; shard < numShards; shard++) {
            Path data = dataFile(prefix, shard, numShards);
            if (!Files.isRegularFile(data)) {
                throw new CheckpointException(
                        data,
                        "data shard " + shard + " of " + numShards + " is missing (copy every " + prefix.getFileName()
                                + ".data-* file with the index)");
            }
        }
        return new BundleCheckpoint(prefix, numShards, entries, List.copyOf(tensors));
    }

    static long[] dims(Path file, String name, TensorShapeProto shape) {
        long[] dims = new long[shape.getDimCount()];
        long elements = 1;
        for (int i = 0; i < dims.length; i++) {
            dims[i] = shape.getDim(i).getSize();
            if (dims[i] < 0) {
                throw new CheckpointException(file, "tensor '" + name + "' has an unknown dimension " + dims[i]);
            }
            elements = dims[i] == 0 ? 0 : elements * dims[i];
            if (elements > MAX_ELEMENTS) {
                throw new CheckpointException(
                        file, "tensor '" + name + "' claims more than " + MAX_ELEMENTS + " elements (corrupt)");
            }
        }
        return dims;
    }

    private static void validate(Path file, TensorInfo info, BundleEntryProto entry, int numShards) {
        String name = info.name();
        if (entry.getDtype() == DataType.DT_INVALID || entry.getDtype() == DataType.UNRECOGNIZED) {
            throw new CheckpointException(file, "tensor '" + name + "' has an invalid dtype (corrupt index)");
        }
        if (entry.getSlicesCount() > 0) {
            return; // partitioned: no data of its own
        }
        if (entry.getShardId() < 0 || entry.getShardId() >= numShards) {
            throw new CheckpointException(
                    file,
                    "tensor '" + name + "' is in shard " + entry.getShardId() + " but the checkpoint has " + numShards
                            + " (corrupt index)");
        }
        if (entry.getOffset() < 0 || entry.getSize() < 0) {
            throw new CheckpointException(file, "tensor '" + name + "' has a negative offset or size (corrupt index)");
        }
        int elementSize = DataTypes.size(entry.getDtype());
        if (elementSize > 0 && entry.getSize() != elementSize * info.numElements()) {
            throw new CheckpointException(
                    file,
                    "tensor '" + name + "' (" + info.dtypeName() + " "
                            + info.shapeString() + ") claims " + entry.getSize() + " bytes instead of "
                            + elementSize * info.numElements() + " (corrupt index)");
        }
    }

    static Path dataFile(Path prefix, int shard, int numShards) {
        return prefix.resolveSibling(String.format("%s.data-%05d-of-%05d", prefix.getFileName(), shard, numShards));
    }

    @Override
    public Format format() {
        return Format.V2;
    }

    @Override
    public Path path() {
        return prefix;
    }

    @Override
    public List<TensorInfo> tensors() {
        return tensors;
    }

    @Override
    public synchronized CheckpointTensor read(String name) {
        BundleEntryProto entry = entries.get(name);
        if (entry == null) {
            throw new CheckpointException(null, "No tensor named '" + name + "' in checkpoint " + prefix);
        }
        TensorInfo info = find(name).orElseThrow();
        if (entry.getSlicesCount() > 0) {
            throw new CheckpointException(
                    indexOf(prefix),
                    "tensor '" + name + "' is partitioned into " + entry.getSlicesCount()
                            + " slices; partitioned variables are not supported");
        }
        Path dataPath = dataFile(prefix, entry.getShardId(), numShards);
        FileRegion shard = shards.computeIfAbsent(entry.getShardId(), s -> FileRegion.open(dataPath));
        ByteBuffer bytes = shard.read(entry.getOffset(), entry.getSize());
        if (entry.getDtype() == DataType.DT_STRING) {
            // TF checksums a string tensor's logical content, not its bytes on disk (see readStrings).
            StringTensor strings = readStrings(dataPath, info, bytes);
            checkCrc(dataPath, name, entry, strings.crc32c());
            return new CheckpointTensor(info, null, strings.values());
        }
        checkCrc(dataPath, name, entry, Crc32c.mask(Crc32c.of(bytes)));
        if (DataTypes.size(entry.getDtype()) < 0) {
            throw new CheckpointException(
                    dataPath,
                    "tensor '" + name + "' has dtype " + info.dtypeName() + ", which cannot be read as values");
        }
        return new CheckpointTensor(info, bytes, null);
    }

    private static void checkCrc(Path dataPath, String name, BundleEntryProto entry, int computed) {
        if (computed != entry.getCrc32C()) {
            throw new CheckpointException(
                    dataPath,
                    String.format(
                            "checksum mismatch for tensor '%s' "
                                    + "(stored crc32c 0x%08x, computed 0x%08x): the data file is corrupt",
                            name, entry.getCrc32C(), computed));
        }
    }

    /** A string tensor's values and the masked checksum TF stores for it in the index. */
    private record StringTensor(List<byte[]> values, int crc32c) {}

    /**
     * On disk: {@code [varint64 len]... [masked crc32c of the lengths] [bytes]...}. As TF's
     * {@code WriteStringTensor} computes it, the entry's checksum covers each length as a
     * little-endian uint32 (uint64 past 4 GiB), then the 4 stored bytes of the lengths' checksum,
     * then the string bytes: the lengths' varint bytes are not in it.
     */
    private static StringTensor readStrings(Path file, TensorInfo info, ByteBuffer bytes) {
        try {
            ByteBuffer in = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            long n = info.numElements();
            if (n + 4 > in.remaining()) {
                throw new CheckpointException(
                        file,
                        "string tensor '" + info.name() + "' has " + n + " elements but only " + in.remaining()
                                + " bytes");
            }
            long[] lengths = new long[(int) n];
            ByteBuffer lengthBytes = ByteBuffer.allocate((int) Math.min(8 * n, Integer.MAX_VALUE - 8))
                    .order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                lengths[i] = Varint.read64(in);
                if (lengths[i] <= 0xffffffffL) {
                    lengthBytes.putInt((int) lengths[i]);
                } else {
                    lengthBytes.putLong(lengths[i]);
                }
            }
            lengthBytes.flip();
            CRC32C content = new CRC32C();
            content.update(lengthBytes.duplicate());
            int storedLengthCrc = in.getInt();
            if (Crc32c.mask((int) content.getValue()) != storedLengthCrc) {
                throw new CheckpointException(
                        file,
                        "checksum mismatch in the string lengths of '" + info.name() + "': the data file is corrupt");
            }
            content.update(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, storedLengthCrc));
            List<byte[]> strings = new ArrayList<>((int) n);
            for (int i = 0; i < n; i++) {
                if (lengths[i] > in.remaining()) {
                    throw new CheckpointException(file, "string " + i + " of '" + info.name() + "' overruns its entry");
                }
                byte[] s = new byte[(int) lengths[i]];
                in.get(s);
                content.update(s);
                strings.add(s);
            }
            return new StringTensor(strings, Crc32c.mask((int) content.getValue()));
        } catch (IllegalArgumentException | BufferUnderflowException e) {
            throw new CheckpointException(
                    file, "string tensor '" + info.name() + "' is malformed: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        shards.values().forEach(FileRegion::close);
        shards.clear();
    }
}
