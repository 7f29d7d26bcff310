package jacktf.traindir;

import jacktf.checkpoint.ZooCheckpoint;
import jacktf.config.JacktfException;
import jacktf.config.Preprocessing;
import jacktf.data.ImagePreprocessing;
import jacktf.data.VggPreprocessing;
import jacktf.runtime.AtomicFiles;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Properties;

/**
 * What a trained model needs besides its weights and labels: the image size and preprocessing it was
 * trained with (eval, predict, extract and export preprocess the same way) and how its validation images
 * were held out (eval picks the same ones). Stored as {@code jacktf.properties}; {@link TrainDir} decides
 * where, this record owns the format. A file written before a key existed reads that key's
 * {@link #defaults()} value (a train dir without {@code preprocessing_name} was trained with vgg).
 *
 * @param imageSize the side of the square images the network was trained on
 * @param preprocessing slim's preprocessing function it was trained with ({@code preprocessing_name})
 * @param validationSplit the fraction of each class held out for validation (0: none)
 * @param splitSeed the seed of that hold-out
 */
public record ModelInfo(int imageSize, Preprocessing preprocessing, double validationSplit, long splitSeed) {
    /** The file's name in a train dir and in a SavedModel's {@code assets/}. */
    public static final String FILE_NAME = "jacktf.properties";

    public ModelInfo {
        Objects.requireNonNull(preprocessing, "preprocessing");
    }

    /** The preprocessing function this model's images go through, at its image size. */
    public ImagePreprocessing imagePreprocessing() {
        return ImagePreprocessing.of(preprocessing, imageSize);
    }

    /**
     * What a checkpoint without the file (e.g. a slim zoo file) is taken to be: slim's 224 pixels, vgg
     * preprocessing (slim's for resnet_v1), no hold-out.
     */
    public static ModelInfo defaults() {
        return new ModelInfo(VggPreprocessing.DEFAULT_IMAGE_SIZE, Preprocessing.VGG, 0, 0);
    }

    /**
     * What a checkpoint of the network slim's nets_factory names {@code networkName} is taken to be without the
     * file (a zoo checkpoint unpacked by hand): its zoo entry's eval size and preprocessing ({@link ZooCheckpoint},
     * e.g. inception at 299 for inception_v3 and resnet_v2_50), else {@link #defaults()} (null, or a network
     * without a zoo entry).
     */
    public static ModelInfo defaultsFor(String networkName) {
        return ZooCheckpoint.find(networkName)
                .map(zoo -> new ModelInfo(zoo.evalImageSize(), zoo.preprocessing(), 0, 0))
                .orElse(defaults());
    }

    /** Writes the properties to {@code file}, atomically. */
    public void writeFile(Path file) throws IOException {
        Properties p = new Properties();
        p.setProperty("image_size", Integer.toString(imageSize));
        p.setProperty("preprocessing_name", preprocessing.toString());
        p.setProperty("validation_split", Double.toString(validationSplit));
        p.setProperty("split_seed", Long.toString(splitSeed));
        StringWriter text = new StringWriter();
        p.store(text, "jacktf model information");
        AtomicFiles.writeString(file, text.toString());
    }

    /** Reads {@code file}; a missing key takes its {@link #defaults()} value. */
    public static ModelInfo readFile(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        String preprocessing = p.getProperty("preprocessing_name", Preprocessing.VGG.toString())
                .trim();
        Preprocessing name;
        try {
            name = Preprocessing.byName(preprocessing);
        } catch (JacktfException e) {
            throw new IOException(file + ": preprocessing_name '" + preprocessing + "' is unknown, expected one of "
                    + Preprocessing.names() + "; fix the file or train again");
        }
        try {
            return new ModelInfo(
                    Integer.parseInt(p.getProperty("image_size", "224").trim()),
                    name,
                    Double.parseDouble(p.getProperty("validation_split", "0").trim()),
                    Long.parseLong(p.getProperty("split_seed", "0").trim()));
        } catch (NumberFormatException e) {
            throw new IOException(file + ": a value is not a number");
        }
    }
}
