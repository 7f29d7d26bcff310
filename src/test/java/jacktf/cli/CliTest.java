package jacktf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import jacktf.TestData;
import jacktf.TfWrittenCheckpoints;
import jacktf.data.SyntheticImages;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as a person uses it: help, output formats, exit codes and error messages. */
class CliTest {
    record Run(int exitCode, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = JacktfCommand.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void helpListsEveryCommandAndEveryCommandHasHelp() {
        Run help = run("--help");
        assertEquals(0, help.exitCode());
        List<String> commands = List.of(
                "demo",
                "model",
                "inspect",
                "restore-plan",
                "data",
                "train",
                "eval",
                "predict",
                "extract",
                "export",
                "serve",
                "bench",
                "report");
        for (String command : commands) {
            assertTrue(help.out().contains("  " + command + " "), command + " in\n" + help.out());
            Run commandHelp = run(command, "--help");
            assertEquals(0, commandHelp.exitCode(), command);
            assertTrue(commandHelp.out().startsWith("Usage: jacktf " + command), commandHelp.out());
        }
    }

    @Test
    void inspectPrintsNameDtypeShapeThenTotals() {
        // a two-shard V2 checkpoint written by TF's SaveV2 + MergeV2Checkpoints; expected: what was fed to them
        String twoShards = TfWrittenCheckpoints.twoShardsDir().toString();
        Run r = run("inspect", twoShards);
        assertEquals(0, r.exitCode(), r.err());
        List<String> lines = r.out().lines().toList();
        List<TfWrittenCheckpoints.Tensor> fed = TfWrittenCheckpoints.TWO_SHARDS.stream()
                .sorted(Comparator.comparing(TfWrittenCheckpoints.Tensor::name))
                .toList();
        assertEquals(
                fed.stream()
                        .map(t -> t.name() + "\t" + t.dtypeName() + "\t" + t.shapeString())
                        .toList(),
                lines.subList(0, fed.size()));
        long bytes =
                fed.stream().mapToLong(TfWrittenCheckpoints.Tensor::byteSize).sum();
        assertTrue(
                lines.get(fed.size()).startsWith("# " + fed.size() + " tensors, " + bytes + " bytes (V2 checkpoint"),
                lines.get(fed.size()));

        Run json = run("inspect", twoShards, "--json");
        JsonObject doc = JsonParser.parseString(json.out()).getAsJsonObject();
        assertEquals(fed.size(), doc.get("count").getAsInt());
        assertEquals("V2", doc.get("format").getAsString());

        Run tensor = run("inspect", twoShards, "--tensor", "training/beta1_power");
        // 0.9f * 0.9f, as fed, printed as Java prints that float
        assertEquals(
                List.of("training/beta1_power\tfloat32\t", "0.80999994"),
                tensor.out().lines().toList());
        Run limited = run("inspect", twoShards, "--tensor", "net/embedding", "--limit", "3");
        assertEquals(4, limited.out().lines().count());
    }

    @Test
    void modelListsSlimsVariables() {
        Run r = run("model", "--num-classes", "1000", "--list-variables");
        List<String> lines = r.out().lines().toList();
        assertEquals(268, lines.size());
        assertTrue(lines.contains("resnet_v1_50/logits/weights\t1,1,2048,1000"));
        assertTrue(lines.get(267).startsWith("# 267 variables, 25610152 parameters"), lines.get(267));
    }

    @Test
    void userErrorsAreOneClearLineAndExitCodeOne() {
        Run missing = run("inspect", "/no/such/model.ckpt-5");
        assertEquals(1, missing.exitCode());
        assertTrue(
                missing.err().startsWith("jacktf inspect: error: /no/such/model.ckpt-5: no checkpoint here"),
                missing.err());
        assertEquals(1, missing.err().lines().count());

        Run badModel = run("model", "--model", "resnet_v3_50", "--list-variables");
        assertEquals(1, badModel.exitCode());
        assertTrue(badModel.err().contains("Unknown model 'resnet_v3_50'. Valid models: resnet_v1_50"), badModel.err());

        Run badFlag = run("train", "--dataset-dir", "x");
        assertEquals(2, badFlag.exitCode());
        assertTrue(badFlag.err().contains("Missing required option: '--train-dir=DIR'"), badFlag.err());

        Run mismatch = run(
                "restore-plan",
                "--checkpoint-path",
                TfWrittenCheckpoints.v1File().toString(),
                "--num-classes",
                "2");
        assertEquals(1, mismatch.exitCode());
        assertTrue(mismatch.err().contains("267 of 267 variables are not in checkpoint"), mismatch.err());
        assertTrue(mismatch.out().contains("missing 267"), mismatch.out());
    }

    @Test
    void aValueOutOfRangeNamesTheFlag() {
        Run negative = run("train", "--dataset-dir", "x", "--train-dir", "y", "--learning-rate", "-1");
        assertEquals(1, negative.exitCode());
        assertEquals(
                List.of("jacktf train: error: --learning-rate must be a finite number > 0. Received: -1.0"),
                negative.err().lines().toList());

        Run backwards = run("train", "--dataset-dir", "x", "--train-dir", "y", "--profile-steps", "5:2");
        assertEquals(1, backwards.exitCode());
        assertEquals(
                List.of("jacktf train: error: --profile-steps must be steps A:B with 1 <= A <= B. Received: 5:2"),
                backwards.err().lines().toList());

        Run both =
                run("train", "--dataset-dir", "x", "--train-dir", "y", "--epochs", "2", "--max-number-of-steps", "3");
        assertEquals(1, both.exitCode());
        assertTrue(both.err().contains("--epochs must be unset when --max-number-of-steps is set"), both.err());

        Run unknown = run("train", "--dataset-dir", "x", "--train-dir", "y", "--optimizer", "adamw");
        assertEquals(2, unknown.exitCode()); // a flag picocli cannot convert: a usage error
        assertTrue(
                unknown.err()
                        .startsWith("Invalid value for option '--optimizer': Unknown optimizer 'adamw'. "
                                + "Valid: sgd, momentum, rmsprop, adam, adagrad, adadelta, ftrl"),
                unknown.err());

        Run preprocessing = run("train", "--dataset-dir", "x", "--train-dir", "y", "--preprocessing-name", "lenet");
        assertEquals(2, preprocessing.exitCode());
        assertTrue(
                preprocessing
                        .err()
                        .startsWith("Invalid value for option '--preprocessing-name': Unknown preprocessing 'lenet'. "
                                + "Valid: vgg, inception"),
                preprocessing.err());
    }

    @Test
    void helpShowsTheDefaultsInForce() {
        String help = run("train", "--help").out().replaceAll("\\s+", " ");
        assertTrue(
                help.contains("--optimizer=NAME sgd, momentum, rmsprop, adam, adagrad, adadelta, ftrl "
                        + "(default: rmsprop)"),
                help);
        assertTrue(help.contains("Initial learning rate (default: 0.01)"), help);
        assertTrue(help.contains("(default: inference)"), help);
        assertTrue(help.contains("(default: the network's arg scope's, 0.997 for the ResNets"), help);
        assertTrue(help.contains("--preprocessing-name=vgg|inception"), help);
        assertTrue(
                help.contains("stored in the train dir for eval, export and serve (default: the network's zoo"
                        + " convention: inception for the Inceptions, MobileNets and ResNet-v2, vgg for ResNet-v1"
                        + " and VGG)"),
                help);
    }

    @Test
    void clusterFlagsAreCheckedBeforeAnyWork() {
        Run noCluster = run("train", "--dataset-dir", "x", "--train-dir", "y", "--job-name", "worker");
        assertEquals(1, noCluster.exitCode());
        assertTrue(
                noCluster.err().contains("--job-name, --task-index and --sync-replicas need --cluster (or TF_CONFIG)"),
                noCluster.err());

        Run noJob = run("train", "--dataset-dir", "x", "--train-dir", "y", "--cluster", "ps=a:1;worker=b:2");
        assertEquals(1, noJob.exitCode());
        assertTrue(noJob.err().contains("--cluster needs --job-name worker|ps"), noJob.err());

        Run badIndex = run(
                "train",
                "--dataset-dir",
                "x",
                "--train-dir",
                "y",
                "--cluster",
                "ps=a:1;worker=b:2",
                "--job-name",
                "worker",
                "--task-index",
                "3");
        assertEquals(1, badIndex.exitCode());
        assertTrue(
                badIndex.err().contains("--task-index 3 is outside job worker, which has 1 task(s)"), badIndex.err());
    }

    @Test
    void trainingOnImagesOfWhichNoneDecodesStopsWithAMessageInsteadOfSpinning(@TempDir Path dir) throws IOException {
        Path data = dir.resolve("data");
        SyntheticImages.generate(data, 2, 2, 48, 3, 0, SyntheticImages.Layout.FOLDERS);
        try (Stream<Path> files = Files.walk(data)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".jpg")).toList()) {
                byte[] bytes = Files.readAllBytes(f);
                Arrays.fill(bytes, 200, bytes.length - 2, (byte) 0xff); // headers intact, data garbage
                Files.write(f, bytes);
            }
        }
        Run r = run(
                "train",
                "--dataset-dir",
                data.toString(),
                "--train-dir",
                dir.resolve("train").toString(),
                "--train-image-size",
                "32",
                "--max-number-of-steps",
                "1");
        assertEquals(1, r.exitCode(), r.err());
        assertTrue(r.err().contains("None of the 4 training images in " + data + " can be decoded"), r.err());
    }

    @Test
    void inspectVerifyReadsEveryTensorOfEveryShard(@TempDir Path dir) throws IOException {
        Path twoShards = TfWrittenCheckpoints.twoShardsPrefix();
        int count = TfWrittenCheckpoints.TWO_SHARDS.size();
        Run good = run("inspect", "--verify", twoShards.toString());
        assertEquals(0, good.exitCode(), good.err());
        assertTrue(good.out().startsWith("verified " + count + " tensors"), good.out());

        // a byte flipped inside train/loss's data: the listing (index only) still works, --verify names it
        for (String f : TfWrittenCheckpoints.twoShardsFiles()) {
            Files.copy(twoShards.resolveSibling(f), dir.resolve(f));
        }
        Path data = dir.resolve("model.ckpt-1.data-00000-of-00002");
        byte[] bytes = Files.readAllBytes(data);
        bytes[9] ^= 0x5a; // shard 0: global_step's 8 bytes, then train/loss (as CheckpointReaderTest establishes)
        Files.write(data, bytes);
        assertEquals(0, run("inspect", dir.resolve("model.ckpt-1").toString()).exitCode());
        Run bad = run("inspect", "--verify", dir.resolve("model.ckpt-1").toString());
        assertEquals(1, bad.exitCode());
        assertTrue(bad.err().contains("bad tensor train/loss: "), bad.err());
        assertTrue(bad.err().contains("checksum mismatch for tensor 'train/loss'"), bad.err());
        assertTrue(bad.err().contains("1 of " + count + " tensors failed verification"), bad.err());
    }

    @Test
    void inspectVerifyChecksAStringTensorAsTfDoes() {
        // the TF2 checkpoint's string tensor (only older TF wrote one: ../shared/testdata) is checksummed as TF does
        Run strings = run(
                "inspect",
                "--verify",
                TestData.checkpoints().resolve("tf2_object_graph/variables").toString());
        assertEquals(0, strings.exitCode(), strings.err());
        assertTrue(strings.out().startsWith("verified 1 tensors"), strings.out());
    }

    /** The train command as the CLI runs it, on TinyNet ({@link TinyNetTrain}), in this JVM. */
    private static Run trainTiny(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = TinyNetTrain.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    @Tag("slow")
    void aDivergingRunIsOneLineNamingTheStepAndTheLastGoodCheckpoint(@TempDir Path dir) throws IOException {
        Path data = dir.resolve("data");
        SyntheticImages.generate(data, 2, 8, 40, 1, 0, SyntheticImages.Layout.FOLDERS);
        String trainDir = dir.resolve("train").toString();
        String[] common = {
            "--dataset-dir",
            data.toString(),
            "--train-dir",
            trainDir,
            "--train-image-size",
            "32",
            "--batch-size",
            "4",
            "--optimizer",
            "sgd",
            "--save-every-steps",
            "1"
        };
        Run first = trainTiny(concat(common, "--max-number-of-steps", "2", "--learning-rate", "0.01"));
        assertEquals(0, first.exitCode(), first.err());

        Run diverged = trainTiny(concat(common, "--max-number-of-steps", "50", "--learning-rate", "1e30"));
        assertEquals(1, diverged.exitCode(), diverged.err());
        List<String> lines = diverged.err().strip().lines().toList();
        assertEquals(1, lines.size(), diverged.err());
        assertTrue(lines.get(0).startsWith("jacktf train: error: Training diverged at step "), lines.get(0));
        // saved every step: the last good checkpoint is the step before the one whose loss was not finite
        Matcher m = Pattern.compile("diverged at step (\\d+):.*the last good checkpoint is .*model\\.ckpt-(\\d+)\\.")
                .matcher(lines.get(0));
        assertTrue(m.find(), lines.get(0));
        assertEquals(Long.parseLong(m.group(1)) - 1, Long.parseLong(m.group(2)), lines.get(0));
        assertTrue(Long.parseLong(m.group(2)) >= 2, "the first run's checkpoint or later: " + lines.get(0));
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
