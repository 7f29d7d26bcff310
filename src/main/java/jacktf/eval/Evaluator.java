package jacktf.eval;

import jacktf.checkpoint.Checkpoint;
import jacktf.data.DatasetException;
import jacktf.data.ImageDataset;
import jacktf.data.InputPipeline;
import jacktf.model.Tower;
import jacktf.runtime.Batches;
import jacktf.runtime.TensorFlowRuntime;
import jacktf.traindir.TrainDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.Session;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;

/** slim's eval_image_classifier.py: accuracy and top-5 recall of a checkpoint on a dataset split. */
public final class Evaluator {
    private static final int SAMPLES = 24;

    private Evaluator() {}

    /**
     * Evaluates every image of {@code dataset} and, when {@code summaryDir} is given, writes
     * {@code eval/Accuracy} and {@code eval/Recall_5} there at the checkpoint's global step.
     */
    public static EvalReport evaluate(Path checkpointPath, ImageDataset dataset, int batchSize, Path summaryDir)
            throws IOException {
        TensorFlowRuntime.ensureLoaded(); // a missing platform names its Maven classifier, not an UnsatisfiedLinkError
        List<String> classNames = TrainDir.containing(checkpointPath).labels();
        if (!classNames.equals(dataset.classNames())) {
            throw new DatasetException("The dataset's classes " + dataset.classNames() + " are not the model's "
                    + classNames + " (labels.txt beside the checkpoint)");
        }
        try (EvaluationGraph eval = EvaluationGraph.open(checkpointPath, dataset, batchSize)) {
            Checkpoint checkpoint = eval.checkpoint;
            Session session = eval.session;
            InputPipeline input = eval.input;
            Tower tower = eval.tower;
            long step = checkpoint.find("global_step").isPresent()
                    ? checkpoint.read("global_step").longs()[0]
                    : 0;

            int n = classNames.size();
            int[][] confusion = new int[n][n];
            int[] counts = new int[3]; // correct, in top 5, examples
            List<EvalReport.Sample> samples = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            Batches.runToEnd(
                    () -> session.runner()
                            .fetch(tower.predictions())
                            .fetch(input.labels())
                            .fetch(input.files()),
                    r -> {
                        TFloat32 probabilities = (TFloat32) r.get(0);
                        TInt64 labels = (TInt64) r.get(1);
                        TString files = (TString) r.get(2);
                        int batch = (int) probabilities.shape().get(0);
                        for (int i = 0; i < batch; i++) {
                            int label = (int) labels.getLong(i);
                            float[] p = new float[n];
                            int best = 0;
                            for (int c = 0; c < n; c++) {
                                p[c] = probabilities.getFloat(i, c);
                                if (p[c] > p[best]) {
                                    best = c;
                                }
                            }
                            int rank = 0;
                            for (int c = 0; c < n; c++) {
                                if (p[c] > p[label]) {
                                    rank++;
                                }
                            }
                            confusion[label][best]++;
                            counts[0] += best == label ? 1 : 0;
                            counts[1] += rank < 5 ? 1 : 0;
                            seen.add(files.getObject(i));
                            if (samples.size() < SAMPLES) {
                                samples.add(new EvalReport.Sample(files.getObject(i), label, best, p[best]));
                            }
                            counts[2]++;
                        }
                    });
            int correct = counts[0];
            int inTop5 = counts[1];
            int examples = counts[2];
            float[] precision = new float[n];
            float[] recall = new float[n];
            for (int c = 0; c < n; c++) {
                int predicted = 0;
                int actual = 0;
                for (int k = 0; k < n; k++) {
                    predicted += confusion[k][c];
                    actual += confusion[c][k];
                }
                precision[c] = predicted == 0 ? 0 : (float) confusion[c][c] / predicted;
                recall[c] = actual == 0 ? 0 : (float) confusion[c][c] / actual;
            }
            float accuracy = examples == 0 ? 0 : (float) correct / examples;
            float recall5 = examples == 0 ? 0 : (float) inTop5 / examples;
            if (summaryDir != null) {
                Files.createDirectories(summaryDir);
                Map<String, Float> scalars = new LinkedHashMap<>();
                scalars.put("eval/Accuracy", accuracy);
                scalars.put("eval/Recall_5", recall5);
                ScalarSummaryWriter.write(eval.model.ops("eval_summaries"), session, summaryDir, step, scalars);
            }
            EvalReport report = new EvalReport(
                    checkpoint.path().toString(),
                    step,
                    classNames,
                    examples,
                    accuracy,
                    recall5,
                    confusion,
                    precision,
                    recall,
                    samples,
                    dataset.files().stream().filter(f -> !seen.contains(f)).toList());
            if (summaryDir != null) {
                report.write(summaryDir.resolve(TrainDir.METRICS_FILE));
            }
            return report;
        }
    }
}
