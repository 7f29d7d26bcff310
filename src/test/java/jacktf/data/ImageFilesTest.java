package jacktf.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jacktf.TestData;
import jacktf.runtime.Sessions;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TFInvalidArgumentException;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TUint8;

/**
 * The JPEG header check against TF's own decoder: what TF decodes is accepted, what TF rejects is
 * rejected. TF decodes through the pipeline's decode op ({@link VggPreprocessing#decode}).
 */
class ImageFilesTest {

    /** TF's decoded pixels of {@code file}, or null when TF refuses the file. */
    private static byte[] decodeWithTf(Path file) {
        try (Graph g = new Graph();
                Session s = Sessions.open(g)) {
            Ops tf = Ops.create(g);
            Operand<TUint8> image = VggPreprocessing.decode(tf, tf.io.readFile(tf.constant(file.toString())));
            try (Result r = s.runner().fetch(image).run()) {
                TUint8 t = (TUint8) r.get(0);
                byte[] out = new byte[(int) t.shape().size()];
                t.asRawTensor().data().read(out);
                return out;
            }
        } catch (TFInvalidArgumentException refused) { // "jpeg::Uncompress failed. Invalid JPEG data ..."
            return null;
        }
    }

    private static Path write(Path dir, String name, byte[]... parts) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.write(p);
        }
        return Files.write(dir.resolve(name), out.toByteArray());
    }

    /** Bytes without an FF D9 pair, like a video stream that happens to contain none. */
    private static byte[] noEndMarker(int n) {
        byte[] b = new byte[n];
        new Random(5).nextBytes(b);
        for (int i = 0; i < n; i++) {
            if (b[i] == (byte) 0xff) {
                b[i] = (byte) 0xfe;
            }
        }
        return b;
    }

    @Test
    void jpegsWithTrailingBytesAreAcceptedAndDecodeToTheOriginalPixels(@TempDir Path dir) throws IOException {
        byte[] cat = Files.readAllBytes(TestData.images().resolve("cat.jpg"));
        byte[] dog = Files.readAllBytes(TestData.images().resolve("dog.jpg"));
        byte[] original = decodeWithTf(TestData.images().resolve("cat.jpg"));
        assertNotNull(original, "TF decodes the original");
        Path[] variants = {
            write(dir, "motion.jpg", cat, dog), // a second JPEG appended, as motion photos do with their video
            write(dir, "zeros.jpg", cat, new byte[4096]), // padding
            write(dir, "video.jpg", cat, noEndMarker(300_000)), // a trailer bigger than the end window
            write(dir, "exif.jpg", cat, "<x:xmpmeta>appended metadata</x:xmpmeta>".getBytes()),
        };
        for (Path v : variants) {
            ImageFiles.ImageInfo info = ImageFiles.inspect(v);
            assertNull(info.problem(), v.getFileName() + ": " + info.problem());
            assertEquals("jpeg", info.format());
            ImageFiles.ImageInfo plain = ImageFiles.inspect(TestData.images().resolve("cat.jpg"));
            assertEquals(plain.width(), info.width());
            assertEquals(plain.height(), info.height());
            assertEquals(plain.channels(), info.channels());
            byte[] decoded = decodeWithTf(v);
            assertNotNull(decoded, "TF decodes " + v.getFileName());
            assertArrayEquals(original, decoded, v.getFileName() + " decodes to the original's pixels");
        }
    }

    @Test
    void aFrameHeaderBeyondTheFirst64KbIsFound(@TempDir Path dir) throws IOException {
        byte[] cat = Files.readAllBytes(TestData.images().resolve("cat.jpg"));
        // SOI, then four 60000-byte APP9 segments (as big EXIF/ICC blocks push the frame header back)
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(cat, 0, 2);
        for (int i = 0; i < 4; i++) {
            out.write(new byte[] {(byte) 0xff, (byte) 0xe9, (byte) (60000 >> 8), (byte) (60000 & 0xff)});
            out.write(new byte[60000 - 2]);
        }
        out.write(cat, 2, cat.length - 2);
        Path big = Files.write(dir.resolve("big_metadata.jpg"), out.toByteArray());
        ImageFiles.ImageInfo info = ImageFiles.inspect(big);
        ImageFiles.ImageInfo plain = ImageFiles.inspect(TestData.images().resolve("cat.jpg"));
        assertNull(info.problem(), info.problem());
        assertEquals(plain.width(), info.width());
        assertEquals(plain.height(), info.height());
        assertArrayEquals(decodeWithTf(TestData.images().resolve("cat.jpg")), decodeWithTf(big));
    }

    @Test
    void pngAndGifWithTrailingBytesAreAcceptedAndCutOnesRejectedAsTfDoes(@TempDir Path dir) throws IOException {
        BufferedImage image = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(9);
        for (int y = 0; y < 48; y++) {
            for (int x = 0; x < 64; x++) {
                image.setRGB(x, y, random.nextInt(8) * 0x202020);
            }
        }
        for (String format : new String[] {"png", "gif"}) {
            ByteArrayOutputStream encoded = new ByteArrayOutputStream();
            ImageIO.write(image, format, encoded);
            byte[] bytes = encoded.toByteArray();
            byte[] original = decodeWithTf(write(dir, "plain." + format, bytes));
            assertNotNull(original, format);
            for (int trailer : new int[] {16, 4096, 100_000}) {
                Path file = write(dir, "trailer" + trailer + "." + format, bytes, noEndMarker(trailer));
                ImageFiles.ImageInfo info = ImageFiles.inspect(file);
                assertNull(info.problem(), file.getFileName() + ": " + info.problem());
                assertEquals(64, info.width());
                assertEquals(48, info.height());
                assertArrayEquals(
                        original, decodeWithTf(file), file.getFileName() + " decodes to the original's pixels");
            }
            Path cut = write(dir, "cut." + format, Arrays.copyOf(bytes, bytes.length / 2));
            Path cutPadded = write(dir, "cut_padded." + format, Arrays.copyOf(bytes, bytes.length / 2), new byte[4096]);
            for (Path file : new Path[] {cut, cutPadded}) {
                ImageFiles.ImageInfo info = ImageFiles.inspect(file);
                assertTrue(
                        info.problem() != null && info.problem().contains("truncated"), file + ": " + info.problem());
                assertNull(decodeWithTf(file), "TF refuses " + file.getFileName());
            }
        }
    }

    @Test
    void jpegsCutInsideTheScanAreStillRejectedAsTfRejectsThem(@TempDir Path dir) throws IOException {
        byte[] cat = Files.readAllBytes(TestData.images().resolve("cat.jpg"));
        // cat.jpg's scan starts at byte 1349 of 140391: every cut below is inside the entropy-coded data
        Path half = write(dir, "half.jpg", Arrays.copyOf(cat, cat.length / 2));
        // every scan byte but no EOI: TF's libjpeg source (try_recover_truncated off) refuses it too
        Path nearlyAll = write(dir, "nearly.jpg", Arrays.copyOf(cat, cat.length - 2));
        Path cutThenPadded = write(dir, "cut_padded.jpg", Arrays.copyOf(cat, cat.length / 2), noEndMarker(70_000));
        for (Path cut : new Path[] {half, cutThenPadded, nearlyAll}) {
            ImageFiles.ImageInfo info = ImageFiles.inspect(cut);
            assertFalse(info.usable(), cut.getFileName() + " accepted");
            assertTrue(info.problem().contains("truncated"), info.problem());
            assertNull(decodeWithTf(cut), "TF refuses " + cut.getFileName());
        }
    }

    @Test
    void anEndMarkerInsideTheHeaderDoesNotPassForTheImageEnd(@TempDir Path dir) throws IOException {
        byte[] cat = Files.readAllBytes(TestData.images().resolve("cat.jpg"));
        // cut just after the scan header: a frame header but almost no image data
        Path cut = write(dir, "header_only.jpg", Arrays.copyOf(cat, 1400));
        assertFalse(ImageFiles.inspect(cut).usable());
        assertNull(decodeWithTf(cut));
    }
}
