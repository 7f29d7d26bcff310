package jacktf.data;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.Map;
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

    /**
     * What jacktf reads of a slim Example in Java (the graph parses the image itself).
     *
     * @param label {@code image/class/label}
     * @param width {@code image/width}, or 0 when absent
     * @param height {@code image/height}, or 0 when absent
     */
    public record Fields(long label, int width, int height) {}

    /**
     * Parses a serialized Example as slim's decoder would read it: one encoded image and one label.
     *
     * @throws IllegalArgumentException naming what is wrong, when it is not such an Example
     */
    public static Fields read(byte[] serialized) {
        Example example;
        try {
            example = Example.parseFrom(serialized);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("not a tf.train.Example (" + e.getMessage() + ")", e);
        }
        Map<String, Feature> features = example.getFeatures().getFeatureMap();
        Feature encoded = features.get(ENCODED);
        if (encoded == null || encoded.getBytesList().getValueCount() != 1) {
            throw new IllegalArgumentException("no " + ENCODED + " (one bytes value) in the example");
        }
        Feature label = features.get(LABEL);
        if (label == null || label.getInt64List().getValueCount() != 1) {
            throw new IllegalArgumentException("no " + LABEL + " (one int64 value) in the example");
        }
        return new Fields(
                label.getInt64List().getValue(0), (int) int64(features, WIDTH), (int) int64(features, HEIGHT));
    }

    private static long int64(Map<String, Feature> features, String key) {
        Feature f = features.get(key);
        return f == null || f.getInt64List().getValueCount() == 0
                ? 0
                : f.getInt64List().getValue(0);
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
