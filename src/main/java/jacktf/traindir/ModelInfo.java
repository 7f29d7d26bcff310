package jacktf.traindir;

import jacktf.data.VggPreprocessing;
import jacktf.runtime.AtomicFiles;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * What a trained model needs besides its weights and labels: the image size it was trained at
 * (eval, predict, extract and export preprocess the same way) and how its validation images were
 * held out (eval picks the same ones). Stored as {@code jacktf.properties}; {@link TrainDir} decides
 * where, this record owns the format.
 *
 * @param imageSize the side of the square images the network was trained on
 * @param validationSplit the fraction of each class held out for validation (0: none)
 * @param splitSeed the seed of that hold-out
 */
public record ModelInfo(int imageSize, double validationSplit, long splitSeed) {
    /** The file's name in a train dir and in a SavedModel's {@code assets/}. */
    public static final String FILE_NAME = "jacktf.properties";

    /**
     * What a checkpoint without the file (e.g. a slim zoo file) is taken to be: slim's 224 pixels, no
     * hold-out.
     */
    public static ModelInfo defaults() {
        return new ModelInfo(VggPreprocessing.DEFAULT_IMAGE_SIZE, 0, 0);
    }

    /** Writes the properties to {@code file}, atomically. */
    public void writeFile(Path file) throws IOException {
        Properties p = new Properties();
        p.setProperty("image_size", Integer.toString(imageSize));
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
        try {
            return new ModelInfo(
                    Integer.parseInt(p.getProperty("image_size", "224").trim()),
                    Double.parseDouble(p.getProperty("validation_split", "0").trim()),
                    Long.parseLong(p.getProperty("split_seed", "0").trim()));
        } catch (NumberFormatException e) {
            throw new IOException(file + ": a value is not a number");
        }
    }
}
