package jacktf.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jacktf.checkpoint.CheckpointState;
import jacktf.cli.TinyNetTrain;
import jacktf.config.OptimizerType;
import jacktf.data.SyntheticImages;
import jacktf.model.TinyNet;
import jacktf.testing.ChildJvm;
import jacktf.traindir.TrainingPlan;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM (what Ctrl-C and orchestrators send) saves a checkpoint and exits cleanly; rerunning
 * resumes. The train command runs in its own JVM, on TinyNet (slow tier: a second JVM and TF
 * start take seconds of their own, as in the cluster tests).
 */
@Tag("slow")
class InterruptTest {

    @Test
    void sigtermSavesAndTheNextRunResumes(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        SyntheticImages.generate(data, 2, 6, 40, 1, 0, SyntheticImages.Layout.FOLDERS);
        Path trainDir = dir.resolve("train");
        ProcessBuilder pb = new ProcessBuilder(ChildJvm.command(
                List.of(),
                TinyNetTrain.class.getName(),
                List.of(
                        "--dataset-dir",
                        data.toString(),
                        "--train-dir",
                        trainDir.toString(),
                        "--train-image-size",
                        "32",
                        "--batch-size",
                        "4",
                        "--max-number-of-steps",
                        "100000",
                        "--log-every-n-steps",
                        "2",
                        "--save-interval-secs",
                        "100000",
                        "--optimizer",
                        "momentum",
                        "--learning-rate",
                        "0.0001",
                        "--batch-norm-decay",
                        "0.9")));
        pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        List<String> lines = new ArrayList<>();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()));
        String line;
        while ((line = out.readLine()) != null) {
            lines.add(line);
            if (line.startsWith("global step 4:")) {
                break;
            }
        }
        assertTrue(p.isAlive(), "training was running: " + lines);
        p.toHandle().destroy(); // SIGTERM, keeping our end of its output open
        while ((line = out.readLine()) != null) {
            lines.add(line);
        }
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "exited after SIGTERM");
        int code = p.exitValue();
        assertTrue(code == 0 || code == 143, "a clean exit, not a crash: " + code + "\n" + String.join("\n", lines));
        assertTrue(
                lines.stream().anyMatch(l -> l.startsWith("Stopped (will resume from here) at step ")),
                lines.toString());

        CheckpointState state = CheckpointState.read(trainDir).orElseThrow();
        long saved = Long.parseLong(state.latest().substring("model.ckpt-".length()));
        assertTrue(saved >= 4, "saved at the step it stopped: " + saved);

        List<TrainingPlan> plans = new ArrayList<>();
        TrainResult resumed = Trainer.create(TrainConfig.builder(data, trainDir)
                        .model(TinyNet.ARCHITECTURE)
                        .imageSize(32)
                        .batchSize(4)
                        .optimizer(OptimizerType.MOMENTUM)
                        .learningRate(1e-4f)
                        .batchNormDecay(0.9f)
                        .maxNumberOfSteps(saved + 2)
                        .saveSummariesSecs(3600)
                        .build())
                .addListener(new TrainingListener() {
                    @Override
                    public void onStart(TrainingPlan plan) {
                        plans.add(plan);
                    }
                })
                .train();
        assertNotNull(plans.get(0).resumedFrom());
        assertEquals(saved, plans.get(0).startStep());
        assertEquals(saved + 2, resumed.finalStep());
    }
}
