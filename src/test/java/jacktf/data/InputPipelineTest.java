package jacktf.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jacktf.TestData;
import jacktf.model.ModelGraph;
import jacktf.model.TestVariables;
import jacktf.runtime.Sessions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TFOutOfRangeException;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;

class InputPipelineTest {

    record Read(List<float[]> images, List<Long> labels, List<String> files) {}

    static Read readAll(ImageDataset d, InputPipeline.Config config, int maxBatches) {
        return readAll(d, config, maxBatches, 0);
    }

    static Read readAll(ImageDataset d, InputPipeline.Config config, int maxBatches, long skip) {
        try (Graph g = new Graph()) {
            ModelGraph mg = ModelGraph.local(g);
            InputPipeline p = InputPipeline.build(mg, "input", d, config);
            List<float[]> images = new ArrayList<>();
            List<Long> labels = new ArrayList<>();
            List<String> files = new ArrayList<>();
            try (Session s = Sessions.open(g)) {
                try (TInt64 skipped = TInt64.scalarOf(skip)) {
                    s.runner()
                            .feed(p.skip(), skipped)
                            .addTarget(p.initializer())
                            .run();
                }
                for (int b = 0; b < maxBatches; b++) {
                    try (Result r = s.runner()
                            .fetch(p.images())
                            .fetch(p.labels())
                            .fetch(p.files())
                            .run()) {
                        float[] batch = TestVariables.toArray(r.get(0));
                        int n = (int) r.get(0).shape().get(0);
                        int per = batch.length / n;
                        assertEquals(config.imageSize() * config.imageSize() * 3, per);
                        for (int i = 0; i < n; i++) {
                            images.add(Arrays.copyOfRange(batch, i * per, (i + 1) * per));
                            labels.add(((TInt64) r.get(1)).getLong(i));
                            files.add(((TString) r.get(2)).getObject(i));
                        }
                    } catch (TFOutOfRangeException end) {
                        break;
                    }
                }
            }
            return new Read(images, labels, files);
        }
    }

    @Test
    void realPhotosDecodeTo224x224x3(@TempDir Path dir) throws IOException {
        // the real photos (../shared/testdata): cat_2.jpg progressive, cat_gray.jpg single-channel
        Path cats = Files.createDirectories(dir.resolve("cat"));
        Path dogs = Files.createDirectories(dir.resolve("dog"));
        for (String f : List.of("cat.jpg", "cat_2.jpg", "cat_gray.jpg")) {
            Files.copy(TestData.images().resolve(f), cats.resolve(f));
        }
        for (String f : List.of("dog.jpg", "dog1.jpg")) {
            Files.copy(TestData.images().resolve(f), dogs.resolve(f));
        }
        assertFiveDecodeTo224x224x3(dir, cats.resolve("cat_gray.jpg"));
    }

    @Test
    void tfWrittenProgressiveAndGrayscaleJpegsDecodeTo224x224x3(@TempDir Path dir) throws IOException {
        // the same kinds written by TF's own encoder, so a clone with nothing beside it checks them too
        Path cats = Files.createDirectories(dir.resolve("cat"));
        Path dogs = Files.createDirectories(dir.resolve("dog"));
        TestImages.tfJpeg(cats.resolve("cat.jpg"), 480, 360, TestImages.JpegKind.BASELINE_RGB);
        TestImages.tfJpeg(cats.resolve("cat_2.jpg"), 400, 300, TestImages.JpegKind.PROGRESSIVE_RGB);
        TestImages.tfJpeg(cats.resolve("cat_gray.jpg"), 300, 400, TestImages.JpegKind.GRAYSCALE);
        TestImages.tfJpeg(dogs.resolve("dog.jpg"), 256, 256, TestImages.JpegKind.PROGRESSIVE_RGB);
        TestImages.tfJpeg(dogs.resolve("dog1.jpg"), 200, 150, TestImages.JpegKind.BASELINE_RGB);
        // they are what they are named: one channel; a progressive frame header (SOF2, FF C2)
        assertEquals(1, ImageFiles.inspect(cats.resolve("cat_gray.jpg")).channels());
        byte[] progressive = Files.readAllBytes(cats.resolve("cat_2.jpg"));
        boolean sof2 = false;
        for (int i = 0; i + 1 < progressive.length && !sof2; i++) {
            sof2 = progressive[i] == (byte) 0xff && progressive[i + 1] == (byte) 0xc2;
        }
        assertTrue(sof2, "EncodeJpeg(progressive=true) wrote a progressive JPEG");
        assertFiveDecodeTo224x224x3(dir, cats.resolve("cat_gray.jpg"));
    }

    /** dir's cat/ (3 images) and dog/ (2): all usable, labelled by folder, the gray one's channels equal. */
    private static void assertFiveDecodeTo224x224x3(Path dir, Path grayFile) throws IOException {
        ImageDataset d = ImageFolder.load(dir, 0, 0).train();
        assertEquals(5, d.size(), "progressive and grayscale JPEGs are usable: " + d.rejected());
        Read read = readAll(d, InputPipeline.Config.evaluation(2, 224), 10);
        assertEquals(5, read.images().size());
        for (int i = 0; i < 5; i++) {
            String name = Path.of(read.files().get(i)).getFileName().toString();
            assertEquals(name.startsWith("cat") ? 0L : 1L, read.labels().get(i), name);
        }
        // grayscale: all three channels equal after mean subtraction is undone
        int gray = read.files().indexOf(grayFile.toString());
        float[] g = read.images().get(gray);
        for (int i = 0; i < g.length; i += 3) {
            assertEquals(g[i] + VggPreprocessing.RGB_MEANS[0], g[i + 1] + VggPreprocessing.RGB_MEANS[1], 1e-3f);
            assertEquals(g[i] + VggPreprocessing.RGB_MEANS[0], g[i + 2] + VggPreprocessing.RGB_MEANS[2], 1e-3f);
        }
    }

    /** TF1 resize_bilinear (align_corners=False, half_pixel_centers=False) written out. */
    static float bilinear(int[][] channel, int inH, int inW, int outH, int outW, int y, int x) {
        double sy = y * (double) inH / outH;
        double sx = x * (double) inW / outW;
        int y0 = (int) Math.floor(sy);
        int x0 = (int) Math.floor(sx);
        int y1 = Math.min(y0 + 1, inH - 1);
        int x1 = Math.min(x0 + 1, inW - 1);
        double dy = sy - y0;
        double dx = sx - x0;
        double top = channel[y0][x0] + (channel[y0][x1] - channel[y0][x0]) * dx;
        double bottom = channel[y1][x0] + (channel[y1][x1] - channel[y1][x0]) * dx;
        return (float) (top + (bottom - top) * dy);
    }

    @Test
    void evalPreprocessingMatchesAHandComputation(@TempDir Path dir) throws IOException {
        int w = 12;
        int h = 10;
        int[] rgb = new int[w * h];
        Random random = new Random(1);
        int[][][] channels = new int[3][h][w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int r = random.nextInt(256);
                int gr = random.nextInt(256);
                int b = random.nextInt(256);
                rgb[y * w + x] = (r << 16) | (gr << 8) | b;
                channels[0][y][x] = r;
                channels[1][y][x] = gr;
                channels[2][y][x] = b;
            }
        }
        Files.createDirectories(dir.resolve("a"));
        TestImages.png(dir.resolve("a/img.png"), w, h, rgb);
        int size = 8;
        VggPreprocessing vgg = new VggPreprocessing(size);
        assertEquals(9, vgg.resizeSideMin(), "256 * 8 / 224 rounded");
        // smaller side 10 -> 9: scale 0.9, new size rint(9) x rint(10.8) = 9 x 11; central crop offsets 0, 1
        int newH = 9;
        int newW = 11;
        int offH = (newH - size) / 2;
        int offW = (newW - size) / 2;
        float[] expected = new float[size * size * 3];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                for (int c = 0; c < 3; c++) {
                    expected[(y * size + x) * 3 + c] =
                            bilinear(channels[c], h, w, newH, newW, y + offH, x + offW) - VggPreprocessing.RGB_MEANS[c];
                }
            }
        }
        Read read = readAll(ImageFolder.load(dir, 0, 0).train(), InputPipeline.Config.evaluation(1, size), 2);
        assertArrayEquals(expected, read.images().get(0), 1e-3f);
    }

    @Test
    void trainingCropsFlipsAndReshufflesEachEpoch(@TempDir Path dir) throws IOException {
        SyntheticImages.generate(dir, 2, 4, 48, 3, 0, SyntheticImages.Layout.FOLDERS);
        ImageDataset d = ImageFolder.load(dir, 0, 0).train();
        Read read = readAll(d, InputPipeline.Config.training(4, 32, 11), 6); // 3 epochs of 8
        assertEquals(24, read.images().size());
        List<List<String>> epochs = List.of(
                read.files().subList(0, 8),
                read.files().subList(8, 16),
                read.files().subList(16, 24));
        for (List<String> epoch : epochs) {
            assertEquals(8, new HashSet<>(epoch).size(), "each epoch sees every file once");
        }
        assertTrue(!epochs.get(0).equals(epochs.get(1)) || !epochs.get(1).equals(epochs.get(2)), "reshuffled");
        Set<String> distinct = new HashSet<>();
        for (int i = 0; i < 24; i++) {
            distinct.add(Arrays.toString(Arrays.copyOf(read.images().get(i), 12)));
        }
        assertTrue(distinct.size() > 16, "random crops/flips differ between epochs: " + distinct.size());
        Read again = readAll(d, InputPipeline.Config.training(4, 32, 11), 2);
        assertEquals(read.files().subList(0, 8), again.files(), "same seed, same order");
    }

    @Test
    void aResumedRunSeesExactlyTheElementsThatWereLeft(@TempDir Path dir) throws IOException {
        SyntheticImages.generate(dir, 2, 4, 48, 3, 0, SyntheticImages.Layout.FOLDERS);
        ImageDataset d = ImageFolder.load(dir, 0, 0).train();
        Read whole = readAll(d, InputPipeline.Config.training(4, 32, 5), 5);
        Read rest = readAll(d, InputPipeline.Config.training(4, 32, 5), 2, 12);
        assertEquals(whole.files().subList(12, 20), rest.files());
        for (int i = 0; i < 8; i++) {
            assertArrayEquals(
                    whole.images().get(12 + i), rest.images().get(i), 0f, "same augmentation of element " + (12 + i));
        }
    }

    @Test
    void aPngNamedJpgDecodesByItsContent(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("a"));
        int[] red = new int[16 * 16];
        Arrays.fill(red, 0xff0000);
        TestImages.png(dir.resolve("a/really_a_png.jpg"), 16, 16, red);
        ImageDataset d = ImageFolder.load(dir, 0, 0).train();
        assertEquals(1, d.size(), d.rejected().toString());
        Read read = readAll(d, InputPipeline.Config.evaluation(1, 8), 2);
        assertEquals(255 - VggPreprocessing.RGB_MEANS[0], read.images().get(0)[0], 1e-3f);
    }

    @Test
    void aFileThatFailsToDecodeIsSkipped(@TempDir Path dir) throws IOException {
        SyntheticImages.generate(dir, 2, 3, 48, 3, 0, SyntheticImages.Layout.FOLDERS);
        Path victim = dir.resolve("circle/circle_0001.jpg");
        byte[] bytes = Files.readAllBytes(victim);
        for (int i = 200; i < bytes.length - 2; i++) {
            bytes[i] = (byte) 0xff; // header and end marker intact, entropy data garbage
        }
        Files.write(victim, bytes);
        ImageDataset d = ImageFolder.load(dir, 0, 0).train();
        assertEquals(6, d.size(), "passes the header check");
        Read read = readAll(d, InputPipeline.Config.evaluation(4, 32), 10);
        assertEquals(5, read.images().size());
        assertTrue(!read.files().contains(victim.toString()));
    }

    @Test
    void aDatasetOfWhichNothingDecodesIsFoundBeforeTraining(@TempDir Path dir) throws IOException {
        SyntheticImages.generate(dir, 2, 2, 48, 3, 0, SyntheticImages.Layout.FOLDERS);
        ImageDataset before = ImageFolder.load(dir, 0, 0).train();
        assertTrue(InputPipeline.anyDecodable(before));
        for (String file : before.files()) {
            byte[] bytes = Files.readAllBytes(Path.of(file));
            for (int i = 200; i < bytes.length - 2; i++) {
                bytes[i] = (byte) 0xff; // header and end marker intact, entropy data garbage
            }
            Files.write(Path.of(file), bytes);
        }
        ImageDataset garbled = ImageFolder.load(dir, 0, 0).train();
        assertEquals(4, garbled.size(), "every file passes the header check");
        assertFalse(InputPipeline.anyDecodable(garbled));
    }
}
