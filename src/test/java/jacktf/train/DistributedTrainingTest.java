package jacktf.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jacktf.checkpoint.Checkpoint;
import jacktf.checkpoint.CheckpointSaver;
import jacktf.checkpoint.RestoreOptions;
import jacktf.checkpoint.TensorInfo;
import jacktf.cli.TinyNetTrain;
import jacktf.config.LearningRateDecayType;
import jacktf.config.OptimizerType;
import jacktf.model.TinyNet;
import jacktf.report.TrainingReport;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.DataType;

/**
 * Data-parallel training on TensorFlow's gRPC runtime: ps tasks and two workers, each its own JVM
 * running {@code jacktf train} on 127.0.0.1 (the workers on TinyNet, through {@link TinyNetTrain}),
 * against the same training in one process.
 */
@Tag("slow")
class DistributedTrainingTest {
    static final String NET = TinyNet.SCOPE;
    static Path data;
    static Path warm;
    final List<Process> processes = new ArrayList<>();

    @BeforeAll
    static void warmStart() {
        data = PretrainedShapes.taskB();
        warm = PretrainedShapes.pretrainedTiny().checkpoint();
    }

    @AfterEach
    void stopProcesses() {
        processes.forEach(Process::destroyForcibly);
    }

    @Test
    void synchronousTwoWorkersOfEightReachTheWeightsOfOneProcessOfSixteen(@TempDir Path dir) throws Exception {
        List<String> flags = List.of(
                "--trainable-scopes",
                NET + "/logits",
                "--optimizer",
                "momentum",
                "--learning-rate",
                "0.001",
                "--max-number-of-steps",
                "4",
                "--sync-replicas",
                "--batch-size",
                "8");
        assertCompletes(dir, startJob(dir, 2, flags)); // two ps tasks: variables and their slots spread over both

        TrainResult single = Trainer.create(TrainConfig.builder(data, dir.resolve("single"))
                        .model(TinyNet.ARCHITECTURE)
                        .imageSize(32)
                        .batchSize(16)
                        .checkpointPath(warm)
                        .restoreOptions(RestoreOptions.excluding(NET + "/logits"))
                        .trainableScopes(List.of(NET + "/logits"))
                        .optimizer(OptimizerType.MOMENTUM)
                        .learningRate(0.001f)
                        .learningRateDecayType(LearningRateDecayType.FIXED)
                        .batchNormDecay(0.9f)
                        .maxNumberOfSteps(4L)
                        .saveSummariesSecs(3600)
                        .build())
                .train();
        Path distributed = CheckpointSaver.latest(dir.resolve("worker0")).orElseThrow();
        assertTrue(distributed.toString().endsWith("model.ckpt-4"), distributed.toString());
        Map<String, float[]> expected = allFloats(single.checkpoint());
        Map<String, float[]> actual = allFloats(distributed);
        assertEquals(expected.keySet(), actual.keySet());
        assertTrue(maxAbs(expected.get(NET + "/logits/weights/Momentum")) > 0, "the logits must have trained");
        for (var e : expected.entrySet()) {
            float[] a = actual.get(e.getKey());
            float scale = 1e-5f * Math.max(1f, maxAbs(e.getValue()));
            assertTrue(
                    maxDifference(e.getValue(), a) <= scale,
                    e.getKey() + " differs by " + maxDifference(e.getValue(), a));
        }
        String report = Files.readString(TrainingReport.write(dir.resolve("worker0"), dir.resolve("r.html")));
        assertTrue(
                report.contains("Trained on a cluster: worker 0 of 2 (synchronous, chief); variables on ps "), report);
        try (Checkpoint c = Checkpoint.open(distributed)) {
            assertEquals(4, c.read("global_step").longs()[0]);
            assertTrue(c.tensors().stream()
                    .map(TensorInfo::name)
                    .anyMatch(n -> n.equals(NET + "/logits/weights/Momentum")));
        }
    }

    @Test
    void asynchronousWorkersConverge(@TempDir Path dir) throws Exception {
        // TinyNet's 64 pooled features learn more slowly than resnet_v1_50's 2048, and its steps are so quick
        // that one worker may run many before the other's second: more steps at a moderate rate (in one
        // process, 200 steps at 0.003 take the loss from ~1.7 to ~0.7 and validation to 0.81).
        List<String> flags = List.of(
                "--trainable-scopes",
                NET + "/logits",
                "--optimizer",
                "adam",
                "--opt-epsilon",
                "1e-8",
                "--learning-rate",
                "0.003",
                "--max-number-of-steps",
                "200",
                "--batch-size",
                "8",
                "--validation-split",
                "0.34");
        assertCompletes(dir, startJob(dir, 1, flags));
        String log = Files.readString(dir.resolve("worker0.log"));
        // Steps of both workers count: each ran part of the 200.
        Matcher finished = Pattern.compile("Finished at step (\\d+)").matcher(log);
        assertTrue(finished.find() && Long.parseLong(finished.group(1)) >= 200, log);
        List<Float> losses = losses(log);
        List<Float> otherLosses = losses(Files.readString(dir.resolve("worker1.log")));
        assertTrue(!otherLosses.isEmpty() && losses.size() + otherLosses.size() <= 201, losses + " / " + otherLosses);
        // Medians: one batch of 8 with a hard example can spike the loss tenfold.
        float first = median(losses.subList(0, 5));
        float last = median(losses.subList(losses.size() - 10, losses.size()));
        assertTrue(last < 0.8f * first, "loss should fall: first steps " + first + ", last " + last + " " + losses);
        Matcher m = Pattern.compile("validation: accuracy ([0-9.]+)").matcher(log);
        assertTrue(m.find(), log);
        assertTrue(Float.parseFloat(m.group(1)) >= 0.55f, "4 classes, chance 0.25: " + m.group(1));
    }

    @Test
    void aRestartedWorkerRejoinsAndALostChiefStopsTheOthersWithAMessage(@TempDir Path dir) throws Exception {
        List<String> flags = List.of(
                "--trainable-scopes",
                NET + "/logits",
                "--optimizer",
                "momentum",
                "--learning-rate",
                "0.001",
                "--max-number-of-steps",
                "100000",
                "--sync-replicas",
                "--batch-size",
                "8",
                "--save-every-steps",
                "5",
                "--replica-timeout-secs",
                "20");
        Job job = startJob(dir, 1, flags);
        awaitLog(dir.resolve("worker1.log"), "global step 3:", job.worker1());
        job.worker1().destroyForcibly().waitFor();
        Process rejoined = start(dir, "worker1_again", job.cluster(), "worker", 1, flags);
        awaitLog(dir.resolve("worker1_again.log"), "global step", rejoined);
        long stepAtRejoin = lastStep(Files.readString(dir.resolve("worker1_again.log")));
        awaitLog(dir.resolve("worker1_again.log"), "global step " + (stepAtRejoin + 5) + ":", rejoined);

        job.chief().destroyForcibly().waitFor();
        assertTrue(rejoined.waitFor(90, TimeUnit.SECONDS), "the worker must not wait forever for a dead chief");
        String log = Files.readString(dir.resolve("worker1_again.log"));
        assertEquals(1, rejoined.exitValue(), log);
        assertTrue(log.contains("the chief (worker 0 at") && log.contains("Restart the chief"), log);
        Path checkpoint = CheckpointSaver.latest(dir.resolve("worker0")).orElseThrow();
        try (Checkpoint c = Checkpoint.open(checkpoint)) {
            assertTrue(c.read("global_step").longs()[0] >= stepAtRejoin, checkpoint.toString());
        }
    }

    /** Every float tensor, optimizer slots included. */
    static Map<String, float[]> allFloats(Path checkpoint) {
        Map<String, float[]> values = new TreeMap<>();
        try (Checkpoint c = Checkpoint.open(checkpoint)) {
            for (TensorInfo t : c.tensors()) {
                if (t.dtype() == DataType.DT_FLOAT) {
                    values.put(t.name(), c.read(t.name()).floats());
                }
            }
        }
        return values;
    }

    @Test
    void asynchronousWorkersStopWhenTheChiefIsGone(@TempDir Path dir) throws Exception {
        List<String> flags = List.of(
                "--trainable-scopes",
                NET + "/logits",
                "--max-number-of-steps",
                "100000",
                "--batch-size",
                "8",
                "--replica-timeout-secs",
                "10");
        Job job = startJob(dir, 1, flags);
        awaitLog(dir.resolve("worker1.log"), "global step", job.worker1());
        job.chief().destroyForcibly().waitFor();
        assertTrue(job.worker1().waitFor(90, TimeUnit.SECONDS), "the worker must not train on without the chief");
        String log = Files.readString(dir.resolve("worker1.log"));
        assertEquals(1, job.worker1().exitValue(), log);
        assertTrue(log.contains("the chief (worker 0 at") && log.contains("only the chief saves checkpoints"), log);
    }

    @Test
    void aLostPsTaskStopsTheWorkersWithAMessage(@TempDir Path dir) throws Exception {
        List<String> flags = List.of(
                "--trainable-scopes",
                NET + "/logits",
                "--max-number-of-steps",
                "100000",
                "--batch-size",
                "8",
                "--replica-timeout-secs",
                "30");
        Job job = startJob(dir, 1, flags);
        awaitLog(dir.resolve("worker0.log"), "global step", job.chief());
        job.ps().get(0).destroyForcibly().waitFor();
        for (String worker : List.of("worker0", "worker1")) {
            Process p = worker.equals("worker0") ? job.chief() : job.worker1();
            assertTrue(p.waitFor(90, TimeUnit.SECONDS), worker + " must stop when its ps is gone");
            String log = Files.readString(dir.resolve(worker + ".log"));
            assertEquals(1, p.exitValue(), log);
            assertTrue(
                    log.contains(
                            "lost the connection to a ps task [" + job.cluster().split("[=;]")[1] + "]"),
                    log);
        }
    }

    /** The processes of one cluster run; logs are DIR/ps.log, ps1.log.., worker1.log, worker0.log. */
    record Job(String cluster, List<Process> ps, Process worker1, Process chief) {}

    /** {@code psTasks} ps tasks and two workers, started as people would: ps first, the chief last. */
    Job startJob(Path dir, int psTasks, List<String> flags) throws IOException {
        String cluster = cluster(psTasks, 2);
        List<Process> ps = new ArrayList<>();
        for (int k = 0; k < psTasks; k++) {
            ps.add(start(dir, k == 0 ? "ps" : "ps" + k, cluster, "ps", k, flags));
        }
        Process worker1 = start(dir, "worker1", cluster, "worker", 1, flags);
        return new Job(cluster, ps, worker1, start(dir, "worker0", cluster, "worker", 0, flags));
    }

    /** Both workers finish, then every ps task exits by itself. */
    static void assertCompletes(Path dir, Job job) throws Exception {
        assertExits(0, job.chief(), dir.resolve("worker0.log"));
        assertExits(0, job.worker1(), dir.resolve("worker1.log"));
        for (int k = 0; k < job.ps().size(); k++) {
            assertExits(0, job.ps().get(k), dir.resolve(k == 0 ? "ps.log" : "ps" + k + ".log"));
        }
    }

    /** {@code ps} ps tasks and {@code workers} workers on free ports of 127.0.0.1. */
    static String cluster(int ps, int workers) throws IOException {
        List<String> addresses = new ArrayList<>();
        for (int i = 0; i < ps + workers; i++) {
            try (ServerSocket s = new ServerSocket(0)) {
                addresses.add("127.0.0.1:" + s.getLocalPort());
            }
        }
        return "ps=" + String.join(",", addresses.subList(0, ps)) + ";worker="
                + String.join(",", addresses.subList(ps, ps + workers));
    }

    Process start(Path dir, String name, String cluster, String job, int task, List<String> flags) throws IOException {
        List<String> command = new ClusterTask(data, warm, cluster)
                .command("2g", job, task, dir.resolve(name.replace("_again", "")), flags);
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile());
        pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
        pb.environment().put("JACKTF_INTRA_OP_THREADS", "1");
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    static void assertExits(int code, Process p, Path log) throws Exception {
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "still running: " + tail(log));
        assertEquals(code, p.exitValue(), tail(log));
    }

    static void awaitLog(Path log, String text, Process p) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains(text)) {
                return;
            }
            assertTrue(p.isAlive(), "exited before '" + text + "': " + tail(log));
            Thread.sleep(200);
        }
        throw new AssertionError("no '" + text + "' in " + tail(log));
    }

    static String tail(Path log) throws IOException {
        String s = Files.exists(log) ? Files.readString(log) : "(no log)";
        return s.substring(Math.max(0, s.length() - 3000));
    }

    static List<Float> losses(String log) {
        List<Float> losses = new ArrayList<>();
        Matcher m = Pattern.compile("global step \\d+: loss = ([0-9.]+)").matcher(log);
        while (m.find()) {
            losses.add(Float.parseFloat(m.group(1)));
        }
        return losses;
    }

    static long lastStep(String log) {
        Matcher m = Pattern.compile("global step (\\d+):").matcher(log);
        long step = -1;
        while (m.find()) {
            step = Long.parseLong(m.group(1));
        }
        return step;
    }

    static float median(List<Float> values) {
        List<Float> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    static float maxDifference(float[] a, float[] b) {
        float max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    static float maxAbs(float[] a) {
        float max = 0;
        for (float v : a) {
            max = Math.max(max, Math.abs(v));
        }
        return max;
    }
}
