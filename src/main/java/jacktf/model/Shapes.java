package jacktf.model;

import java.util.Arrays;
import java.util.stream.Collectors;
import org.tensorflow.ndarray.Shape;

/** Shape formatting shared by every listing. */
public final class Shapes {
    private Shapes() {}

    public static String format(Shape shape) {
        return format(shape.asArray());
    }

    public static String format(long[] dims) {
        return Arrays.stream(dims).mapToObj(Long::toString).collect(Collectors.joining(","));
    }
}
