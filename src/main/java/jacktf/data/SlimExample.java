package jacktf.data;

import com.google.protobuf.ByteString;
import org.tensorflow.proto.BytesList;
import org.tensorflow.proto.Example;
import org.tensorflow.proto.Feature;
import org.tensorflow.proto.Features;
import org.tensorflow.proto.Int64List;

/**
 * A {@code tf.train.Example} of one image as TF-Slim's {@code datasets/dataset_utils.image_to_tfexample}
 * writes it and slim's {@code TFExampleDecoder} reads it, built with TensorFlow's proto classes.
 */
public final class SlimExample {
    /** The encoded image file's bytes. */
    public static final String ENCODED = "image/encoded";
    /** The encoding: {@code jpeg}, {@code png}, {@code gif} or {@code bmp} (slim decodes any but raw by content). */
    public static final String FORMAT = "image/format";
    /** The class id (int64). */
    public static final String LABEL = "image/class/label";
    /** Height in pixels (int64). */
    public static final String HEIGHT = "image/height";
    /** Width in pixels (int64). */
    public static final String WIDTH = "image/width";

    private SlimExample() {}

    /** The Example of an encoded image with its format, size and label. */
    public static Example of(byte[] encoded, String format, int height, int width, long label) {
        return Example.newBuilder()
                .setFeatures(Features.newBuilder()
                        .putFeature(ENCODED, bytes(ByteString.copyFrom(encoded)))
                        .putFeature(FORMAT, bytes(ByteString.copyFromUtf8(format)))
                        .putFeature(LABEL, int64(label))
                        .putFeature(HEIGHT, int64(height))
                        .putFeature(WIDTH, int64(width)))
                .build();
    }

    /** {@link #of} serialized, as a TFRecord holds it. */
    public static byte[] serialize(byte[] encoded, String format, int height, int width, long label) {
        return of(encoded, format, height, width, label).toByteArray();
    }

    private static Feature bytes(ByteString value) {
        return Feature.newBuilder()
                .setBytesList(BytesList.newBuilder().addValue(value))
                .build();
    }

    private static Feature int64(long value) {
        return Feature.newBuilder()
                .setInt64List(Int64List.newBuilder().addValue(value))
                .build();
    }
}
