package jacktf.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jacktf.TestData;
import jacktf.checkpoint.CheckpointSaver;
import jacktf.checkpoint.CheckpointVariable;
import jacktf.config.Preprocessing;
import jacktf.data.TestImages;
import jacktf.model.Architecture;
import jacktf.model.BatchNormPolicy;
import jacktf.model.ModelGraph;
import jacktf.model.ModelVariable;
import jacktf.model.ResNetV1;
import jacktf.model.TinyNet;
import jacktf.model.VariableRole;
import jacktf.runtime.Sessions;
import jacktf.serve.Classifier;
import jacktf.traindir.ModelInfo;
import jacktf.traindir.TrainDir;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;

/**
 * {@code export --optimize} against the plain export of the same checkpoint, the reference: on real photos every
 * output of every signature agrees within 1e-3, and the optimized graph has no batch norm left. The checkpoint's
 * batch-norm statistics are random and far from their initial values, so a wrong fold cannot pass unnoticed.
 */
@Tag("numerics")
class OptimizedExportTest {
    private static final float TOLERANCE = 1e-3f;

    @TempDir
    Path dir;

    @Test
    void tinyNetOptimizedExportMatchesThePlainOne() throws IOException {
        compareExports(TinyNet.ARCHITECTURE, 5, 64);
    }

    /**
     * Every one of resnet_v1_50's 53 convolutions folded, with the zoo's 1000 classes; at 64 px, since a fold is per
     * channel and the same at any input size (224 px would only multiply the forward passes' cost by 12).
     */
    @Test
    @Tag("slow")
    void resnetV150OptimizedExportMatchesThePlainOne() throws IOException {
        compareExports(Architecture.RESNET_V1_50, 1000, 64);
    }

    private void compareExports(Architecture architecture, int numClasses, int imageSize) throws IOException {
        Path checkpoint = writeCheckpoint(dir.resolve("train"), architecture, numClasses, imageSize);
        Path plain = SavedModelExporter.export(checkpoint, dir.resolve("plain"), 1, ExportOptions.defaults());
        Path optimized = SavedModelExporter.export(
                checkpoint,
                dir.resolve("optimized"),
                1,
                ExportOptions.defaults().withOptimize(true));

        Set<String> plainOps = opTypes(plain);
        Set<String> optimizedOps = opTypes(optimized);
        assertTrue(plainOps.contains("FusedBatchNormV3"), plainOps.toString());
        assertFalse(optimizedOps.contains("FusedBatchNormV3"), optimizedOps.toString());
        assertTrue(optimizedOps.contains("BiasAdd"), optimizedOps.toString());
        assertTrue(nodeNames(optimized).stream().noneMatch(n -> n.contains("BatchNorm")));

        // JPEGs TF's encoder wrote (baseline, progressive, grayscale), and the real photos where ../shared/testdata is
        List<byte[]> photos = new ArrayList<>();
        int size = 90;
        for (TestImages.JpegKind kind : TestImages.JpegKind.values()) {
            photos.add(Files.readAllBytes(TestImages.tfJpeg(dir.resolve(kind + ".jpg"), size, size * 3 / 4, kind)));
            size += 40;
        }
        if (TestData.present()) {
            try (Stream<Path> files = Files.list(TestData.images())) {
                for (Path f : files.filter(p -> p.toString().endsWith(".jpg"))
                        .sorted()
                        .toList()) {
                    photos.add(Files.readAllBytes(f));
                }
            }
            assertTrue(photos.size() >= 6, "photos in " + TestData.images());
        }
        try (Classifier reference = Classifier.load(plain);
                Classifier folded = Classifier.load(optimized)) {
            assertEquals(
                    reference.signatures().stream().map(s -> s.key()).toList(),
                    folded.signatures().stream().map(s -> s.key()).toList());
            for (String signature : List.of(InferenceGraph.SERVING_DEFAULT, InferenceGraph.FEATURES)) {
                Map<String, float[]> expected = run(reference, signature, photos);
                Map<String, float[]> actual = run(folded, signature, photos);
                assertEquals(expected.keySet(), actual.keySet(), signature);
                assertTrue(expected.keySet().stream().anyMatch(List.of("probabilities", "features")::contains));
                for (String output : expected.keySet()) {
                    assertClose(expected.get(output), actual.get(output), signature + "/" + output);
                }
            }
            List<Classifier.Prediction> a = reference.classifyAll(photos);
            List<Classifier.Prediction> b = folded.classifyAll(photos);
            for (int i = 0; i < photos.size(); i++) {
                assertEquals(a.get(i).top().classId(), b.get(i).top().classId(), "photo " + i);
            }
        }
    }

    /** Every float output of a signature on the photos, flattened, by output name: one run of the network. */
    private static Map<String, float[]> run(Classifier classifier, String signature, List<byte[]> photos) {
        var sig = classifier.signatures().stream()
                .filter(s -> s.key().equals(signature))
                .findFirst()
                .orElseThrow();
        List<String> outputs = new ArrayList<>(sig.outputNames());
        Map<String, float[]> values = new TreeMap<>();
        try (TString bytes = TString.tensorOfBytes(NdArrays.vectorOfObjects(photos.toArray(byte[][]::new)));
                Result r = classifier.run(signature, Map.of("image_bytes", bytes))) {
            for (int i = 0; i < outputs.size(); i++) {
                if (r.get(i) instanceof TFloat32 t) {
                    float[] out = new float[(int) t.shape().size()];
                    t.asRawTensor().data().asFloats().read(out);
                    values.put(outputs.get(i), out);
                }
            }
        }
        return values;
    }

    /** Within 1e-3: the network's activations stay near 1 (see {@link #randomValue}), so absolute is strict. */
    private static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        float magnitude = 0;
        float worst = 0;
        for (int i = 0; i < expected.length; i++) {
            magnitude = Math.max(magnitude, Math.abs(expected[i]));
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        System.out.printf(
                "%s: %d values, largest difference %.3g, largest magnitude %.3g%n",
                what, expected.length, worst, magnitude);
        assertTrue(worst <= TOLERANCE, what + ": largest difference " + worst + ", expected <= " + TOLERANCE);
    }

    /**
     * A train dir with a checkpoint of the network whose batch-norm variables hold random values away from their
     * initial ones (gamma in [0.2, 0.6], small enough that activations stay near 1 through the residual sums, beta and the mean in [-0.5, 0.5], the variance in [0.5, 2]).
     */
    private static Path writeCheckpoint(Path trainDir, Architecture architecture, int numClasses, int imageSize)
            throws IOException {
        Random random = new Random(18);
        try (Graph graph = new Graph()) {
            ModelGraph model = ModelGraph.local(graph);
            Ops tf = model.ops("");
            ResNetV1.builder(architecture)
                    .numClasses(numClasses)
                    .build()
                    .apply(
                            model,
                            tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, imageSize, imageSize, 3))),
                            BatchNormPolicy.inference());
            try (Session session = Sessions.open(graph)) {
                session.run(model.initializer());
                for (ModelVariable v : model.variables().variables()) {
                    float[] value = randomValue(v.role(), (int) v.shape().size(), random);
                    if (value != null) {
                        session.run(tf.assign(v.variable(), tf.constant(v.shape(), DataBuffers.of(value))));
                    }
                }
                Path saved = new CheckpointSaver(model, CheckpointVariable.modelVariables(model), trainDir, 1)
                        .save(session, 0);
                TrainDir.of(trainDir)
                        .writeLabels(IntStream.range(0, numClasses)
                                .mapToObj(i -> "class_" + i)
                                .toList());
                TrainDir.of(trainDir).writeModelInfo(new ModelInfo(imageSize, Preprocessing.VGG, 0, 0));
                return saved;
            }
        }
    }

    private static float[] randomValue(VariableRole role, int n, Random random) {
        float low;
        float high;
        switch (role) {
            case BN_GAMMA -> {
                low = 0.2f;
                high = 0.6f;
            }
            case BN_BETA, BN_MOVING_MEAN -> {
                low = -0.5f;
                high = 0.5f;
            }
            case BN_MOVING_VARIANCE -> {
                low = 0.5f;
                high = 2f;
            }
            default -> {
                return null;
            }
        }
        float[] value = new float[n];
        for (int i = 0; i < n; i++) {
            value[i] = low + (high - low) * random.nextFloat();
        }
        return value;
    }

    private static GraphDef graphDef(Path version) throws IOException {
        try (InputStream in = Files.newInputStream(version.resolve("saved_model.pb"))) {
            return SavedModel.parseFrom(in).getMetaGraphs(0).getGraphDef();
        }
    }

    private static Set<String> opTypes(Path version) throws IOException {
        return graphDef(version).getNodeList().stream().map(NodeDef::getOp).collect(Collectors.toSet());
    }

    private static List<String> nodeNames(Path version) throws IOException {
        return graphDef(version).getNodeList().stream().map(NodeDef::getName).toList();
    }
}
