package jacktf.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What the extension hands a test, and that it cleans up after it. */
@ExtendWith(JacktfExtension.class)
class JacktfExtensionTest {
    static final List<Path> handedOut = new CopyOnWriteArrayList<>();

    @AfterAll
    static void everyTemporaryDirectoryIsGone() {
        assertFalse(handedOut.isEmpty());
        for (Path p : handedOut) {
            assertFalse(Files.exists(p), p + " outlived its test");
        }
    }

    @Test
    void trainDirIsFreshAndInsideAnExistingTemporaryDirectory(@TempTrainDir Path trainDir, @TempTrainDir Path other) {
        assertFalse(Files.exists(trainDir), "the Trainer creates it");
        assertTrue(Files.isDirectory(trainDir.getParent()));
        assertTrue(Files.isDirectory(other.getParent()));
        assertFalse(trainDir.getParent().equals(other.getParent()), "two parameters, two directories");
        handedOut.add(trainDir.getParent());
        handedOut.add(other.getParent());
    }

    @Test
    void jpegAndPngAreRealFilesOfTheirFormat(SampleImages images) throws IOException {
        handedOut.add(images.directory());
        Path jpeg = images.jpeg("circle");
        Path png = images.png("star", 64);
        byte[] j = Files.readAllBytes(jpeg);
        byte[] p = Files.readAllBytes(png);
        assertArrayEquals(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF}, Arrays.copyOf(j, 3), "JPEG SOI marker");
        assertArrayEquals(
                new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}, Arrays.copyOf(p, 8), "PNG signature");
        BufferedImage decodedJpeg = ImageIO.read(jpeg.toFile());
        BufferedImage decodedPng = ImageIO.read(png.toFile());
        assertEquals(40, decodedJpeg.getWidth());
        assertEquals(40, decodedJpeg.getHeight());
        assertEquals(64, decodedPng.getWidth());
        assertFalse(Arrays.equals(j, Files.readAllBytes(images.jpeg("circle"))), "each call draws a new image");
    }

    @Test
    void datasetHasOneFolderPerClassWithTheAskedNumberOfJpegs(SampleImages images) throws IOException {
        handedOut.add(images.directory());
        Path data = images.dataset(List.of("square", "hexagon"), 5, 48);
        try (Stream<Path> classes = Files.list(data)) {
            assertEquals(
                    List.of("hexagon", "square"),
                    classes.map(c -> c.getFileName().toString()).sorted().toList());
        }
        for (String c : List.of("square", "hexagon")) {
            try (Stream<Path> files = Files.list(data.resolve(c))) {
                List<Path> jpegs = files.toList();
                assertEquals(5, jpegs.size());
                assertEquals(48, ImageIO.read(jpegs.get(0).toFile()).getWidth());
            }
        }
    }

    @Test
    void unknownShapeAndOneClassAreRefusedWithTheChoices(SampleImages images) {
        handedOut.add(images.directory());
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class, () -> images.jpeg("cat"));
        assertEquals(
                "Unknown shape. Received: 'cat', expected one of [circle, square, triangle, cross, ring, star, "
                        + "diamond, hexagon, crescent, stripes, dots, arrow]",
                shape.getMessage());
        IllegalArgumentException one =
                assertThrows(IllegalArgumentException.class, () -> images.dataset(List.of("circle"), 3, 40));
        assertEquals("A classifier dataset needs at least two classes. Received: [circle]", one.getMessage());
    }
}
