package jacktf.testing;

import jacktf.data.SyntheticImages;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Synthetic images written as real files for a test: single JPEG or PNG images of a named shape
 * and whole image-folder datasets, drawn by {@link SyntheticImages} from seeds that the
 * {@link PretrainedCheckpoint}'s training data does not use, so they are unseen images. Every
 * file lives in a temporary directory that {@link JacktfExtension} deletes after the test.
 */
public final class SampleImages {
    /** Seeds of sample images start here; the pretraining data uses seed {@value PretrainedCheckpoint#DATA_SEED}. */
    private static final long FIRST_SEED = 1000;

    private final Path dir;
    private final AtomicLong next = new AtomicLong(FIRST_SEED);

    SampleImages(Path dir) {
        this.dir = dir;
    }

    /** The directory the files are written to. */
    public Path directory() {
        return dir;
    }

    /**
     * A JPEG of {@code shape} (one of {@link SyntheticImages#SHAPES}) at {@code size} pixels, each
     * call a new image.
     */
    public Path jpeg(String shape, int size) throws IOException {
        return draw(shape, size);
    }

    /** A JPEG of {@code shape} at 40 pixels, the size the pretrained checkpoint's images were drawn at. */
    public Path jpeg(String shape) throws IOException {
        return jpeg(shape, PretrainedCheckpoint.DRAWN_SIZE);
    }

    /** A lossless PNG of {@code shape} at {@code size} pixels (the JPEG's pixels, re-encoded), each call a new image. */
    public Path png(String shape, int size) throws IOException {
        Path jpeg = draw(shape, size);
        BufferedImage image = ImageIO.read(jpeg.toFile());
        Path png = jpeg.resolveSibling(jpeg.getFileName().toString().replace(".jpg", ".png"));
        if (!ImageIO.write(image, "png", png.toFile())) {
            throw new IOException("This JVM has no PNG writer");
        }
        Files.delete(jpeg);
        return png;
    }

    /** A PNG of {@code shape} at 40 pixels. */
    public Path png(String shape) throws IOException {
        return png(shape, PretrainedCheckpoint.DRAWN_SIZE);
    }

    /**
     * An image-folder dataset ({@code DIR/<class>/*.jpg}) of {@code perClass} new JPEGs of each of
     * {@code shapes}, drawn at {@code size} pixels: what {@code TrainConfig.builder(datasetDir, ..)} takes.
     */
    public Path dataset(List<String> shapes, int perClass, int size) throws IOException {
        if (shapes.size() < 2) {
            throw new IllegalArgumentException("A classifier dataset needs at least two classes. Received: " + shapes);
        }
        Path dataset = Files.createDirectories(dir.resolve("dataset-" + next.getAndIncrement()));
        for (String shape : shapes) {
            int index = shapeIndex(shape);
            // generate() names the folder after the shape; one call per class keeps the caller's choice of classes.
            SyntheticImages.generate(
                    dataset, 1, perClass, size, next.getAndIncrement(), index, SyntheticImages.Layout.FOLDERS);
        }
        return dataset;
    }

    private Path draw(String shape, int size) throws IOException {
        int index = shapeIndex(shape);
        long seed = next.getAndIncrement();
        Path scratch = Files.createDirectories(dir.resolve("scratch-" + seed));
        SyntheticImages.generate(scratch, 1, 1, size, seed, index, SyntheticImages.Layout.FLAT);
        Path drawn;
        try (Stream<Path> files = Files.list(scratch)) {
            drawn = files.findFirst().orElseThrow(() -> new IOException("SyntheticImages wrote nothing to " + scratch));
        }
        Path file = dir.resolve(shape + "-" + seed + ".jpg");
        Files.move(drawn, file);
        Files.delete(scratch);
        return file;
    }

    private static int shapeIndex(String shape) {
        int index = SyntheticImages.SHAPES.indexOf(shape);
        if (index < 0) {
            throw new IllegalArgumentException(
                    "Unknown shape. Received: '" + shape + "', expected one of " + SyntheticImages.SHAPES);
        }
        return index;
    }
}
