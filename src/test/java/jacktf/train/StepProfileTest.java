package jacktf.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import jacktf.config.ConfigException;
import jacktf.config.OptimizerType;
import jacktf.data.SyntheticImages;
import jacktf.model.TinyNet;
import jacktf.report.TrainingReport;
import jacktf.runtime.StepProfile;
import jacktf.traindir.TrainDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.GraphOperation;

/** A profile of TinyNet's training steps, against what the network's definition says a step must run. */
class StepProfileTest {
    static final int BATCH = 4;
    static final int STEPS = 2;

    @Test
    void aTrainingStepRunsEachConvolutionAndItsGradientsWithTheirFlops(@TempDir Path dir) throws IOException {
        Path data = dir.resolve("data");
        SyntheticImages.generate(data, 2, BATCH, 40, 1, 0, SyntheticImages.Layout.FOLDERS);
        TrainConfig config = TrainConfig.builder(data, dir.resolve("train"))
                .model(TinyNet.ARCHITECTURE)
                .imageSize(32)
                .batchSize(BATCH)
                .optimizer(OptimizerType.MOMENTUM)
                .learningRate(0.01f)
                .build();
        try (TrainingSteps steps = TrainingSteps.open(config)) {
            StepProfile profile = new StepProfile(steps.graph());
            for (int i = 0; i < STEPS; i++) {
                steps.step(profile);
            }
            System.out.print(profile.format(15));

            // The forward convolutions as built: slim's resnet_v1 on TinyNet's blocks (conv1, 3 per unit, one
            // shortcut projection per block, the 1x1 logits), FLOPs from their static shapes at the batch fed.
            int forward = 0;
            double forwardFlops = 0;
            double conv1Flops = 0;
            for (Iterator<GraphOperation> it = steps.graph().operations(); it.hasNext(); ) {
                GraphOperation op = it.next();
                if (op.type().equals("Conv2D") && op.name().startsWith(TinyNet.SCOPE + "/")) {
                    long[] out = op.output(0).shape().asArray();
                    long[] filter = op.input(1).shape().asArray();
                    double flops = 2.0 * BATCH * out[1] * out[2] * out[3] * filter[0] * filter[1] * filter[2];
                    forward++;
                    forwardFlops += flops;
                    if (op.name().startsWith(TinyNet.SCOPE + "/conv1/")) {
                        conv1Flops = flops;
                    }
                }
            }
            // conv1, 3 per unit (5 units), a projection shortcut where the depth changes (blocks 1, 2 and 4:
            // block3 keeps block2's depth and subsamples instead), the 1x1 logits
            assertEquals(1 + 3 * 5 + 3 + 1, forward);
            // every convolution's filter gradient; every input gradient but conv1's (the images need none)
            long convExecutions = profile.table().stream()
                    .filter(r -> r.opType().contains("Conv2D"))
                    .mapToLong(StepProfile.Row::count)
                    .sum();
            assertEquals(STEPS * (forward + forward + (forward - 1)), convExecutions, profile.format(40));
            assertEquals(3 * forwardFlops - conv1Flops, profile.flopsPerStep(), 1e-6 * forwardFlops);
            double shares =
                    profile.table().stream().mapToDouble(StepProfile.Row::share).sum();
            assertEquals(1.0, shares, 1e-9);
            assertTrue(profile.wallMillisPerStep() > 0);

            Path tsv = dir.resolve("profile.tsv");
            profile.writeTsv(tsv);
            List<String> lines = Files.readAllLines(tsv);
            assertEquals("op_type\tshare\tcount\tms_per_step\tgflops_per_s", lines.get(0));
            assertEquals(profile.table().size() + 1, lines.size());

            Path trace = dir.resolve("trace.json");
            profile.writeChromeTrace(trace);
            JsonObject json = JsonParser.parseString(Files.readString(trace)).getAsJsonObject();
            long complete = 0;
            for (var e : json.getAsJsonArray("traceEvents")) {
                JsonObject event = e.getAsJsonObject();
                if (event.get("ph").getAsString().equals("X")) {
                    complete++;
                    assertTrue(event.get("dur").getAsLong() >= 1 && event.has("ts") && event.has("tid"));
                }
            }
            long executions =
                    profile.table().stream().mapToLong(StepProfile.Row::count).sum();
            assertEquals(executions, complete, "one complete event per op execution");
        }
    }

    @Test
    void aTrainRunWritesTheProfileOfItsStepRangeToTheTrainDir(@TempDir Path dir) throws IOException {
        Path data = dir.resolve("data");
        SyntheticImages.generate(data, 2, BATCH, 40, 1, 0, SyntheticImages.Layout.FOLDERS);
        List<Integer> profiled = new java.util.ArrayList<>();
        Trainer.create(TrainConfig.builder(data, dir.resolve("train"))
                        .model(TinyNet.ARCHITECTURE)
                        .imageSize(32)
                        .batchSize(BATCH)
                        .maxNumberOfSteps(4L)
                        .saveSummariesSecs(3600)
                        .profileSteps(StepRange.parse("2:3"))
                        .build())
                .addListener(new TrainingListener() {
                    @Override
                    public void onProfile(StepProfile profile, Path written) {
                        profiled.add(profile.steps());
                    }
                })
                .train();
        assertEquals(List.of(2), profiled, "steps 2 and 3, written once");
        Path profileDir = TrainDir.of(dir.resolve("train")).profileDir();
        for (String file : List.of(StepProfile.TABLE_FILE, StepProfile.TSV_FILE, StepProfile.TRACE_FILE)) {
            assertTrue(Files.size(profileDir.resolve(file)) > 0, file);
        }
        assertTrue(Files.readString(profileDir.resolve(StepProfile.TABLE_FILE)).startsWith("2 profiled steps"));
        String report = Files.readString(TrainingReport.write(dir.resolve("train"), dir.resolve("report.html")));
        assertTrue(report.contains("Where step time went") && report.contains("Conv2DBackpropFilter"), report);
    }

    @Test
    void stepRangesAreCheckedWhenParsed() {
        assertEquals(new StepRange(20, 25), StepRange.parse("20:25"));
        assertEquals(new StepRange(7, 7), StepRange.parse("7"));
        for (String bad : List.of("0:3", "5:4", "a:b", "1:2:3", "")) {
            ConfigException e = assertThrows(ConfigException.class, () -> StepRange.parse(bad), bad);
            assertTrue(e.getMessage().contains("profileSteps"), e.getMessage());
        }
    }
}
