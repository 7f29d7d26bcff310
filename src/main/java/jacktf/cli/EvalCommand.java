package jacktf.cli;

import jacktf.config.Defaults;
import jacktf.config.JacktfException;
import jacktf.data.DatasetSource;
import jacktf.data.DatasetSplits;
import jacktf.data.ImageDataset;
import jacktf.data.TfRecordDataset;
import jacktf.eval.EvalReport;
import jacktf.eval.Evaluator;
import jacktf.traindir.ModelInfo;
import jacktf.traindir.TrainDir;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jacktf eval}: slim's eval_image_classifier.py. */
@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        description = "Accuracy, top-5 recall, per-class precision/recall and the confusion matrix of a checkpoint.")
final class EvalCommand implements Callable<Integer> {
    @Option(
            names = "--checkpoint-path",
            required = true,
            paramLabel = "CKPT|TRAIN_DIR",
            description = "What to evaluate.")
    Path checkpointPath;

    @Option(
            names = "--dataset-dir",
            required = true,
            paramLabel = "DIR",
            description = "The image folder, or the directory of slim's TFRecord shards and labels.txt.")
    Path datasetDir;

    @Option(
            names = "--split",
            defaultValue = "validation",
            paramLabel = "validation|train|all",
            description = "Which images (default: ${DEFAULT-VALUE}; the training run's hold-out is reproduced).")
    String split;

    @Option(names = "--batch-size", description = "Images per batch (default: ${DEFAULT-VALUE}).")
    int batchSize = Defaults.BATCH_SIZE_DEFAULT;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        TrainDir model = TrainDir.containing(checkpointPath);
        ModelInfo info = model.modelInfo();
        DatasetSource source = DatasetSource.of(datasetDir);
        // a TFRecord dataset's split is its shards', never a hold-out
        boolean holdOut = !split.equals("all") && !(source instanceof TfRecordDataset);
        DatasetSplits splits = source.load(holdOut ? info.validationSplit() : 0, info.splitSeed());
        ImageDataset dataset =
                switch (split) {
                    case "all", "train" -> splits.train();
                    case "validation" -> splits.validation().size() > 0 ? splits.validation() : splits.train();
                    default -> throw new JacktfException("--split must be validation, train or all, got " + split);
                };
        PrintWriter out = spec.commandLine().getOut();
        if (split.equals("validation") && splits.validation().size() == 0 && !json) {
            out.println(
                    "No validation split (no validation/ folder and the model was trained without --validation-split): "
                            + "evaluating all " + dataset.size() + " images");
        }
        Path summaryDir = model.evalDir();
        EvalReport r = Evaluator.evaluate(checkpointPath, dataset, batchSize, summaryDir);
        if (json) {
            out.println(Json.GSON.toJson(r));
        } else {
            out.printf("%s (step %d) on %d images%n", r.checkpoint(), r.globalStep(), r.examples());
            out.printf("eval/Accuracy = %.4f%neval/Recall_5 = %.4f%n", r.accuracy(), r.recallAt5());
            out.printf("%-20s %9s %9s%n", "class", "precision", "recall");
            for (int c = 0; c < r.classNames().size(); c++) {
                out.printf("%-20s %9.4f %9.4f%n", r.classNames().get(c), r.precision()[c], r.recall()[c]);
            }
            out.println("confusion matrix (rows: true class, columns: predicted):");
            out.printf("%-20s", "");
            r.classNames().forEach(n -> out.printf(" %10s", n.length() > 10 ? n.substring(0, 10) : n));
            out.println();
            for (int c = 0; c < r.classNames().size(); c++) {
                out.printf("%-20s", r.classNames().get(c));
                for (int k : r.confusion()[c]) {
                    out.printf(" %10d", k);
                }
                out.println();
            }
            if (!r.undecodable().isEmpty()) {
                out.println("Left out " + r.undecodable().size() + " images that failed to decode:");
                r.undecodable().forEach(f -> out.println("  " + f));
            }
            out.println("Summaries: " + summaryDir);
        }
        out.flush();
        return 0;
    }
}
