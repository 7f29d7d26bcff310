package jacktf.checkpoint;

import jacktf.model.Shapes;
import jacktf.runtime.DataTypes;
import org.tensorflow.proto.DataType;

/** A checkpoint entry's name, dtype and shape. */
public record TensorInfo(String name, DataType dtype, long[] shape) {

    public long numElements() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    public String dtypeName() {
        return DataTypes.name(dtype);
    }

    public String shapeString() {
        return Shapes.format(shape);
    }

    /** Bytes the values take (strings: unknown until read, counted as 0). */
    public long byteSize() {
        int size = DataTypes.size(dtype);
        return size < 0 ? 0 : size * numElements();
    }
}
