package jacktf.testing;

import jacktf.checkpoint.CheckpointTensor;
import jacktf.checkpoint.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.tensorflow.proto.DataType;

/**
 * Element-by-element comparison of two checkpoint tensors of the same dtype and shape, reporting
 * the worst element. {@code tolerance} null means bit-identical.
 */
final class TensorComparison {
    /** How the tensor differs, or null when it does not. */
    record Difference(String message, String expected, String actual) {}

    private TensorComparison() {}

    static Difference compare(CheckpointTensor expected, CheckpointTensor actual, Tolerance tolerance) {
        TensorInfo info = expected.info();
        String name = info.name();
        long n = info.numElements();
        if (info.dtype() == DataType.DT_STRING) {
            List<byte[]> e = expected.strings();
            List<byte[]> a = actual.strings();
            return report(
                    name,
                    info.shape(),
                    n,
                    (i) -> !Arrays.equals(e.get((int) i), a.get((int) i)),
                    i -> quote(e.get((int) i)),
                    i -> quote(a.get((int) i)),
                    null,
                    null,
                    null);
        }
        boolean floating =
                tolerance != null && (info.dtype() == DataType.DT_FLOAT || info.dtype() == DataType.DT_DOUBLE);
        if (info.dtype() == DataType.DT_FLOAT) {
            float[] e = expected.floats();
            float[] a = actual.floats();
            return report(
                    name,
                    info.shape(),
                    n,
                    i -> floating
                            ? !tolerance.accepts(e[(int) i], a[(int) i])
                            : Float.floatToRawIntBits(e[(int) i]) != Float.floatToRawIntBits(a[(int) i]),
                    i -> Float.toString(e[(int) i]),
                    i -> Float.toString(a[(int) i]),
                    i -> (double) e[(int) i],
                    i -> (double) a[(int) i],
                    floating ? tolerance : null);
        }
        if (info.dtype() == DataType.DT_DOUBLE) {
            double[] e = doubles(expected);
            double[] a = doubles(actual);
            return report(
                    name,
                    info.shape(),
                    n,
                    i -> floating
                            ? !tolerance.accepts(e[(int) i], a[(int) i])
                            : Double.doubleToRawLongBits(e[(int) i]) != Double.doubleToRawLongBits(a[(int) i]),
                    i -> Double.toString(e[(int) i]),
                    i -> Double.toString(a[(int) i]),
                    i -> e[(int) i],
                    i -> a[(int) i],
                    floating ? tolerance : null);
        }
        // Every other type compares exactly, byte for byte, and prints as the checkpoint reader formats it.
        ByteBuffer e = expected.data();
        ByteBuffer a = actual.data();
        int size = (int) (info.byteSize() / Math.max(1, n));
        List<String> eText = expected.formatValues(-1);
        List<String> aText = actual.formatValues(-1);
        return report(
                name,
                info.shape(),
                n,
                i -> {
                    for (int b = 0; b < size; b++) {
                        if (e.get((int) i * size + b) != a.get((int) i * size + b)) {
                            return true;
                        }
                    }
                    return false;
                },
                i -> eText.get((int) i),
                i -> aText.get((int) i),
                null,
                null,
                null);
    }

    private interface IndexTest {
        boolean differs(long i);
    }

    private interface IndexText {
        String at(long i);
    }

    private interface IndexValue {
        double at(long i);
    }

    private static Difference report(
            String name,
            long[] shape,
            long n,
            IndexTest differs,
            IndexText expected,
            IndexText actual,
            IndexValue expectedValue,
            IndexValue actualValue,
            Tolerance tolerance) {
        long count = 0;
        long worst = -1;
        double worstDiff = -1;
        for (long i = 0; i < n; i++) {
            if (!differs.differs(i)) {
                continue;
            }
            count++;
            double diff = expectedValue == null ? 0 : Math.abs(actualValue.at(i) - expectedValue.at(i));
            if (Double.isNaN(diff)) {
                diff = Double.POSITIVE_INFINITY;
            }
            if (worst < 0 || diff > worstDiff) {
                worst = i;
                worstDiff = diff;
            }
        }
        if (count == 0) {
            return null;
        }
        String e = expected.at(worst);
        String a = actual.at(worst);
        if (e.equals(a) && expectedValue != null) {
            // -0.0 against 0.0 or two NaN payloads: the printed values agree, the bits do not.
            e += " (bits " + Long.toHexString(Double.doubleToRawLongBits(expectedValue.at(worst))) + ")";
            a += " (bits " + Long.toHexString(Double.doubleToRawLongBits(actualValue.at(worst))) + ")";
        }
        String why;
        if (tolerance != null) {
            why = String.format(
                    Locale.ROOT,
                    " (|diff| %.3g > tolerance %.3g)",
                    worstDiff,
                    tolerance.allowed(expectedValue.at(worst)));
        } else if (expectedValue != null) {
            why = String.format(Locale.ROOT, " (|diff| %.3g; bit-identical required)", worstDiff);
        } else {
            why = " (exact match required)";
        }
        String message = name + " differs at " + index(worst, shape) + ": expected " + e + ", was " + a + why + "; "
                + count + " of " + n + " elements differ";
        return new Difference(message, e, a);
    }

    /** The multi-dimensional index of flat element {@code flat}, e.g. {@code [0,0,3,7]} ({@code []} for a scalar). */
    static String index(long flat, long[] shape) {
        long[] idx = new long[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = shape[d] == 0 ? 0 : flat % shape[d];
            flat = shape[d] == 0 ? flat : flat / shape[d];
        }
        return Arrays.stream(idx).mapToObj(Long::toString).collect(Collectors.joining(",", "[", "]"));
    }

    private static double[] doubles(CheckpointTensor t) {
        double[] out = new double[(int) t.info().numElements()];
        t.data().asDoubleBuffer().get(out);
        return out;
    }

    private static String quote(byte[] bytes) {
        return "\"" + new String(bytes, StandardCharsets.UTF_8) + "\"";
    }
}
