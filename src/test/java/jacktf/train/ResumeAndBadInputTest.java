package jacktf.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jacktf.checkpoint.Checkpoint;
import jacktf.checkpoint.CheckpointState;
import jacktf.cli.JacktfCommand;
import jacktf.config.OptimizerType;
import jacktf.data.ImageFolder;
import jacktf.data.SyntheticImages;
import jacktf.data.TestImages;
import jacktf.eval.Evaluator;
import jacktf.eval.FeatureExtractor;
import jacktf.model.TinyNet;
import jacktf.traindir.TrainingPlan;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs that go wrong and must still end right, on {@link TinyNet}: an interrupted run resumed with
 * undecodable files in the data, a diverging run, a dataset mixed with bad files. Split from
 * {@link FineTuningTest} so that the two classes run in parallel forks.
 */
class ResumeAndBadInputTest {
    static final String NET = FineTuningTest.NET;

    static TrainConfig.Builder config(Path data, Path trainDir) {
        return FineTuningTest.config(data, trainDir);
    }

    static TrainResult train(TrainConfig config) throws IOException {
        return FineTuningTest.train(config);
    }

    static Map<String, float[]> floats(Path checkpoint) {
        return FineTuningTest.floats(checkpoint);
    }

    /** Four shapes, six images each, in {@code dir/shapes}. */
    static Path shapes(Path dir) throws IOException {
        Path data = dir.resolve("shapes");
        if (!Files.isDirectory(data)) {
            SyntheticImages.generate(data, 4, 6, 40, 1, 0, SyntheticImages.Layout.FOLDERS);
        }
        return data;
    }

    @Test
    void resumingGivesTheSameStateAsAnUninterruptedRunEvenWithUndecodableFiles(@TempDir Path dir) throws IOException {
        Path data = dir.resolve("data");
        SyntheticImages.generate(data, 2, 5, 40, 7, 0, SyntheticImages.Layout.FOLDERS);
        // Three of ten files pass the header check and fail to decode: the pipeline drops them, so after
        // 3 steps of 4 the stream has moved past more than 12 elements (a resume at step x batch replays).
        for (String victim : List.of("circle/circle_0001.jpg", "circle/circle_0003.jpg", "square/square_0000.jpg")) {
            Path file = data.resolve(victim);
            byte[] bytes = Files.readAllBytes(file);
            for (int i = 200; i < bytes.length - 2; i++) {
                bytes[i] = (byte) 0xff;
            }
            Files.write(file, bytes);
        }
        // The expectation is an independent run: the same 7 steps without an interruption.
        Path straightDir = dir.resolve("straight");
        Map<String, float[]> uninterrupted = floats(train(config(data, straightDir)
                        .learningRate(0.05f)
                        .maxNumberOfSteps(7L)
                        .build())
                .checkpoint());

        Path resumedDir = dir.resolve("resumed");
        train(config(data, resumedDir).learningRate(0.05f).maxNumberOfSteps(3L).build());
        TrainResult resumed = train(config(data, resumedDir)
                .learningRate(0.05f)
                .maxNumberOfSteps(7L)
                .checkpointPath(Path.of("ignored-when-resuming"))
                .build());
        assertEquals(7, resumed.finalStep());
        assertEquals(
                "model.ckpt-7", CheckpointState.read(resumedDir).orElseThrow().latest());
        Map<String, float[]> after = floats(resumed.checkpoint());
        assertEquals(uninterrupted.keySet(), after.keySet());
        try (Checkpoint a = Checkpoint.open(straightDir);
                Checkpoint b = Checkpoint.open(resumedDir)) {
            String slot = NET + "/logits/weights/Momentum";
            assertArrayEquals(a.read(slot).floats(), b.read(slot).floats(), 0f, "optimizer state");
            assertArrayEquals(
                    a.read("global_step").longs(), b.read("global_step").longs());
        }
        // Bit for bit: a replayed or skipped batch (or its augmentation, seeded by the element's
        // number) changes every trained weight and the batch-norm moving averages.
        for (var e : uninterrupted.entrySet()) {
            assertArrayEquals(e.getValue(), after.get(e.getKey()), 0f, e.getKey());
        }
    }

    @Test
    void divergenceStopsAndKeepsTheLastGoodCheckpoint(@TempDir Path dir) throws IOException {
        Path trainDir = dir.resolve("run");
        train(config(shapes(dir), trainDir).maxNumberOfSteps(2L).build());
        byte[] goodIndex = Files.readAllBytes(trainDir.resolve("model.ckpt-2.index"));
        TrainingDivergedException e = assertThrows(
                TrainingDivergedException.class,
                () -> train(config(shapes(dir), trainDir)
                        .maxNumberOfSteps(50L)
                        .learningRate(1e30f)
                        .optimizer(OptimizerType.SGD)
                        .build()));
        assertTrue(e.getMessage().contains("model.ckpt-2"), e.getMessage());
        assertEquals(
                "model.ckpt-2", CheckpointState.read(trainDir).orElseThrow().latest());
        assertArrayEquals(goodIndex, Files.readAllBytes(trainDir.resolve("model.ckpt-2.index")));
        assertTrue(e.step() <= 4, "detected within a step: " + e.step());
    }

    @Test
    void aDatasetMixedWithBadFilesTrainsAndEvaluatesToTheEndReportingExactlyTheBadOnes(@TempDir Path dir)
            throws IOException {
        Path data = dir.resolve("data");
        SyntheticImages.generate(data, 2, 4, 40, 5, 0, SyntheticImages.Layout.FOLDERS);
        Path circles = data.resolve("circle");
        Path squares = data.resolve("square");
        TestImages.zeroBytes(circles.resolve("empty.jpg"));
        TestImages.truncatedJpeg(circles.resolve("circle_0000.jpg"), circles.resolve("cut.jpg"));
        TestImages.textNamedJpg(squares.resolve("page.jpg"));
        TestImages.cmykJpeg(squares.resolve("print.jpg"));
        TestImages.pngWithAlpha(squares.resolve("alpha.png"));
        TestImages.png16Bit(circles.resolve("deep.png"));
        byte[] garbled = Files.readAllBytes(squares.resolve("square_0001.jpg"));
        for (int i = 200; i < garbled.length - 2; i++) {
            garbled[i] = (byte) 0xff; // passes the header check, fails to decode
        }
        Files.write(squares.resolve("garbled.jpg"), garbled);

        List<String> reportedAtStart = new ArrayList<>();
        List<String> skippedWhileTraining = new ArrayList<>();
        TrainResult r = Trainer.create(
                        config(data, dir.resolve("train")).maxNumberOfSteps(6L).build())
                .addListener(new TrainingListener() {
                    @Override
                    public void onStart(TrainingPlan plan) {
                        reportedAtStart.addAll(plan.skippedFiles());
                    }

                    @Override
                    public void onSkippedImages(long epoch, List<String> files) {
                        skippedWhileTraining.addAll(files);
                    }
                })
                .train();
        assertEquals(6, r.finalStep());
        assertEquals(4, reportedAtStart.size(), reportedAtStart.toString());
        for (String bad :
                List.of("empty.jpg: zero bytes", "cut.jpg: truncated", "page.jpg: not an image", "print.jpg: CMYK")) {
            assertTrue(reportedAtStart.stream().anyMatch(s -> s.contains(bad)), bad + " in " + reportedAtStart);
        }
        assertTrue(!skippedWhileTraining.isEmpty(), "11 usable files, 24 images consumed: epoch 1 is complete");
        assertTrue(
                skippedWhileTraining.stream().allMatch(f -> f.endsWith("garbled.jpg")),
                skippedWhileTraining.toString());

        var dataset = ImageFolder.load(data, 0, 0).train();
        assertEquals(11, dataset.size(), "8 drawn + alpha PNG + 16-bit PNG + garbled");
        var report = Evaluator.evaluate(dir.resolve("train"), dataset, 4, null);
        assertEquals(10, report.examples(), "everything but the undecodable file");
        assertEquals(List.of(squares.resolve("garbled.jpg").toString()), report.undecodable());

        // predict answers per file: the good ones classified, each bad one with its reason, exit code 1
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = JacktfCommand.execute(
                new String[] {
                    "predict", "--checkpoint-path", dir.resolve("train").toString(), "--top-k", "1", data.toString()
                },
                new PrintWriter(out, true),
                new PrintWriter(err, true));
        assertEquals(1, code, err.toString());
        List<String> rows = out.toString().lines().toList();
        assertEquals(15, rows.size(), out + "\n" + err);
        assertEquals(5, rows.stream().filter(l -> l.contains("\terror: ")).count(), out.toString());
        assertTrue(rows.stream()
                .anyMatch(l -> l.endsWith("garbled.jpg\terror: cannot be decoded: "
                                + "jpeg::Uncompress failed. Invalid JPEG data or crop window.")
                        || l.contains("garbled.jpg\terror: cannot be decoded")));

        // extract finishes on what decodes
        var features = FeatureExtractor.extract(
                dir.resolve("train"), "global_pool", dataset, dir.resolve("features"), false, 4);
        assertEquals(10, features.shape()[0]);
    }
}
