package jacktf.testing;

import jacktf.runtime.DataTypes;
import java.util.Arrays;
import java.util.Objects;
import java.util.stream.Collectors;
import org.tensorflow.proto.DataType;

/**
 * A signature input or output as a SavedModel declares it: its key, dtype and shape, where
 * {@code -1} is a dimension of any size (the batch, usually) and a null shape an unknown rank.
 *
 * @param name the key in the signature (e.g. {@code image_bytes}), not the graph tensor name
 * @param dtype the dtype, e.g. {@link DataType#DT_FLOAT}
 * @param shape the dimensions, {@code -1} for unknown; null for an unknown rank
 */
public record TensorSpec(String name, DataType dtype, long[] shape) {
    /** Checks the name and dtype are given. */
    public TensorSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        shape = shape == null ? null : shape.clone();
    }

    /** A tensor of known rank: {@code of("probabilities", DT_FLOAT, -1, 2)}. */
    public static TensorSpec of(String name, DataType dtype, long... shape) {
        return new TensorSpec(name, dtype, shape);
    }

    /** A tensor of unknown rank. */
    public static TensorSpec unknownRank(String name, DataType dtype) {
        return new TensorSpec(name, dtype, null);
    }

    /** The shape, a copy; null for an unknown rank. */
    @Override
    public long[] shape() {
        return shape == null ? null : shape.clone();
    }

    /** Same name, dtype and shape. */
    @Override
    public boolean equals(Object o) {
        return o instanceof TensorSpec t && name.equals(t.name) && dtype == t.dtype && Arrays.equals(shape, t.shape);
    }

    /** Consistent with {@link #equals(Object)}. */
    @Override
    public int hashCode() {
        return Objects.hash(name, dtype, Arrays.hashCode(shape));
    }

    /** {@code x float32 [-1,1]}; an unknown rank shows as {@code [?]}. */
    @Override
    public String toString() {
        return name + " " + typeAndShape();
    }

    String typeAndShape() {
        return DataTypes.name(dtype) + " "
                + (shape == null
                        ? "[?]"
                        : Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(",", "[", "]")));
    }
}
