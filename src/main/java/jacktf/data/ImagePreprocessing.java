package jacktf.data;

import jacktf.config.Preprocessing;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;

/**
 * One of slim's preprocessing functions as graph ops, at one image size: a decoded uint8 image
 * [H, W, 3] to the network's float32 input [S, S, 3]. {@link #of} picks it by its {@link Preprocessing} name.
 */
public sealed interface ImagePreprocessing permits VggPreprocessing, InceptionPreprocessing {

    /** The preprocessing {@code name} at {@code imageSize} pixels square. */
    static ImagePreprocessing of(Preprocessing name, int imageSize) {
        return switch (name) {
            case VGG -> new VggPreprocessing(imageSize);
            case INCEPTION -> new InceptionPreprocessing(imageSize);
        };
    }

    /** Which one this is (what the train dir records). */
    Preprocessing name();

    /** The side of the square output. */
    int imageSize();

    /**
     * Training preprocessing (augmented). Randomness is stateless, a function of {@code seed} (int64 [2]:
     * run seed, element index), so every element is augmented the same way in a resumed run.
     */
    Operand<TFloat32> train(Ops tf, Operand<TUint8> image, Operand<TInt64> seed);

    /** Evaluation preprocessing (deterministic): what eval, predict, extract, export and serve apply. */
    Operand<TFloat32> eval(Ops tf, Operand<TUint8> image);

    /** Preprocessed images (any shape ending in 3 channels) back to RGB in [0, 255], for image summaries. */
    Operand<TFloat32> toRgb(Ops tf, Operand<TFloat32> images);
}
