package jacktf.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jacktf.testing.ChildJvm;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 a JVM at random moments while it saves; the train dir must always resume. Each run costs a JVM
 * and TensorFlow start (~4 s on 2 cores), so the default run kills 10 times; {@code -Djacktf.crashRuns=100}
 * for a longer hunt.
 */
@Tag("slow")
class CrashDuringSaveTest {
    static final int RUNS = Integer.getInteger("jacktf.crashRuns", 10);

    static Process startSaveLoop(Path trainDir, Path log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(
                ChildJvm.command(List.of("-Xmx1g"), SaveLoop.class.getName(), List.of(trainDir.toString())));
        pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
        pb.redirectError(log.toFile());
        return pb.start();
    }

    @Test
    void killedDuringSavesAlwaysResumesFromACompleteCheckpoint(@TempDir Path trainDir) throws Exception {
        Random random = new Random(2026);
        long lastVerified = 0;
        int killedMidWrite = 0;
        for (int run = 1; run <= RUNS; run++) {
            Path log = Files.createTempFile("saveloop", ".log");
            Process p = startSaveLoop(trainDir, log);
            List<String> lines = new ArrayList<>();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()));
            // let it save at least once, then kill it at a random moment of a later save
            String line;
            while ((line = out.readLine()) != null) {
                lines.add(line);
                if (line.startsWith("saved")) {
                    break;
                }
            }
            if (line == null) {
                throw new AssertionError("save loop died by itself: " + lines + "\n" + Files.readString(log));
            }
            Thread.sleep(random.nextInt(1500));
            p.destroyForcibly(); // SIGKILL
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            if (run > 1) {
                assertTrue(lines.get(0).startsWith("resumed "), "run " + run + " resumed: " + lines);
                assertEquals(
                        lastVerified,
                        Long.parseLong(lines.get(0).substring("resumed ".length())),
                        "resumed from the previous good checkpoint");
            }
            try (var files = Files.list(trainDir)) {
                if (files.anyMatch(f -> f.getFileName().toString().contains(".tempstate"))) {
                    killedMidWrite++;
                }
            }
            lastVerified = verify(trainDir);
            Files.deleteIfExists(log);
        }
        System.out.printf(
                "crash during save: %d kill -9 runs (%d in the middle of writing checkpoint files), "
                        + "%d resumes from a complete checkpoint, 0 partial%n",
                RUNS, killedMidWrite, RUNS);
    }

    /** The state file names a complete checkpoint whose every value is its step. Returns the step. */
    static long verify(Path trainDir) throws IOException {
        CheckpointState state = CheckpointState.read(trainDir).orElseThrow();
        for (String name : state.all()) {
            assertTrue(Files.exists(trainDir.resolve(name + ".index")), name + " listed but missing");
        }
        long step = Long.parseLong(state.latest().substring(state.latest().lastIndexOf('-') + 1));
        try (Checkpoint c = Checkpoint.open(trainDir)) {
            assertEquals(SaveLoop.VARIABLES, c.tensors().size());
            for (TensorInfo t : c.tensors()) {
                float[] values = c.read(t.name()).floats();
                assertEquals(SaveLoop.ELEMENTS, values.length);
                for (float v : values) {
                    if (v != step) {
                        throw new AssertionError(t.name() + " holds " + v + " in checkpoint of step " + step);
                    }
                }
            }
        }
        return step;
    }
}
