package jacktf.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jacktf.config.Preprocessing;
import jacktf.model.TestVariables;
import jacktf.runtime.Sessions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;

/**
 * slim's {@code inception_preprocessing} against its definition: the eval path against a Java rewrite of
 * {@code central_crop} + TF1 {@code resize_bilinear} + the scaling, the train path's random ops by what they
 * do to images whose content gives the crop, the flip and the colour change away.
 */
class InceptionPreprocessingTest {
    private static final long RUN_SEED = 7;

    /** An image as [H][W][3] values in 0..255. */
    private static int[][][] image(int h, int w, PixelFunction f) {
        int[][][] img = new int[h][w][3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    img[y][x][c] = f.value(y, x, c);
                }
            }
        }
        return img;
    }

    interface PixelFunction {
        int value(int y, int x, int c);
    }

    /** The preprocessing built once with the image and the element index fed: one session for many runs. */
    private static final class Runner implements AutoCloseable {
        private final Graph graph = new Graph();
        private final Session session = Sessions.open(graph);
        private final int size;
        private final Placeholder<TInt32> image;
        private final Placeholder<TInt64> index;
        private final Operand<TFloat32> train;
        private final Operand<TFloat32> eval;

        Runner(ImagePreprocessing p) {
            size = p.imageSize();
            Ops tf = Ops.create(graph);
            image = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, -1, 3)));
            index = tf.placeholder(TInt64.class, Placeholder.shape(Shape.scalar()));
            Operand<TUint8> pixels = tf.dtypes.cast(image, TUint8.class);
            train = p.train(tf, pixels, tf.stack(List.of(tf.constant(RUN_SEED), index)));
            eval = p.eval(tf, pixels);
        }

        /** Train with (RUN_SEED, index). */
        float[] train(int[][][] img, long i) {
            try (TInt64 at = TInt64.scalarOf(i)) {
                return run(img, train, at);
            }
        }

        float[] eval(int[][][] img) {
            return run(img, eval, null);
        }

        private float[] run(int[][][] img, Operand<TFloat32> out, TInt64 at) {
            int h = img.length;
            int w = img[0].length;
            int[] flat = new int[h * w * 3];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    System.arraycopy(img[y][x], 0, flat, (y * w + x) * 3, 3);
                }
            }
            try (TInt32 pixels = TInt32.tensorOf(Shape.of(h, w, 3), DataBuffers.of(flat))) {
                Session.Runner runner = session.runner().feed(image, pixels);
                if (at != null) {
                    runner.feed(index, at);
                }
                try (Result r = runner.fetch(out).run()) {
                    assertEquals(Shape.of(size, size, 3), r.get(0).shape());
                    return TestVariables.toArray(r.get(0));
                }
            }
        }

        @Override
        public void close() {
            session.close();
            graph.close();
        }
    }

    /**
     * {@code tf.image.central_crop(image, 0.875)}: start {@code int((H - H * 0.875) / 2)}, the same margin on the
     * far side; then {@code resize_bilinear(align_corners=False)} with TF1's source coordinate dst * in / out
     * (no half-pixel centres; the last row/column repeats at the edge); then x / 255, (x - 0.5) * 2.
     */
    private static float[] slimEval(int[][][] img, int size) {
        int h = img.length;
        int w = img[0].length;
        int startH = (int) ((h - h * 0.875) / 2);
        int startW = (int) ((w - w * 0.875) / 2);
        int cropH = h - 2 * startH;
        int cropW = w - 2 * startW;
        float[] out = new float[size * size * 3];
        for (int y = 0; y < size; y++) {
            double sy = y * (double) cropH / size;
            int y0 = (int) Math.floor(sy);
            int y1 = Math.min(y0 + 1, cropH - 1);
            double dy = sy - y0;
            for (int x = 0; x < size; x++) {
                double sx = x * (double) cropW / size;
                int x0 = (int) Math.floor(sx);
                int x1 = Math.min(x0 + 1, cropW - 1);
                double dx = sx - x0;
                for (int c = 0; c < 3; c++) {
                    double tl = img[startH + y0][startW + x0][c];
                    double tr = img[startH + y0][startW + x1][c];
                    double bl = img[startH + y1][startW + x0][c];
                    double br = img[startH + y1][startW + x1][c];
                    double top = tl + (tr - tl) * dx;
                    double bottom = bl + (br - bl) * dx;
                    double value = (top + (bottom - top) * dy) / 255.0;
                    out[(y * size + x) * 3 + c] = (float) ((value - 0.5) * 2);
                }
            }
        }
        return out;
    }

    @Test
    void centralCropKeepsTheMiddleSevenEighthsTruncatingTheMargin() {
        // 16: margin int(2 / 2) = 1, rows 1..14; 10: margin int(1.25 / 2) = 0, every row
        assertEquals(1, (int) ((16 - 16 * 0.875) / 2));
        assertEquals(0, (int) ((10 - 10 * 0.875) / 2));
        // A row index in red, a column index in green: the output's first pixel is the crop's first pixel
        // (TF1 resize samples source 0 for destination 0), so the crop's corner shows directly.
        int[][][] img = image(16, 16, (y, x, c) -> c == 0 ? 10 * y : c == 1 ? 10 * x : 7);
        float[] out;
        try (Runner p = new Runner(new InceptionPreprocessing(8))) {
            out = p.eval(img);
        }
        assertEquals((10 / 255.0 - 0.5) * 2, out[0], 1e-6, "row 1 is the first kept");
        assertEquals((10 / 255.0 - 0.5) * 2, out[1], 1e-6, "column 1 is the first kept");
        // The last output pixel samples source 7 * 14 / 8 = 12.25 of the crop, image row/column 13.25.
        int last = (7 * 8 + 7) * 3;
        assertEquals((132.5 / 255.0 - 0.5) * 2, out[last], 1e-5);
        assertEquals((132.5 / 255.0 - 0.5) * 2, out[last + 1], 1e-5);
    }

    @Test
    void evalMatchesSlimsDefinitionOnFixedImages() {
        Random random = new Random(19);
        for (int size : new int[] {8, 12}) {
            try (Runner p = new Runner(new InceptionPreprocessing(size))) {
                for (int[] hw : new int[][] {{16, 16}, {10, 16}, {8, 8}, {23, 9}}) {
                    int[][][] img = image(hw[0], hw[1], (y, x, c) -> random.nextInt(256));
                    assertArrayEquals(slimEval(img, size), p.eval(img), 1e-5f, hw[0] + "x" + hw[1] + " -> " + size);
                }
            }
        }
    }

    @Test
    void evalThroughTheInputPipelineDecodesThenPreprocesses(@TempDir Path dir) throws IOException {
        int w = 16;
        int h = 12;
        Random random = new Random(3);
        int[][][] img = image(h, w, (y, x, c) -> random.nextInt(256));
        int[] rgb = new int[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                rgb[y * w + x] = (img[y][x][0] << 16) | (img[y][x][1] << 8) | img[y][x][2];
            }
        }
        Files.createDirectories(dir.resolve("a"));
        TestImages.png(dir.resolve("a/img.png"), w, h, rgb);
        InputPipeline.Config inception =
                InputPipeline.Config.evaluation(1, 8).withPreprocessing(Preprocessing.INCEPTION);
        InputPipelineTest.Read read =
                InputPipelineTest.readAll(ImageFolder.load(dir, 0, 0).train(), inception, 2);
        assertArrayEquals(slimEval(img, 8), read.images().get(0), 1e-5f);
    }

    @Test
    void trainingIsSeededPerElementAndInMinusOneToOne() {
        Random random = new Random(5);
        int[][][] img = image(40, 30, (y, x, c) -> random.nextInt(256));
        try (Runner p = new Runner(ImagePreprocessing.of(Preprocessing.INCEPTION, 16));
                Runner again = new Runner(ImagePreprocessing.of(Preprocessing.INCEPTION, 16))) {
            float[] first = p.train(img, 3L);
            assertArrayEquals(first, again.train(img, 3L), "same seed and index: the same augmentation");
            assertFalse(Arrays.equals(first, p.train(img, 4L)), "another index: another augmentation");
            for (long i = 0; i < 5; i++) {
                for (float v : p.train(img, i)) {
                    assertTrue(v >= -1f && v <= 1f, "out of [-1, 1]: " + v);
                }
            }
        }
    }

    /** Gray pixels that grow by 2 per column (or row) from 64: no colour to saturate, no clipping. */
    private static final int BASE = 64;

    private static final int STEP = 2;

    @Test
    void cropsAreWithinSlimsAreaAndAspectRangesAndHalfAreFlipped() {
        int side = 64;
        int size = 16;
        int[][][] columns = image(side, side, (y, x, c) -> BASE + STEP * x);
        int[][][] rows = image(side, side, (y, x, c) -> BASE + STEP * y);
        try (Runner p = new Runner(new InceptionPreprocessing(size))) {
            int n = 40;
            int flips = 0;
            Set<String> crops = new HashSet<>();
            for (long i = 0; i < n; i++) {
                // The same seed draws the same box, flip and colour for both images (same shape).
                float[] byColumn = p.train(columns, i);
                float[] byRow = p.train(rows, i);
                float[] row = new float[size];
                float[] column = new float[size];
                for (int j = 0; j < size; j++) {
                    row[j] = byColumn[j * 3]; // first row, red
                    column[j] = byRow[j * size * 3]; // first column, red
                }
                boolean flipped = row[size - 1] < row[0];
                if (flipped) {
                    flips++;
                    for (int j = 0; j < size / 2; j++) {
                        float t = row[j];
                        row[j] = row[size - 1 - j];
                        row[size - 1 - j] = t;
                    }
                }
                // Output j samples crop coordinate j * w / S; a linear ramp makes the difference from j = 0
                // (brightness cancels) 2 * STEP / 255 * j * w / S, whatever the crop's offset.
                double w = cropSide(row, size);
                double h = cropSide(column, size);
                assertEquals(Math.rint(w), w, 0.02, "integer crop width");
                assertEquals(Math.rint(h), h, 0.02, "integer crop height");
                long cw = Math.round(w);
                long ch = Math.round(h);
                assertTrue(cw >= 1 && cw <= side && ch >= 1 && ch <= side, cw + "x" + ch);
                double area = cw * ch / (double) (side * side);
                // area_range (0.05, 1.0); min_object_covered 0.1 of the box, which is the whole image, raises 0.05 to
                // 0.1
                assertTrue(area >= 0.1 && area <= 1.0, "area " + area + " of " + cw + "x" + ch);
                // aspect_ratio_range (0.75, 1.33) for width / height, width rounded to a pixel (+-0.5 / h)
                double aspect = cw / (double) ch;
                assertTrue(
                        aspect >= 0.75 - 0.5 / ch && aspect <= 1.33 + 0.5 / ch,
                        "aspect " + aspect + " of " + cw + "x" + ch);
                crops.add(cw + "x" + ch);
            }
            assertTrue(crops.size() >= n / 2, "crops vary: " + crops);
            // random_flip_left_right: p = 0.5; 40 fixed seeds
            assertTrue(flips >= 12 && flips <= 28, flips + " of " + n + " flipped");
        }
    }

    private static double cropSide(float[] ramp, int size) {
        int j = size / 2;
        return (ramp[j] - ramp[0]) / 2.0 * 255.0 / STEP * size / j;
    }

    @Test
    void brightnessAndSaturationStayInSlimsRanges() {
        // One colour: brightness adds delta to every channel, saturation scales HSV's s and keeps v (the max).
        int[] rgb = {160, 120, 80};
        int[][][] img = image(20, 20, (y, x, c) -> rgb[c]);
        try (Runner p = new Runner(new InceptionPreprocessing(8))) {
            double minDelta = 1;
            double maxDelta = -1;
            double minFactor = 2;
            double maxFactor = 0;
            for (long i = 0; i < 40; i++) {
                float[] out = p.train(img, i);
                double r = out[0] / 2.0 + 0.5;
                double b = out[2] / 2.0 + 0.5;
                for (int k = 0; k < out.length; k += 3) {
                    assertEquals(out[0], out[k], 1e-6, "one colour stays one colour");
                }
                double delta = r - 160 / 255.0;
                double before = (80 / 255.0) / r; // s = (max - min) / max after the brightness shift
                double after = (r - b) / r;
                double factor = after / before;
                assertTrue(Math.abs(delta) <= 32 / 255.0 + 1e-5, "brightness delta " + delta);
                assertTrue(factor >= 0.5 - 1e-4 && factor <= 1.5 + 1e-4, "saturation factor " + factor);
                minDelta = Math.min(minDelta, delta);
                maxDelta = Math.max(maxDelta, delta);
                minFactor = Math.min(minFactor, factor);
                maxFactor = Math.max(maxFactor, factor);
            }
            assertTrue(minDelta < -16 / 255.0 && maxDelta > 16 / 255.0, minDelta + ".." + maxDelta);
            assertTrue(minFactor < 0.75 && maxFactor > 1.25, minFactor + ".." + maxFactor);
        }
    }

    @Test
    void summariesUndoTheScaling() {
        try (Graph g = new Graph();
                Session s = Sessions.open(g)) {
            Ops tf = Ops.create(g);
            Operand<TFloat32> rgb = new InceptionPreprocessing(8).toRgb(tf, tf.constant(new float[] {-1f, 0f, 1f}));
            try (Result r = s.runner().fetch(rgb).run()) {
                assertArrayEquals(new float[] {0f, 127.5f, 255f}, TestVariables.toArray(r.get(0)), 1e-4f);
            }
        }
    }
}
