package jacktf.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jacktf.data.SyntheticImages;
import jacktf.testing.ChildJvm;
import jacktf.traindir.TrainDir;
import jacktf.traindir.TrainDirInUseException;
import jacktf.traindir.TrainingPlan;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One writer per train dir: a second trainer fails with who holds it; a killed holder's dir is taken over. */
class TrainDirLockTest {
    @TempDir
    static Path shared;

    static Path data;

    @BeforeAll
    static void data() throws Exception {
        data = shared.resolve("data");
        SyntheticImages.generate(data, 2, 6, 32, 1, 0, SyntheticImages.Layout.FOLDERS);
    }

    @Test
    void aSecondTrainerInTheSameJvmFailsAndTheFirstFinishes(@TempDir Path trainDir) throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<TrainResult> first = CompletableFuture.supplyAsync(() -> {
            try {
                return Trainer.create(TinyRun.config(data, trainDir, 2).build())
                        .addListener(new TrainingListener() {
                            @Override
                            public void onStart(TrainingPlan plan) {
                                started.countDown();
                                try {
                                    release.await(60, TimeUnit.SECONDS);
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                            }
                        })
                        .train();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try {
            assertTrue(started.await(60, TimeUnit.SECONDS), "first trainer started");
            String planBefore = Files.readString(TrainDir.of(trainDir).planFile());
            TrainDirInUseException e = assertThrows(TrainDirInUseException.class, () -> Trainer.create(
                            TinyRun.config(data, trainDir, 4).build())
                    .train());
            assertTrue(
                    e.getMessage()
                            .startsWith("Train dir " + trainDir + " is being written by pid "
                                    + ProcessHandle.current().pid() + " on host "),
                    e.getMessage());
            assertTrue(
                    e.getMessage()
                            .endsWith("(another trainer in this process); stop that run or choose another "
                                    + "train dir"),
                    e.getMessage());
            assertEquals(
                    planBefore,
                    Files.readString(TrainDir.of(trainDir).planFile()),
                    "the refused trainer wrote nothing");
        } finally {
            release.countDown();
        }
        assertEquals(2, first.get(120, TimeUnit.SECONDS).finalStep());
        // released at the end: the next run on the dir resumes
        assertEquals(
                3,
                Trainer.create(TinyRun.config(data, trainDir, 3).build())
                        .train()
                        .finalStep());
    }

    /** A child JVM loading TF and training: seconds alone, the end-to-end tier's kind of cost. */
    @Test
    @Tag("slow")
    void anotherProcessHoldsTheDirUntilKilledThenTheNextRunResumesFromItsLastCheckpoint(@TempDir Path trainDir)
            throws Exception {
        ProcessBuilder pb = new ProcessBuilder(
                ChildJvm.command(List.of(), TinyRun.class.getName(), List.of(data.toString(), trainDir.toString())));
        pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process child = pb.start();
        try {
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            List<String> lines = new ArrayList<>();
            String line;
            while ((line = out.readLine()) != null && lines.size() < 3) {
                lines.add(line);
            }
            assertEquals(3, lines.size(), "the child saved three checkpoints: " + lines);

            TrainDirInUseException e = assertThrows(TrainDirInUseException.class, () -> Trainer.create(
                            TinyRun.config(data, trainDir, 1_000_000).build())
                    .train());
            assertTrue(
                    e.getMessage()
                            .startsWith(
                                    "Train dir " + trainDir + " is being written by pid " + child.pid() + " on host "),
                    e.getMessage());

            child.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup; only the OS drops the lock
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child killed");
        } finally {
            child.destroyForcibly();
        }
        Path lastCheckpoint = TrainDir.of(trainDir).latestCheckpoint().orElseThrow();
        long lastStep = Long.parseLong(lastCheckpoint.getFileName().toString().substring("model.ckpt-".length()));
        assertTrue(lastStep >= 3, "at least the three announced checkpoints: " + lastStep);
        assertTrue(Files.exists(TrainDir.of(trainDir).lockFile()), "the killed run's lock file stays behind");

        List<TrainingPlan> plans = new ArrayList<>();
        TrainResult resumed = Trainer.create(
                        TinyRun.config(data, trainDir, lastStep + 2).build())
                .addListener(new TrainingListener() {
                    @Override
                    public void onStart(TrainingPlan plan) {
                        plans.add(plan);
                    }
                })
                .train();
        assertEquals(lastStep, plans.get(0).startStep(), "resumed at the killed run's last checkpoint");
        assertNotNull(plans.get(0).resumedFrom());
        assertEquals(lastStep + 2, resumed.finalStep());
        assertTrue(
                Files.readString(TrainDir.of(trainDir).lockFile())
                        .startsWith("pid=" + ProcessHandle.current().pid()),
                "the lock file names its new holder");
    }
}
