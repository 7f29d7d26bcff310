package jacktf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jacktf.checkpoint.Checkpoint;
import jacktf.checkpoint.Restorer;
import jacktf.config.Preprocessing;
import jacktf.data.ImageDataset;
import jacktf.data.ImageFolder;
import jacktf.data.InputPipeline;
import jacktf.data.SyntheticImages;
import jacktf.eval.EvalReport;
import jacktf.eval.Evaluator;
import jacktf.export.SavedModelExporter;
import jacktf.model.BatchNormPolicy;
import jacktf.model.ModelGraph;
import jacktf.model.Precision;
import jacktf.model.TestVariables;
import jacktf.runtime.Sessions;
import jacktf.serve.Classifier;
import jacktf.traindir.ModelInfo;
import jacktf.traindir.TrainDir;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.types.TFloat32;

/**
 * {@code --preprocessing-name inception} is a property of the model: the train dir records it, and
 * eval and the exported SavedModel apply inception's eval preprocessing to what they are given.
 */
@Tag("slow")
class PreprocessingNameTest {
    private static final int SIZE = 32;

    @Test
    void anInceptionRunIsEvaluatedAndServedWithInceptionPreprocessing(@TempDir Path dir) throws IOException {
        Path data = dir.resolve("data");
        SyntheticImages.generate(data, 2, 3, 40, 3, 0, SyntheticImages.Layout.FOLDERS);
        Path trainDir = dir.resolve("train");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = TinyNetTrain.execute(
                new String[] {
                    "--dataset-dir", data.toString(),
                    "--train-dir", trainDir.toString(),
                    "--preprocessing-name", "inception",
                    "--train-image-size", Integer.toString(SIZE),
                    "--batch-size", "4",
                    "--max-number-of-steps", "2",
                    "--optimizer", "sgd",
                    "--learning-rate", "0.001",
                    "--save-summaries-secs", "3600"
                },
                new PrintWriter(out, true),
                new PrintWriter(err, true));
        assertEquals(0, code, err.toString());

        // written with the model, and read back
        assertTrue(
                Files.readString(trainDir.resolve(ModelInfo.FILE_NAME)).contains("preprocessing_name=inception"),
                Files.readString(trainDir.resolve(ModelInfo.FILE_NAME)));
        TrainDir model = TrainDir.of(trainDir);
        assertEquals(Preprocessing.INCEPTION, model.modelInfo().preprocessing());
        Path checkpoint = model.latestCheckpoint().orElseThrow();

        ImageDataset dataset = ImageFolder.load(data, 0, 0).train();
        float[][][] references = reference(checkpoint, dataset, Preprocessing.INCEPTION, Preprocessing.VGG);
        float[][] inception = references[0];
        float[][] vgg = references[1];
        assertTrue(maxDifference(inception[0], vgg[0]) > 1e-4, "the two preprocessings give the network other inputs");

        // export: the SavedModel decodes and preprocesses as inception does
        Path base = dir.resolve("savedmodels");
        Path version = SavedModelExporter.export(trainDir, base, null, Precision.FP32, "global_pool");
        assertTrue(
                Files.readString(version.resolve("assets").resolve(ModelInfo.FILE_NAME))
                        .contains("preprocessing_name=inception"),
                "the SavedModel's assets carry the model info");
        List<Path> files = dataset.examples().stream().map(e -> e.file()).toList();
        List<byte[]> images = new ArrayList<>();
        for (Path file : files) {
            images.add(Files.readAllBytes(file));
        }
        try (Classifier served = Classifier.load(version)) {
            List<Classifier.Prediction> predictions = served.classifyAll(images);
            for (int i = 0; i < files.size(); i++) {
                float[] probabilities = byClassId(predictions.get(i));
                assertEquals(
                        0,
                        maxDifference(inception[i], probabilities),
                        1e-5,
                        files.get(i) + ": served " + Arrays.toString(probabilities) + ", eval path "
                                + Arrays.toString(inception[i]));
            }
        }

        // eval: the same probabilities (each sample's top one)
        EvalReport report = Evaluator.evaluate(checkpoint, dataset, 4, dir.resolve("eval"));
        assertTrue(!report.samples().isEmpty());
        for (EvalReport.Sample sample : report.samples()) {
            float[] expected = inception[files.indexOf(Path.of(sample.file()))];
            assertEquals(expected[sample.predicted()], sample.probability(), 1e-5, sample.file());
        }
    }

    /**
     * The network on each image (dataset order) after the train side's eval preprocessing, once per name,
     * built here without the model's info: probabilities [name][image][class].
     */
    private static float[][][] reference(Path checkpointPath, ImageDataset dataset, Preprocessing... names) {
        try (Checkpoint checkpoint = Checkpoint.open(checkpointPath);
                Graph graph = new Graph();
                Session session = Sessions.open(graph)) {
            ModelGraph model = ModelGraph.local(graph);
            List<InputPipeline> inputs = new ArrayList<>();
            List<Operand<TFloat32>> predictions = new ArrayList<>();
            for (Preprocessing name : names) {
                InputPipeline input = InputPipeline.build(
                        model,
                        "input_" + name,
                        dataset,
                        InputPipeline.Config.evaluation(dataset.size(), SIZE).withPreprocessing(name));
                inputs.add(input);
                predictions.add(checkpoint
                        .modelSpec()
                        .network(Precision.FP32)
                        .apply(model, input.images(), BatchNormPolicy.inference())
                        .predictions());
            }
            session.run(model.initializer());
            Restorer.restoreModel(session, model, checkpoint);
            float[][][] out = new float[names.length][][];
            for (int n = 0; n < names.length; n++) {
                session.run(inputs.get(n).initializer());
                try (Result r = session.runner().fetch(predictions.get(n)).run()) {
                    float[] all = TestVariables.toArray(r.get(0));
                    int classes = all.length / dataset.size();
                    out[n] = new float[dataset.size()][];
                    for (int i = 0; i < dataset.size(); i++) {
                        out[n][i] = Arrays.copyOfRange(all, i * classes, (i + 1) * classes);
                    }
                }
            }
            return out;
        }
    }

    /** serving_default's probabilities by class id. */
    private static float[] byClassId(Classifier.Prediction prediction) {
        List<Classifier.Score> scores = prediction.scores();
        float[] p = new float[scores.size()];
        scores.forEach(score -> p[score.classId()] = score.probability());
        return p;
    }

    private static double maxDifference(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}
