package jacktf.cli;

import jacktf.checkpoint.PretrainedCheckpoints;
import jacktf.checkpoint.RestoreOptions;
import jacktf.checkpoint.ZooCheckpoint;
import jacktf.config.LearningRateDecayType;
import jacktf.config.OptimizerType;
import jacktf.data.ImageFolder;
import jacktf.data.SyntheticImages;
import jacktf.eval.EvalReport;
import jacktf.eval.Evaluator;
import jacktf.eval.FeatureExtractor;
import jacktf.export.SavedModelExporter;
import jacktf.model.Network;
import jacktf.model.Networks;
import jacktf.model.Precision;
import jacktf.report.TrainingReport;
import jacktf.serve.Classifier;
import jacktf.train.Optimizer;
import jacktf.train.TrainConfig;
import jacktf.train.TrainResult;
import jacktf.train.Trainer;
import jacktf.traindir.TrainDir;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code jacktf demo}: the whole workflow on a built-in default, honestly: with no pretrained
 * checkpoint on the machine it pretrains one on synthetic shapes, then replaces the classifier,
 * loads part of the checkpoint, freezes part of the network, trains, evaluates, takes out an inner
 * layer, exports a SavedModel and classifies through it.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = "Run the whole fine-tuning workflow on built-in synthetic data (or a real slim checkpoint).")
final class DemoCommand implements Callable<Integer> {
    @Option(
            names = "--workdir",
            defaultValue = ".",
            paramLabel = "DIR",
            description = "Writes models/, savedmodels/ and demo/ here (default: the current directory).")
    Path workdir;

    @Option(names = "--quick", description = "A smaller run that finishes in about a minute.")
    boolean quick;

    @Option(
            names = "--model",
            paramLabel = "NAME",
            completionCandidates = ModelOptions.NetworkNames.class,
            description = "The network, by slim's nets_factory name (mobilenet_v1_025 makes a fast demo; "
                    + "default: ${DEFAULT-VALUE}).")
    String model = "resnet_v1_50";

    @Option(
            names = "--dataset-dir",
            paramLabel = "DIR",
            description = "Your images; with models/<model>.ckpt present, fine-tunes the real slim checkpoint on them.")
    Path datasetDir;

    @Option(
            names = "--head-steps",
            paramLabel = "N",
            description = "Real checkpoint only: steps of stage 1, the new head alone (default 200; 50 with --quick).")
    Long headSteps;

    @Option(
            names = "--all-steps",
            paramLabel = "N",
            description = "Real checkpoint only: steps of stage 2, every layer (default 100; 20 with --quick).")
    Long allSteps;

    @Spec
    CommandSpec spec;

    /** The network of --model; its zoo checkpoint sees images of its {@code default_image_size}. */
    private Network network;
    /** slim's stage 1 (finetune_resnet_v1_50_on_flowers.sh): only the new logits, at learning rate 0.01. */
    static final float HEAD_LEARNING_RATE = 0.01f;
    /** slim's stage 2: every layer from stage 1's checkpoint, at learning rate 0.001. */
    static final float ALL_LAYERS_LEARNING_RATE = 0.001f;

    private record Sizes(
            int classes, int perClass, int pixels, int imageSize, int batch, long pretrainSteps, long fineTuneSteps) {}

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        network = Networks.byName(model).build(2);
        String name = network.name();
        String head = String.join(",", network.headScopes());
        Path demo = workdir.resolve("demo");
        Path models = workdir.resolve("models");
        Path savedModels = workdir.resolve("savedmodels");
        // where `jacktf download NAME` puts it (models/NAME/), else one unpacked by hand into models/
        Path downloaded = ZooCheckpoint.find(name)
                .map(zoo -> new PretrainedCheckpoints(models).checkpointPath(zoo))
                .orElse(null);
        Path realCheckpoint =
                downloaded != null && Files.isRegularFile(downloaded) ? downloaded : models.resolve(name + ".ckpt");
        boolean real = datasetDir != null && Files.isRegularFile(realCheckpoint);
        // The real path's steps come from the stage flags (fineTuneTheZooCheckpoint); only its batch is used here.
        // --quick shows every stage once: 20 or 40 steps of resnet_v1_50 from scratch both leave the shapes at
        // chance (validation accuracy 0.25 and 0.125 on 8 images), so it pretrains 20; the fine-tuning keeps 30
        // (5 of 6 held-out images right; after 20 it can still be at chance).
        Sizes s = real
                ? new Sizes(0, 0, 0, network.defaultImageSize(), quick ? 8 : 16, 0, 0)
                : quick ? new Sizes(4, 16, 40, 32, 8, 20, 30) : new Sizes(6, 60, 72, 64, 16, 300, 120);
        if (s.imageSize() < network.minimumImageSize()) {
            // VGG's fc6 is a 7x7 VALID convolution: it runs at its default size only.
            int size = network.defaultImageSize();
            s = new Sizes(s.classes(), s.perClass(), size, size, s.batch(), s.pretrainSteps(), s.fineTuneSteps());
        }
        long started = System.nanoTime();

        Path pretrained;
        Path data;
        if (real) {
            out.println("== Using the real slim checkpoint " + realCheckpoint + " and your images in " + datasetDir);
            pretrained = realCheckpoint;
            data = datasetDir;
        } else {
            if (datasetDir != null) {
                out.println("(no " + realCheckpoint
                        + ": pretraining on synthetic shapes instead; see README for the zoo file)");
            }
            Path shapes = demo.resolve("data/shapes");
            data = datasetDir != null ? datasetDir : demo.resolve("data/cats_vs_dogs");
            step(
                    out,
                    1,
                    "Synthetic datasets: " + s.classes()
                            + " shapes to pretrain on, 2 related shapes as 'cats vs dogs'");
            if (!Files.exists(shapes)) {
                SyntheticImages.generate(
                        shapes, s.classes(), s.perClass(), s.pixels(), 1, 0, SyntheticImages.Layout.FOLDERS);
            }
            if (datasetDir == null && !Files.exists(data)) {
                SyntheticImages.generate(data, 2, s.perClass(), s.pixels(), 2, 8, SyntheticImages.Layout.FLAT);
            }
            Path pretrainDir = models.resolve(name + "_shapes");
            step(out, 2, "Pretraining " + name + " at " + s.imageSize() + "px on the shapes -> " + pretrainDir);
            TrainResult pre = Trainer.create(base(shapes, pretrainDir, s)
                            .maxNumberOfSteps(s.pretrainSteps())
                            .validationSplit(0.1)
                            .build())
                    .addListener(new ConsoleProgress(out, 50))
                    .train();
            pretrained = pre.checkpoint();
        }

        Path trainDir = demo.resolve("train/cats_vs_dogs");
        TrainConfig fineTune;
        if (real) {
            fineTune = fineTuneTheZooCheckpoint(
                    out, pretrained, data, demo.resolve("train/cats_vs_dogs_head"), trainDir, s.batch());
        } else {
            List<String> frozen = name.startsWith("resnet_")
                    ? List.of(network.scope() + "/conv1", network.scope() + "/block1", network.scope() + "/block2")
                    : List.of();
            step(
                    out,
                    3,
                    "Fine-tuning from " + pretrained + ": new 2-class head (" + head + " excluded from the "
                            + "restore)" + (frozen.isEmpty() ? "" : ", " + String.join(", ", frozen) + " frozen"));
            fineTune = base(data, trainDir, s)
                    .checkpointPath(pretrained)
                    .restoreOptions(
                            RestoreOptions.excluding(network.headScopes().toArray(String[]::new)))
                    .freezeScopes(frozen)
                    .maxNumberOfSteps(s.fineTuneSteps())
                    .validationSplit(0.2)
                    .validationEvery((int) s.fineTuneSteps() / 2)
                    .build();
        }
        TrainResult tuned = Trainer.create(fineTune)
                .addListener(new ConsoleProgress(out, 25))
                .train();

        step(out, 4, "Evaluating on the held-out images");
        var splits = ImageFolder.load(data, 0.2, fineTune.seed());
        EvalReport report = Evaluator.evaluate(
                trainDir,
                splits.validation().size() > 0 ? splits.validation() : splits.train(),
                s.batch(),
                TrainDir.of(trainDir).evalDir());
        out.printf(
                "eval/Accuracy = %.3f on %d images (classes %s)%n",
                report.accuracy(), report.examples(), report.classNames());

        Path features = demo.resolve("features/cats_vs_dogs");
        String featureEndpoint = network.featureEndpoint();
        step(out, 5, "Taking out " + featureEndpoint + " for every image (+ TensorBoard projector) -> " + features);
        var extraction = FeatureExtractor.extract(trainDir, featureEndpoint, splits.train(), features, true, s.batch());
        out.println("features.npy shape " + Arrays.toString(extraction.shape()));

        Path exportBase = savedModels.resolve("cats_vs_dogs");
        step(out, 6, "Exporting a SavedModel for TF Serving -> " + exportBase);
        Path version = SavedModelExporter.export(trainDir, exportBase, null, Precision.FP32, featureEndpoint);
        out.println("wrote " + version);

        step(out, 7, "Classifying a few images through the SavedModel (Java Classifier API)");
        try (Classifier classifier = Classifier.load(exportBase)) {
            for (var example : splits.validation().examples().stream().limit(4).toList()) {
                Classifier.Score top =
                        classifier.classify(Files.readAllBytes(example.file())).top();
                out.printf(
                        "  %-40s -> %s (%.2f); true class %s%n",
                        example.file().getFileName(),
                        top.className(),
                        top.probability(),
                        report.classNames().get(example.label()));
            }
        }

        Path reportFile = TrainingReport.write(trainDir, TrainDir.of(trainDir).reportFile());
        step(out, 8, "Report -> " + reportFile);

        out.printf("%nDone in %.0f s. Where everything went:%n", (System.nanoTime() - started) / 1e9);
        out.println("  pretrained checkpoint  " + pretrained);
        out.println("  fine-tuned train dir   " + trainDir + "   (final validation accuracy "
                + (tuned.lastValidation() == null
                        ? "n/a"
                        : String.format("%.3f", tuned.lastValidation().accuracy())) + ")");
        out.println("  features               " + features);
        out.println("  SavedModel             " + version);
        out.println("  report                 " + reportFile);
        out.println("Look at it:");
        out.println("  tensorboard --logdir " + demo.resolve("train") + "   (projector: --logdir "
                + features.resolve("projector") + ")");
        out.println("  tools/jacktf serve --model-base-path " + exportBase);
        out.println("  curl -d '{\"instances\": [{\"b64\": \"'$(base64 -w0 IMAGE.jpg)'\"}]}' "
                + "http://127.0.0.1:8501/v1/models/cats_vs_dogs:predict");
        out.flush();
        return 0;
    }

    /**
     * slim's recipe for a new dataset (its {@code finetune_resnet_v1_50_on_flowers.sh}) at the zoo's 224 px
     * with slim's defaults otherwise (RMSProp, exponential decay, batch-norm decay 0.997, weight decay
     * 0.00004): stage 1 trains only the new 2-class head on the loaded backbone and runs here; stage 2, every
     * layer from stage 1's checkpoint at a tenth of the rate, is returned for the caller to run.
     */
    private TrainConfig fineTuneTheZooCheckpoint(
            PrintWriter out, Path zooCheckpoint, Path data, Path headDir, Path trainDir, int batch) throws Exception {
        long stage1 = headSteps != null ? headSteps : quick ? 50 : 200;
        long stage2 = allSteps != null ? allSteps : quick ? 20 : 100;
        step(
                out,
                3,
                "Stage 1 of slim's recipe at " + network.defaultImageSize() + "px: only the new 2-class head "
                        + "(" + String.join(",", network.headScopes())
                        + " excluded from the restore and the only trainable scope), learning rate "
                        + HEAD_LEARNING_RATE + ", " + stage1 + " steps -> " + headDir);
        Trainer.create(zooBase(data, headDir, batch)
                        .checkpointPath(zooCheckpoint)
                        .restoreOptions(
                                RestoreOptions.excluding(network.headScopes().toArray(String[]::new)))
                        .trainableScopes(network.headScopes())
                        .learningRate(HEAD_LEARNING_RATE)
                        .maxNumberOfSteps(stage1)
                        .build())
                .addListener(new ConsoleProgress(out, 25))
                .train();
        step(
                out,
                3,
                "Stage 2: every layer from stage 1's checkpoint, learning rate " + ALL_LAYERS_LEARNING_RATE + ", "
                        + stage2 + " steps -> " + trainDir);
        return zooBase(data, trainDir, batch)
                .checkpointPath(headDir)
                .learningRate(ALL_LAYERS_LEARNING_RATE)
                .maxNumberOfSteps(stage2)
                .validationEvery((int) Math.max(1, stage2 / 2))
                .build();
    }

    private TrainConfig.Builder zooBase(Path data, Path trainDir, int batch) {
        return TrainConfig.builder(data, trainDir)
                .model(network.type())
                .imageSize(network.defaultImageSize())
                .batchSize(batch)
                .validationSplit(0.2)
                .saveSummariesSecs(60)
                .logEveryNSteps(5);
    }

    private TrainConfig.Builder base(Path data, Path trainDir, Sizes s) {
        Optimizer.Params adam = Optimizer.Params.slimDefaults().withEpsilon(1e-8f);
        return TrainConfig.builder(data, trainDir)
                .model(network.type())
                // AuxLogits at the demo's small sizes would not match a zoo checkpoint's: the demo leaves them out.
                .auxLogits(false)
                .imageSize(s.imageSize())
                .batchSize(s.batch())
                .optimizer(OptimizerType.ADAM)
                .optimizerParams(adam)
                .learningRate(1e-3f)
                .learningRateDecayType(LearningRateDecayType.FIXED)
                .batchNormDecay(0.9f)
                .saveSummariesSecs(60)
                .logEveryNSteps(5);
    }

    private static void step(PrintWriter out, int n, String what) {
        out.printf("%n== %d. %s%n", n, what);
        out.flush();
    }
}
