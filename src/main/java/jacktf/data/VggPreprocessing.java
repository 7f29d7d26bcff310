package jacktf.data;

import jacktf.config.ConfigException;
import jacktf.config.Preprocessing;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Squeeze;
import org.tensorflow.op.image.DecodeImage;
import org.tensorflow.op.image.ResizeBilinear;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;

/**
 * slim's {@code vgg_preprocessing}, which resnet_v1 uses, as graph ops. Train: aspect-preserving
 * bilinear resize of the smaller side to a random integer in [256, 512], random crop, random
 * left-right flip. Eval: smaller side to 256, central crop. Both subtract the RGB means and do
 * not rescale to [0, 1]. Other image sizes scale the resize sides in proportion to 224.
 */
public final class VggPreprocessing implements ImagePreprocessing {
    public static final float[] RGB_MEANS = {123.68f, 116.78f, 103.94f};
    public static final int DEFAULT_IMAGE_SIZE = 224;

    private final int imageSize;
    private final int resizeSideMin;
    private final int resizeSideMax;

    public VggPreprocessing(int imageSize) {
        if (imageSize < 8) {
            throw new ConfigException("imageSize", "at least 8 pixels", imageSize);
        }
        this.imageSize = imageSize;
        this.resizeSideMin = Math.round(256f * imageSize / DEFAULT_IMAGE_SIZE);
        this.resizeSideMax = Math.round(512f * imageSize / DEFAULT_IMAGE_SIZE);
    }

    @Override
    public Preprocessing name() {
        return Preprocessing.VGG;
    }

    @Override
    public int imageSize() {
        return imageSize;
    }

    /** The eval resize side (256 at 224). */
    public int resizeSideMin() {
        return resizeSideMin;
    }

    public int resizeSideMax() {
        return resizeSideMax;
    }

    /** JPEG, PNG, GIF (first frame) or BMP bytes to uint8 [H, W, 3]: grayscale repeated, alpha dropped. */
    public static Operand<TUint8> decode(Ops tf, Operand<TString> contents) {
        return tf.image.decodeImage(
                contents, TUint8.class, DecodeImage.channels(3L), DecodeImage.expandAnimations(false));
    }

    /**
     * Training preprocessing. Randomness is stateless, a function of {@code seed} (int64 [2]: run
     * seed, element index), so every element is augmented the same way in a resumed run.
     */
    @Override
    public Operand<TFloat32> train(Ops tf, Operand<TUint8> image, Operand<TInt64> seed) {
        Operand<TInt32> side = tf.random.statelessRandomUniformInt(
                tf.constant(new int[0]),
                StatelessDraws.draw(tf, seed, 1),
                tf.constant(resizeSideMin),
                tf.constant(resizeSideMax + 1));
        Operand<TFloat32> resized = aspectPreservingResize(tf, image, side);
        Operand<TInt32> shape = tf.shape(resized);
        Operand<TInt32> maxOffsetH =
                tf.math.add(tf.math.sub(element(tf, shape, 0), tf.constant(imageSize)), tf.constant(1));
        Operand<TInt32> maxOffsetW =
                tf.math.add(tf.math.sub(element(tf, shape, 1), tf.constant(imageSize)), tf.constant(1));
        // uniform in [0, max): a uniform [0, 1) draw scaled, since the bound is a tensor
        Operand<TInt32> offsetH = uniformBelow(tf, StatelessDraws.draw(tf, seed, 2), maxOffsetH);
        Operand<TInt32> offsetW = uniformBelow(tf, StatelessDraws.draw(tf, seed, 3), maxOffsetW);
        Operand<TFloat32> cropped = crop(tf, resized, offsetH, offsetW);
        Operand<TBool> flip = tf.math.less(
                tf.random.statelessRandomUniform(tf.constant(new int[0]), StatelessDraws.draw(tf, seed, 4)),
                tf.constant(0.5f));
        Operand<TFloat32> flipped = tf.select(flip, tf.reverse(cropped, tf.constant(new int[] {1})), cropped);
        return subtractMeans(tf, flipped);
    }

    @Override
    public Operand<TFloat32> eval(Ops tf, Operand<TUint8> image) {
        Operand<TFloat32> resized = aspectPreservingResize(tf, image, tf.constant(resizeSideMin));
        Operand<TInt32> shape = tf.shape(resized);
        Operand<TInt32> offsetH =
                tf.math.floorDiv(tf.math.sub(element(tf, shape, 0), tf.constant(imageSize)), tf.constant(2));
        Operand<TInt32> offsetW =
                tf.math.floorDiv(tf.math.sub(element(tf, shape, 1), tf.constant(imageSize)), tf.constant(2));
        return subtractMeans(tf, crop(tf, resized, offsetH, offsetW));
    }

    /** The means added back. */
    @Override
    public Operand<TFloat32> toRgb(Ops tf, Operand<TFloat32> images) {
        return tf.math.add(images, tf.constant(RGB_MEANS));
    }

    private static Operand<TInt32> uniformBelow(Ops tf, Operand<TInt64> seed, Operand<TInt32> bound) {
        Operand<TFloat32> u = tf.random.statelessRandomUniform(tf.constant(new int[0]), seed);
        Operand<TInt32> value =
                tf.dtypes.cast(tf.math.floor(tf.math.mul(u, tf.dtypes.cast(bound, TFloat32.class))), TInt32.class);
        return tf.math.minimum(value, tf.math.sub(bound, tf.constant(1)));
    }

    /** Smaller side to {@code side}, other side rint(scale * size), bilinear without corner alignment. */
    private static Operand<TFloat32> aspectPreservingResize(Ops tf, Operand<TUint8> image, Operand<TInt32> side) {
        Operand<TInt32> shape = tf.shape(image);
        Operand<TFloat32> height = tf.dtypes.cast(element(tf, shape, 0), TFloat32.class);
        Operand<TFloat32> width = tf.dtypes.cast(element(tf, shape, 1), TFloat32.class);
        Operand<TFloat32> scale = tf.math.div(tf.dtypes.cast(side, TFloat32.class), tf.math.minimum(height, width));
        Operand<TInt32> newHeight = tf.dtypes.cast(tf.math.rint(tf.math.mul(height, scale)), TInt32.class);
        Operand<TInt32> newWidth = tf.dtypes.cast(tf.math.rint(tf.math.mul(width, scale)), TInt32.class);
        Operand<TFloat32> batch = tf.image.resizeBilinear(
                tf.expandDims(image, tf.constant(0)),
                tf.stack(List.of(newHeight, newWidth)),
                ResizeBilinear.alignCorners(false),
                ResizeBilinear.halfPixelCenters(false));
        return tf.squeeze(batch, Squeeze.axis(0L));
    }

    private Operand<TFloat32> crop(Ops tf, Operand<TFloat32> image, Operand<TInt32> offsetH, Operand<TInt32> offsetW) {
        Operand<TFloat32> cropped =
                tf.slice(image, tf.stack(List.of(offsetH, offsetW, tf.constant(0))), tf.constant(new int[] {
                    imageSize, imageSize, 3
                }));
        return tf.reshape(cropped, tf.constant(new int[] {imageSize, imageSize, 3}));
    }

    private static Operand<TFloat32> subtractMeans(Ops tf, Operand<TFloat32> image) {
        return tf.math.sub(image, tf.constant(RGB_MEANS));
    }

    private static Operand<TInt32> element(Ops tf, Operand<TInt32> vector, int index) {
        return tf.gather(vector, tf.constant(index), tf.constant(0));
    }
}
