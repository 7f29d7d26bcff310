package jacktf.checkpoint;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import jacktf.runtime.DataTypes;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.SavedSlice;
import org.tensorflow.proto.SavedSliceMeta;
import org.tensorflow.proto.SavedTensorSlices;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorSliceProto;

/**
 * A V1 checkpoint: one table whose empty key holds {@code SavedTensorSliceMeta} and whose other
 * keys (the tensor name and slice, order-coded) hold the values as {@code TensorProto}s.
 */
final class SliceCheckpoint extends Checkpoint {
    private final Path file;
    private final List<TensorInfo> tensors;
    private final Map<String, List<ByteBuffer>> slicesByName;

    private SliceCheckpoint(Path file, List<TensorInfo> tensors, Map<String, List<ByteBuffer>> slicesByName) {
        this.file = file;
        this.tensors = tensors;
        this.slicesByName = slicesByName;
    }

    static SliceCheckpoint openFile(Path file) {
        List<Table.Entry> raw;
        try (FileRegion region = FileRegion.open(file)) {
            raw = Table.open(region).entries();
        }
        if (raw.isEmpty() || raw.get(0).key().length != 0) {
            throw new CheckpointException(file, "is a table but not a TensorFlow V1 checkpoint (no metadata entry)");
        }
        SavedTensorSlices meta;
        try {
            meta = SavedTensorSlices.parseFrom(raw.get(0).value());
        } catch (InvalidProtocolBufferException e) {
            throw new CheckpointException(
                    file, "is a table but not a TensorFlow V1 checkpoint (metadata not parseable)", e);
        }
        if (!meta.hasMeta()) {
            throw new CheckpointException(
                    file, "is a table but not a TensorFlow V1 checkpoint (no SavedTensorSliceMeta)");
        }
        List<TensorInfo> tensors = new ArrayList<>();
        Map<String, TensorInfo> byName = new HashMap<>();
        for (SavedSliceMeta t : meta.getMeta().getTensorList()) {
            TensorInfo info =
                    new TensorInfo(t.getName(), t.getType(), BundleCheckpoint.dims(file, t.getName(), t.getShape()));
            if (DataTypes.size(info.dtype()) < 0 && info.dtype() != DataType.DT_STRING) {
                throw new CheckpointException(
                        file, "tensor '" + info.name() + "' has unsupported dtype " + info.dtypeName());
            }
            tensors.add(info);
            byName.put(info.name(), info);
        }
        tensors.sort(Comparator.comparing(TensorInfo::name));
        Map<String, List<ByteBuffer>> slices = new LinkedHashMap<>();
        for (Table.Entry e : raw.subList(1, raw.size())) {
            String name = decodeTensorName(file, e.key());
            if (!byName.containsKey(name)) {
                throw new CheckpointException(
                        file, "holds data for '" + name + "', which its metadata does not list (corrupt)");
            }
            slices.computeIfAbsent(name, n -> new ArrayList<>()).add(e.value());
        }
        return new SliceCheckpoint(file, List.copyOf(tensors), slices);
    }

    /**
     * The tensor name in a slice key: OrderedCode's {@code WriteNumIncreasing(0)} (one 0x00 byte)
     * then the name as an escaped string ending in 0x00 0x01; 0x00 and 0xff are escaped as
     * 0x00 0xff and 0xff 0x00.
     */
    static String decodeTensorName(Path file, byte[] key) {
        if (key.length < 3 || key[0] != 0) {
            throw new CheckpointException(file, "has a data key that is not a tensor slice key (corrupt)");
        }
        ByteArrayOutputStream name = new ByteArrayOutputStream();
        for (int i = 1; i + 1 < key.length; i++) {
            int b = key[i] & 0xff;
            int next = key[i + 1] & 0xff;
            if (b == 0x00 && next == 0x01) {
                return name.toString(StandardCharsets.UTF_8);
            } else if (b == 0x00 && next == 0xff) {
                name.write(0x00);
                i++;
            } else if (b == 0xff && next == 0x00) {
                name.write(0xff);
                i++;
            } else {
                name.write(b);
            }
        }
        throw new CheckpointException(file, "has a tensor slice key with no name terminator (corrupt)");
    }

    @Override
    public Format format() {
        return Format.V1;
    }

    @Override
    public Path path() {
        return file;
    }

    @Override
    public List<TensorInfo> tensors() {
        return tensors;
    }

    @Override
    public CheckpointTensor read(String name) {
        TensorInfo info = find(name)
                .orElseThrow(
                        () -> new CheckpointException(null, "No tensor named '" + name + "' in checkpoint " + file));
        List<ByteBuffer> values = slicesByName.getOrDefault(name, List.of());
        if (values.size() != 1) {
            throw new CheckpointException(
                    file,
                    "tensor '" + name + "' is stored in " + values.size()
                            + " slices; only whole (unpartitioned) tensors are supported");
        }
        SavedSlice slice;
        try {
            slice = SavedTensorSlices.parseFrom(values.get(0)).getData();
        } catch (InvalidProtocolBufferException e) {
            throw new CheckpointException(file, "data of tensor '" + name + "' is not parseable (corrupt)", e);
        }
        if (!slice.getName().equals(name) || !isFull(slice.getSlice(), info.shape())) {
            throw new CheckpointException(file, "data of tensor '" + name + "' is not one whole slice");
        }
        TensorProto data = slice.getData();
        if (data.getDtype() != DataType.DT_INVALID && data.getDtype() != info.dtype()) { // V1 leaves it unset
            throw new CheckpointException(
                    file,
                    "tensor '" + name + "' is listed as " + info.dtypeName() + " but stored as "
                            + DataTypes.name(data.getDtype()) + " (corrupt)");
        }
        if (info.dtype() == DataType.DT_STRING) {
            List<byte[]> strings = new ArrayList<>();
            for (ByteString s : data.getStringValList()) {
                strings.add(s.toByteArray());
            }
            if (strings.size() != info.numElements()) {
                throw new CheckpointException(
                        file,
                        "tensor '" + name + "' has " + strings.size() + " strings, its shape wants "
                                + info.numElements());
            }
            return new CheckpointTensor(info, null, strings);
        }
        return new CheckpointTensor(info, TensorProtos.toBytes(file, info, data), null);
    }

    private static boolean isFull(TensorSliceProto slice, long[] shape) {
        if (slice.getExtentCount() == 0) {
            return true;
        }
        if (slice.getExtentCount() != shape.length) {
            return false;
        }
        for (int i = 0; i < shape.length; i++) {
            TensorSliceProto.Extent e = slice.getExtent(i);
            boolean full = e.getStart() == 0 && (!e.hasLength() || e.getLength() == shape[i]);
            if (!full) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        // everything was read at open
    }

    /** TensorProto values as little-endian bytes, filling as TensorFlow does when fewer are given. */
    static final class TensorProtos {
        private TensorProtos() {}

        static ByteBuffer toBytes(Path file, TensorInfo info, TensorProto proto) {
            int size = DataTypes.size(info.dtype());
            long n = info.numElements();
            ByteBuffer out = ByteBuffer.allocate((int) (size * n)).order(ByteOrder.LITTLE_ENDIAN);
            if (!proto.getTensorContent().isEmpty()) {
                if (proto.getTensorContent().size() != out.capacity()) {
                    throw new CheckpointException(
                            file,
                            "tensor '" + info.name() + "' has "
                                    + proto.getTensorContent().size() + " content bytes, its shape wants "
                                    + out.capacity());
                }
                proto.getTensorContent().copyTo(out);
                return out.flip();
            }
            int count =
                    switch (info.dtype()) {
                        case DT_FLOAT -> proto.getFloatValCount();
                        case DT_DOUBLE -> proto.getDoubleValCount();
                        case DT_INT64 -> proto.getInt64ValCount();
                        case DT_BOOL -> proto.getBoolValCount();
                        case DT_HALF, DT_BFLOAT16 -> proto.getHalfValCount();
                        default -> proto.getIntValCount();
                    };
            if (count > n || (count == 0 && n > 0)) {
                throw new CheckpointException(
                        file, "tensor '" + info.name() + "' has " + count + " values, its shape wants " + n);
            }
            for (int i = 0; i < n; i++) {
                int j = Math.min(i, count - 1); // TensorFlow repeats the last value
                switch (info.dtype()) {
                    case DT_FLOAT -> out.putFloat(proto.getFloatVal(j));
                    case DT_DOUBLE -> out.putDouble(proto.getDoubleVal(j));
                    case DT_INT64 -> out.putLong(proto.getInt64Val(j));
                    case DT_BOOL -> out.put((byte) (proto.getBoolVal(j) ? 1 : 0));
                    case DT_HALF, DT_BFLOAT16 -> out.putShort((short) proto.getHalfVal(j));
                    case DT_INT32 -> out.putInt(proto.getIntVal(j));
                    case DT_INT16, DT_UINT16 -> out.putShort((short) proto.getIntVal(j));
                    case DT_INT8, DT_UINT8 -> out.put((byte) proto.getIntVal(j));
                    default ->
                        throw new CheckpointException(
                                file, "tensor '" + info.name() + "' has unsupported dtype " + info.dtypeName());
                }
            }
            return out.flip();
        }
    }
}
