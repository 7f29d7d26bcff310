package jacktf.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import jacktf.checkpoint.ZooFixtures;
import jacktf.config.ConfigException;
import jacktf.config.Preprocessing;
import jacktf.data.SyntheticImages;
import jacktf.model.Networks;
import jacktf.serve.Classifier;
import jacktf.traindir.ModelInfo;
import jacktf.traindir.TrainDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Signature;
import picocli.CommandLine;

/**
 * Each network's zoo conventions as the commands apply them (issue 28, item 2): the preprocessing slim's zoo
 * trained it with (slim's README: inception for the Inceptions, MobileNets and ResNet-v2, vgg for ResNet-v1 and
 * VGG) unless --preprocessing-name says otherwise, and its head left out of a warm start from a checkpoint of
 * other classes. The checkpoint is a 7-class mobilenet_v1_025 saved by TF's SaveV2, without jacktf's files
 * beside it (as a zoo archive unpacked by hand).
 */
class ZooConventionsCliTest {
    private static final String MOBILENET = "mobilenet_v1_025";

    @TempDir
    static Path work;

    /** A V2 prefix of a 7-class mobilenet_v1_025, labels.txt beside it and no jacktf.properties. */
    private static Path sevenClasses;

    @BeforeAll
    static void writeCheckpoint() throws IOException {
        Path dir = Files.createDirectories(work.resolve("mobilenet7"));
        Map<String, byte[]> files =
                ZooFixtures.v2Checkpoint(Networks.byName(MOBILENET), 7, 32, work, "mobilenet_v1_0.25.ckpt");
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            Files.write(dir.resolve(f.getKey()), f.getValue());
        }
        TrainDir.of(dir)
                .writeLabels(IntStream.range(0, 7).mapToObj(i -> "c" + i).toList());
        sevenClasses = dir.resolve("mobilenet_v1_0.25.ckpt");
    }

    private static TrainCommand parseTrain(String... extra) {
        String[] base = {"train", "--dataset-dir", "data", "--train-dir", "train"};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        CommandLine.ParseResult parsed = JacktfCommand.commandLine().parseArgs(args);
        return (TrainCommand) parsed.subcommand().commandSpec().userObject();
    }

    @Test
    void trainPreprocessesAsTheNetworksZooEntryUnlessTold() {
        assertEquals(
                Preprocessing.INCEPTION,
                parseTrain("--model", MOBILENET).config().preprocessing());
        assertEquals(
                Preprocessing.INCEPTION,
                parseTrain("--model", "resnet_v2_50").config().preprocessing());
        assertEquals(
                Preprocessing.INCEPTION,
                parseTrain("--model", "inception_v3").config().preprocessing());
        assertEquals(Preprocessing.VGG, parseTrain("--model", "vgg_16").config().preprocessing());
        assertEquals(Preprocessing.VGG, parseTrain().config().preprocessing()); // resnet_v1_50
        assertEquals(
                Preprocessing.VGG,
                parseTrain("--model", MOBILENET, "--preprocessing-name", "vgg")
                        .config()
                        .preprocessing());
        assertEquals(
                Preprocessing.INCEPTION,
                parseTrain("--preprocessing-name", "inception").config().preprocessing());
        CliTest.Run help = CliTest.run("train", "--help");
        String text = help.out().replaceAll("\\s+", " ");
        assertTrue(
                text.contains("default: the network's zoo convention: inception for the Inceptions, MobileNets and"
                        + " ResNet-v2, vgg for ResNet-v1 and VGG"),
                help.out());
    }

    @Test
    void restorePlanExcludesTheHeadOfACheckpointOfOtherClasses() {
        CliTest.Run r = CliTest.run(
                "restore-plan",
                "--model",
                MOBILENET,
                "--num-classes",
                "5",
                "--checkpoint-path",
                sevenClasses.toString());
        assertEquals(0, r.exitCode(), r.err());
        // slim's finetune scripts exclude MobilenetV1/Logits by hand; here it is the default for other classes
        assertTrue(r.out().contains("exclude scopes: MobilenetV1/Logits (the head, by default"), r.out());

        CliTest.Run same = CliTest.run(
                "restore-plan",
                "--model",
                MOBILENET,
                "--num-classes",
                "7",
                "--checkpoint-path",
                sevenClasses.toString());
        assertEquals(0, same.exitCode(), same.err());
        assertTrue(!same.out().contains("MobilenetV1/Logits (the head"), same.out());
    }

    @Test
    void exportOfAZooCheckpointWithoutJacktfsFilesUsesItsZooPreprocessing() throws IOException {
        Path base = work.resolve("savedmodels/mobilenet");
        CliTest.Run r =
                CliTest.run("export", "--checkpoint-path", sevenClasses.toString(), "--output", base.toString());
        assertEquals(0, r.exitCode(), r.err());
        // MobileNet-v1's zoo checkpoints: inception preprocessing at 224 (nets/mobilenet_v1.md, slim's README)
        assertEquals(
                new ModelInfo(224, Preprocessing.INCEPTION, 0, 0),
                ModelInfo.readFile(base.resolve("1/assets").resolve(ModelInfo.FILE_NAME)));
    }

    /**
     * Without --feature-endpoint, export's features signature, predict and extract take the network's pooled
     * features (MobileNet-v1's AvgPool_1a, 256 channels at depth 0.25), not the ResNets' global_pool.
     */
    @Test
    @Tag("slow")
    void predictExportAndExtractTakeTheNetworksPooledFeatures() throws IOException {
        Path base = work.resolve("savedmodels/mobilenet_features");
        CliTest.Run r =
                CliTest.run("export", "--checkpoint-path", sevenClasses.toString(), "--output", base.toString());
        assertEquals(0, r.exitCode(), r.err());
        try (Classifier classifier = Classifier.load(base)) {
            Signature features = classifier.signatures().stream()
                    .filter(sig -> sig.key().equals("features"))
                    .findFirst()
                    .orElseThrow();
            assertArrayEquals(
                    new long[] {-1, 256},
                    features.getOutputs().get("features").shape.asArray());
        }
        // predict from the checkpoint builds the same graph in memory
        Path images = work.resolve("images");
        SyntheticImages.generate(images, 2, 1, 64, 3, 0, SyntheticImages.Layout.FOLDERS);
        CliTest.Run predict = CliTest.run("predict", "--checkpoint-path", sevenClasses.toString(), images.toString());
        assertEquals(0, predict.exitCode(), predict.err());
        assertEquals(2, predict.out().lines().count(), predict.out());
        // and extract takes out the same pooled features unless told otherwise
        CliTest.Run extract = CliTest.run(
                "extract",
                "--checkpoint-path",
                sevenClasses.toString(),
                "--dataset-dir",
                images.toString(),
                "--output",
                work.resolve("features").toString());
        assertEquals(0, extract.exitCode(), extract.err());
        assertTrue(extract.out().startsWith("AvgPool_1a: "), extract.out());
        assertTrue(extract.out().strip().endsWith(" [2,1,1,256]"), extract.out()); // 2 images, slim's 4-d pool
    }

    /*
     * The smallest inputs, by hand from slim's files: Inception-v3's and Inception-ResNet-v2's stem and reductions
     * are VALID (3x3/2 conv, 3x3 conv, 3x3/2 pool, 3x3 conv, 3x3/2 pool, then the 3x3/2 reductions Mixed_6a and
     * Mixed_7a): 75 -> 37 -> 35 -> 17 -> 15 -> 7 -> 3 -> 1, and 74 leaves Mixed_7a nothing. AuxLogits pools 5x5
     * (VALID) on Mixed_6e / PreAuxLogits, the map after Mixed_6a: 107 -> 53 -> 51 -> 25 -> 23 -> 11 -> 5, and 106
     * leaves it 4x4. VGG's fc6 is a 7x7 VALID convolution on pool5, 1/32 of the input: 224.
     */

    /** train with directories that need not exist: the configuration fails before anything is read. */
    private static CliTest.Run train(String... args) {
        List<String> all = new ArrayList<>(List.of(
                "train",
                "--dataset-dir",
                work.resolve("none").toString(),
                "--train-dir",
                work.resolve("train").toString()));
        all.addAll(List.of(args));
        return CliTest.run(all.toArray(String[]::new));
    }

    private static void assertOneLine(CliTest.Run r, String command, String message) {
        assertEquals(1, r.exitCode(), r.err());
        assertEquals("jacktf " + command + ": error: " + message, r.err().strip());
    }

    @Test
    void imagesBelowTheNetworksMinimumAreAUserErrorNamingTheFix() {
        String inceptionAt32 = " must be at least 75 for inception_v3 (its VALID convolutions and pools leave no"
                + " feature map below that); give a larger one. Received: 32";
        assertOneLine(
                CliTest.run("model", "--model", "inception_v3", "--image-size", "32", "--list-variables"),
                "model",
                "--image-size" + inceptionAt32);
        assertOneLine(
                train("--model", "inception_v3", "--train-image-size", "32", "--no-aux-logits"),
                "train",
                "--train-image-size" + inceptionAt32);
        assertOneLine(
                CliTest.run("bench", "infer", "--model", "vgg_16", "--image-size", "64"),
                "bench",
                "--image-size must be at least 224 for vgg_16 (its VALID convolutions and pools leave no feature map"
                        + " below that); give a larger one. Received: 64");
    }

    @Test
    void imagesTooSmallForAuxLogitsNameNoAuxLogits() {
        String auxAt106 = " must be at least 107 for inception_resnet_v2 with AuxLogits (their 5x5 pool needs it);"
                + " give a larger one, or turn AuxLogits off (--no-aux-logits), which builds from 75. Received: 106";
        assertOneLine(
                CliTest.run(
                        "model",
                        "--model",
                        "inception_resnet_v2",
                        "--num-classes",
                        "5",
                        "--image-size",
                        "106",
                        "--list-variables"),
                "model",
                "--image-size" + auxAt106);
        assertOneLine(
                train("--model", "inception_resnet_v2", "--train-image-size", "106"),
                "train",
                "--train-image-size" + auxAt106);
        assertOneLine(
                CliTest.run("bench", "train", "--model", "inception_resnet_v2", "--image-size", "106"),
                "bench",
                "--image-size" + auxAt106);
        // at 107 the map AuxLogits pools is 5x5: it builds
        CliTest.Run at107 = CliTest.run(
                "model", "--model", "inception_v3", "--num-classes", "5", "--image-size", "107", "--list-endpoints");
        assertEquals(0, at107.exitCode(), at107.err());
        assertTrue(at107.out().lines().anyMatch(l -> l.startsWith("AuxLogits\t")), at107.out());
    }

    /** eval, predict, extract and export take the size from the model's jacktf.properties: the error says so. */
    @Test
    void commandsWithoutASizeFlagNameTheModelsFile() {
        for (String command : new String[] {"eval", "predict", "extract", "export"}) {
            var spec = JacktfCommand.commandLine().getSubcommands().get(command).getCommandSpec();
            assertEquals(
                    "image_size (the model's jacktf.properties) must be at least 75 for inception_v3. Received: 32",
                    UserErrors.message(new ConfigException("imageSize", "at least 75 for inception_v3", 32), spec),
                    command);
        }
    }

    /** bench takes --no-aux-logits as train does: below 107 the Inceptions are then measured from 75 up. */
    @Test
    void benchTakesNoAuxLogits() {
        // without AuxLogits the minimum the configuration checks is 75, not 107: the flag reached the network
        assertOneLine(
                CliTest.run("bench", "infer", "--model", "inception_v3", "--image-size", "74", "--no-aux-logits"),
                "bench",
                "--image-size must be at least 75 for inception_v3 (its VALID convolutions and pools leave no"
                        + " feature map below that); give a larger one. Received: 74");
    }

    @Test
    @Tag("slow")
    void benchMeasuresAnInceptionWithoutAuxLogitsBelow107(@TempDir Path bench) {
        CliTest.Run r = CliTest.run(
                "bench",
                "infer",
                "--model",
                "inception_v3",
                "--image-size",
                "75",
                "--no-aux-logits",
                "--batch-size",
                "1",
                "--steps",
                "1",
                "--warmup",
                "0",
                "--json",
                "--work-dir",
                bench.toString());
        assertEquals(0, r.exitCode(), r.err());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals(75, o.get("image_size").getAsInt());
        assertEquals("infer", o.get("mode").getAsString());
    }

    /**
     * eval, predict, extract and export build at the model's own size (its jacktf.properties): one below the
     * network's minimum is the same one-line error, naming the file, for each of them (they build no AuxLogits). A
     * 2-class inception_v3 saved by SaveV2 (24M parameters: slow to write).
     */
    @Test
    @Tag("slow")
    void checkpointCommandsRefuseAModelSizeBelowTheMinimum(@TempDir Path dir) throws IOException {
        Map<String, byte[]> files = ZooFixtures.v2Checkpoint(Networks.byName("inception_v3"), 2, 299, dir, "m.ckpt");
        Path model = Files.createDirectories(dir.resolve("model"));
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            Files.write(model.resolve(f.getKey()), f.getValue());
        }
        TrainDir.of(model).writeLabels(List.of("circle", "square")); // SyntheticImages' first two classes
        TrainDir.of(model).writeModelInfo(new ModelInfo(74, Preprocessing.INCEPTION, 0, 0));
        Path images = dir.resolve("images");
        SyntheticImages.generate(images, 2, 1, 80, 3, 0, SyntheticImages.Layout.FOLDERS);
        Path checkpoint = model.resolve("m.ckpt");
        String message = "image_size (the model's jacktf.properties) must be at least 75 for inception_v3 (its VALID"
                + " convolutions and pools leave no feature map below that); give a larger one. Received: 74";
        assertOneLine(
                CliTest.run("eval", "--checkpoint-path", checkpoint.toString(), "--dataset-dir", images.toString()),
                "eval",
                message);
        assertOneLine(
                CliTest.run(
                        "extract",
                        "--checkpoint-path",
                        checkpoint.toString(),
                        "--endpoint",
                        "PreLogits",
                        "--dataset-dir",
                        images.toString(),
                        "--output",
                        dir.resolve("features").toString()),
                "extract",
                message);
        assertOneLine(
                CliTest.run(
                        "export",
                        "--checkpoint-path",
                        checkpoint.toString(),
                        "--output",
                        dir.resolve("saved").toString(),
                        "--feature-endpoint",
                        "PreLogits"),
                "export",
                message);
        assertOneLine(
                CliTest.run("predict", "--checkpoint-path", checkpoint.toString(), images.toString()),
                "predict",
                message);
    }
}
