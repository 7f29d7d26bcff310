package jacktf.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jacktf.config.OptimizerType;
import jacktf.data.ImageFolder;
import jacktf.data.SyntheticImages;
import jacktf.export.SavedModelExporter;
import jacktf.model.Precision;
import jacktf.model.TinyNet;
import jacktf.train.TrainConfig;
import jacktf.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link Classifier} a Java service embeds, shared by many threads: every answer equals the
 * single-threaded one and RSS levels off (a TinyNet export, so thousands of predictions take seconds).
 */
@Tag("slow")
class ClassifierSoakTest {
    static final long RSS_GROWTH_LIMIT_MB = 200;
    static final int THREADS = 8;
    static final int PER_THREAD = 400;

    static double rssMb() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
            }
        }
        throw new IllegalStateException("no VmRSS");
    }

    @Test
    void manyThreadsGetTheSingleThreadedAnswersAndMemoryLevelsOff(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        SyntheticImages.generate(data, 2, 4, 40, 9, 0, SyntheticImages.Layout.FOLDERS);
        Path trainDir = dir.resolve("train");
        Trainer.create(TrainConfig.builder(data, trainDir)
                        .model(TinyNet.ARCHITECTURE)
                        .imageSize(32)
                        .batchSize(4)
                        .maxNumberOfSteps(3L)
                        .optimizer(OptimizerType.SGD)
                        .learningRate(0.01f)
                        .saveSummariesSecs(3600)
                        .build())
                .train();
        Path base = dir.resolve("savedmodels/soak");
        SavedModelExporter.export(trainDir, base, 1, Precision.FP32, "global_pool");
        List<byte[]> images = new ArrayList<>();
        for (var e : ImageFolder.load(data, 0, 0).train().examples()) {
            images.add(Files.readAllBytes(e.file()));
        }

        try (Classifier classifier = Classifier.load(base)) {
            List<float[]> expected = new ArrayList<>();
            for (byte[] image : images) {
                expected.add(probabilities(classifier.classify(image)));
            }
            AtomicInteger wrong = new AtomicInteger();
            AtomicInteger done = new AtomicInteger();
            double[] rss = new double[2];
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    int thread = t;
                    futures.add(pool.submit(() -> {
                        for (int i = 0; i < PER_THREAD; i++) {
                            int k = (thread + i) % images.size();
                            float[] p = probabilities(classifier.classify(images.get(k)));
                            if (!java.util.Arrays.equals(p, expected.get(k))) {
                                wrong.incrementAndGet();
                            }
                            if (done.incrementAndGet() == THREADS * PER_THREAD / 5) {
                                rss[0] = rssMb(); // after warm-up
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : futures) {
                    f.get(120, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            rss[1] = rssMb();
            System.out.printf(
                    "soak Classifier: %d predictions from %d threads, %d differing; RSS %.0f MB after warm-up, "
                            + "%.0f MB at the end (bound +%d)%n",
                    THREADS * PER_THREAD, THREADS, wrong.get(), rss[0], rss[1], RSS_GROWTH_LIMIT_MB);
            assertEquals(0, wrong.get(), "answers differing from the single-threaded ones");
            assertTrue(rss[1] - rss[0] < RSS_GROWTH_LIMIT_MB, "RSS growth " + (rss[1] - rss[0]) + " MB");
        }
    }

    static float[] probabilities(Classifier.Prediction p) {
        float[] out = new float[p.scores().size()];
        for (Classifier.Score s : p.scores()) {
            out[s.classId()] = (float) s.probability();
        }
        return out;
    }
}
