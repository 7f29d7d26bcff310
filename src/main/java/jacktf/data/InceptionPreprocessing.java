package jacktf.data;

import jacktf.config.ConfigException;
import jacktf.config.Preprocessing;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Squeeze;
import org.tensorflow.op.image.ResizeBilinear;
import org.tensorflow.op.image.StatelessSampleDistortedBoundingBox;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;

/**
 * slim's {@code inception_preprocessing} in its default fast mode, as graph ops. Both paths first take
 * the pixels to [0, 1] ({@code convert_image_dtype}: / 255) and end with (x - 0.5) * 2, in [-1, 1].
 *
 * <p>Train ({@code preprocess_for_train}, no bounding box given, so the whole image is the box):
 * {@code sample_distorted_bounding_box} (min_object_covered 0.1, aspect ratio 0.75..1.33, area
 * 0.05..1.0, 100 attempts, the whole image when every attempt fails) and that crop; bilinear resize to
 * S x S (aspect ratio not kept); random left-right flip; fast mode's one colour ordering: brightness
 * (delta uniform in +-32/255) then saturation (factor uniform in [0.5, 1.5]); clipped to [0, 1].
 *
 * <p>Eval ({@code preprocess_for_eval}): {@code tf.image.central_crop} of 87.5% (start
 * {@code int((H - 0.875 H) / 2)}, the same margin at the far side), bilinear resize to S x S.
 *
 * <p>Both resizes are slim's {@code resize_images}/{@code resize_bilinear} with
 * {@code align_corners=False} under TF1 semantics, i.e. without half-pixel centres (source = dst * in /
 * out), as slim runs them (and as {@link VggPreprocessing} resizes).
 */
public final class InceptionPreprocessing implements ImagePreprocessing {
    /** {@code preprocess_for_eval}'s {@code central_fraction}. */
    public static final double CENTRAL_FRACTION = 0.875;
    /** {@code distorted_bounding_box_crop}'s {@code min_object_covered}. */
    public static final float MIN_OBJECT_COVERED = 0.1f;
    /** {@code distorted_bounding_box_crop}'s {@code aspect_ratio_range} (width / height). */
    public static final float MIN_ASPECT_RATIO = 0.75f;

    public static final float MAX_ASPECT_RATIO = 1.33f;
    /** {@code distorted_bounding_box_crop}'s {@code area_range} (fraction of the image). */
    public static final float MIN_AREA = 0.05f;

    public static final float MAX_AREA = 1.0f;
    /** {@code distorted_bounding_box_crop}'s {@code max_attempts}. */
    public static final long MAX_ATTEMPTS = 100;
    /** {@code distort_color}'s {@code random_brightness(max_delta=32. / 255.)}. */
    public static final float MAX_BRIGHTNESS_DELTA = 32f / 255f;
    /** {@code distort_color}'s {@code random_saturation(lower=0.5, upper=1.5)}. */
    public static final float MIN_SATURATION = 0.5f;

    public static final float MAX_SATURATION = 1.5f;

    // The stateless draws of one element (StatelessDraws.draw's k).
    private static final long BOX_DRAW = 1;
    private static final long FLIP_DRAW = 2;
    private static final long BRIGHTNESS_DRAW = 3;
    private static final long SATURATION_DRAW = 4;

    private final int imageSize;

    public InceptionPreprocessing(int imageSize) {
        if (imageSize < 8) {
            throw new ConfigException("imageSize", "at least 8 pixels", imageSize);
        }
        this.imageSize = imageSize;
    }

    @Override
    public Preprocessing name() {
        return Preprocessing.INCEPTION;
    }

    @Override
    public int imageSize() {
        return imageSize;
    }

    @Override
    public Operand<TFloat32> train(Ops tf, Operand<TUint8> image, Operand<TInt64> seed) {
        Operand<TFloat32> pixels = toUnit(tf, image);
        StatelessSampleDistortedBoundingBox<TInt32> box = distortedBox(tf, tf.shape(pixels), seed);
        Operand<TFloat32> cropped = tf.slice(pixels, box.begin(), box.sizeOutput());
        Operand<TFloat32> resized = resize(tf, cropped);
        Operand<TBool> flip = tf.math.less(uniform(tf, seed, FLIP_DRAW, 0f, 1f), tf.constant(0.5f));
        Operand<TFloat32> flipped = tf.select(flip, tf.reverse(resized, tf.constant(new int[] {1})), resized);
        // adjust_brightness adds the delta to a float image; adjust_saturation is TF's AdjustSaturation op
        Operand<TFloat32> brighter =
                tf.math.add(flipped, uniform(tf, seed, BRIGHTNESS_DRAW, -MAX_BRIGHTNESS_DELTA, MAX_BRIGHTNESS_DELTA));
        Operand<TFloat32> saturated =
                tf.image.adjustSaturation(brighter, uniform(tf, seed, SATURATION_DRAW, MIN_SATURATION, MAX_SATURATION));
        // "The random_* ops do not necessarily clamp."
        Operand<TFloat32> clipped = tf.clipByValue(saturated, tf.constant(0f), tf.constant(1f));
        return toSigned(tf, clipped);
    }

    /**
     * The crop window of training: begin [y, x, 0] and size [h, w, -1] (int32) of an image of shape
     * {@code shape} (int32 [3]), drawn from the element's {@code seed}.
     */
    StatelessSampleDistortedBoundingBox<TInt32> distortedBox(Ops tf, Operand<TInt32> shape, Operand<TInt64> seed) {
        return tf.image.statelessSampleDistortedBoundingBox(
                shape,
                tf.constant(new float[][][] {{{0f, 0f, 1f, 1f}}}),
                tf.constant(MIN_OBJECT_COVERED),
                StatelessDraws.draw(tf, seed, BOX_DRAW),
                StatelessSampleDistortedBoundingBox.aspectRatioRange(MIN_ASPECT_RATIO, MAX_ASPECT_RATIO),
                StatelessSampleDistortedBoundingBox.areaRange(MIN_AREA, MAX_AREA),
                StatelessSampleDistortedBoundingBox.maxAttempts(MAX_ATTEMPTS),
                StatelessSampleDistortedBoundingBox.useImageIfNoBoundingBoxes(true));
    }

    @Override
    public Operand<TFloat32> eval(Ops tf, Operand<TUint8> image) {
        Operand<TFloat32> pixels = toUnit(tf, image);
        Operand<TInt32> shape = tf.shape(pixels);
        // central_crop's dynamic-shape arithmetic: float64, truncated to int32
        Operand<TInt32> startH = cropStart(tf, element(tf, shape, 0));
        Operand<TInt32> startW = cropStart(tf, element(tf, shape, 1));
        Operand<TInt32> sizeH = tf.math.sub(element(tf, shape, 0), tf.math.mul(startH, tf.constant(2)));
        Operand<TInt32> sizeW = tf.math.sub(element(tf, shape, 1), tf.math.mul(startW, tf.constant(2)));
        Operand<TFloat32> cropped = tf.slice(
                pixels,
                tf.stack(List.of(startH, startW, tf.constant(0))),
                tf.stack(List.of(sizeH, sizeW, tf.constant(-1))));
        return toSigned(tf, resize(tf, cropped));
    }

    /** From [-1, 1] back to [0, 255]. */
    @Override
    public Operand<TFloat32> toRgb(Ops tf, Operand<TFloat32> images) {
        return tf.math.mul(tf.math.add(images, tf.constant(1f)), tf.constant(127.5f));
    }

    private static Operand<TInt32> cropStart(Ops tf, Operand<TInt32> side) {
        Operand<TFloat64> s = tf.dtypes.cast(side, TFloat64.class);
        Operand<TFloat64> margin =
                tf.math.div(tf.math.sub(s, tf.math.mul(s, tf.constant(CENTRAL_FRACTION))), tf.constant(2.0));
        return tf.dtypes.cast(margin, TInt32.class);
    }

    /** {@code convert_image_dtype(uint8 -> float32)}: x * (1 / 255). */
    private static Operand<TFloat32> toUnit(Ops tf, Operand<TUint8> image) {
        return tf.math.mul(tf.dtypes.cast(image, TFloat32.class), tf.constant((float) (1.0 / 255)));
    }

    /** slim's last two lines: subtract 0.5, multiply by 2. */
    private static Operand<TFloat32> toSigned(Ops tf, Operand<TFloat32> image) {
        return tf.math.mul(tf.math.sub(image, tf.constant(0.5f)), tf.constant(2.0f));
    }

    /** Bilinear to S x S, TF1's {@code resize_bilinear(align_corners=False)}; the channels fixed at 3. */
    private Operand<TFloat32> resize(Ops tf, Operand<TFloat32> image) {
        Operand<TFloat32> batch = tf.image.resizeBilinear(
                tf.expandDims(image, tf.constant(0)),
                tf.constant(new int[] {imageSize, imageSize}),
                ResizeBilinear.alignCorners(false),
                ResizeBilinear.halfPixelCenters(false));
        return tf.reshape(tf.squeeze(batch, Squeeze.axis(0L)), tf.constant(new int[] {imageSize, imageSize, 3}));
    }

    /** {@code random_uniform([], low, high)} of draw {@code k}: u * (high - low) + low. */
    private static Operand<TFloat32> uniform(Ops tf, Operand<TInt64> seed, long k, float low, float high) {
        Operand<TFloat32> u =
                tf.random.statelessRandomUniform(tf.constant(new int[0]), StatelessDraws.draw(tf, seed, k));
        return tf.math.add(tf.math.mul(u, tf.constant(high - low)), tf.constant(low));
    }

    private static Operand<TInt32> element(Ops tf, Operand<TInt32> vector, int index) {
        return tf.gather(vector, tf.constant(index), tf.constant(0));
    }
}
