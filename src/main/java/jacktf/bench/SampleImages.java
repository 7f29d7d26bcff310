package jacktf.bench;

import jacktf.data.ImageFolder;
import jacktf.data.SyntheticImages;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * The benchmark's input images: ~500x375 JPEGs, the size of typical photo datasets (Kaggle's dogs
 * vs cats), written once under the work directory and reused by later runs.
 */
final class SampleImages {
    private static final int COUNT = 64;

    private SampleImages() {}

    /** The folder of photo-sized JPEGs (two class folders), written on first use. */
    static Path folder(Path work) throws IOException {
        Path images = work.resolve("pipeline_jpegs");
        if (!Files.isDirectory(images)) {
            writePhotoSizedJpegs(images, COUNT);
        }
        return images;
    }

    /** The bytes of one photo-sized JPEG. */
    static byte[] oneJpeg(Path work) throws IOException {
        return Files.readAllBytes(
                ImageFolder.load(folder(work), 0, 0).train().examples().get(0).file());
    }

    /** Written beside the target and moved into place, so an interrupted run leaves no half folder. */
    private static void writePhotoSizedJpegs(Path dir, int count) throws IOException {
        Path tmp = dir.resolveSibling(dir.getFileName() + ".tmp");
        SyntheticImages.generate(tmp, 2, count / 2, 500, 7, 0, SyntheticImages.Layout.FOLDERS);
        try (var files = Files.walk(tmp)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                BufferedImage square = ImageIO.read(f.toFile());
                ImageIO.write(square.getSubimage(0, 62, 500, 375), "jpg", f.toFile());
            }
        }
        Files.move(tmp, dir);
    }
}
