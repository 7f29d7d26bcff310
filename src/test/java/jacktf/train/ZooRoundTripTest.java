package jacktf.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import jacktf.checkpoint.Checkpoint;
import jacktf.checkpoint.CheckpointState;
import jacktf.checkpoint.RestoreOptions;
import jacktf.checkpoint.RestorePlan;
import jacktf.checkpoint.TensorInfo;
import jacktf.checkpoint.ZooCheckpoint;
import jacktf.checkpoint.ZooFixtures;
import jacktf.checkpoint.ZooFixtures.Values;
import jacktf.config.LearningRateDecayType;
import jacktf.config.OptimizerType;
import jacktf.config.Preprocessing;
import jacktf.data.SyntheticImages;
import jacktf.export.ExportOptions;
import jacktf.export.InferenceGraph;
import jacktf.export.SavedModelExporter;
import jacktf.model.BatchNormPolicy;
import jacktf.model.ModelGraph;
import jacktf.model.ModelVariable;
import jacktf.model.Network;
import jacktf.model.NetworkOptions;
import jacktf.model.NetworkType;
import jacktf.model.ScopeSet;
import jacktf.model.Tower;
import jacktf.runtime.Sessions;
import jacktf.serve.Classifier;
import jacktf.serve.ModelServer;
import jacktf.traindir.TrainingPlan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Issue 28's round trip for each family of slim's zoo, through the library as a user runs it: a checkpoint
 * in the zoo's own format and class count (V1 by TF's {@code SaveSlices} for ResNet-v2, VGG and the
 * Inceptions; V2 by TF's {@code SaveV2} for the MobileNets; 1001 classes, 1000 for VGG; the Inceptions'
 * {@code AuxLogits} at 299 as the zoo holds them), with seeded values unlike a fresh network's; fine-tuned
 * to 3 classes with the head excluded by default and only the last layers trainable; then
 * <ul>
 *   <li>every frozen variable equals the checkpoint's value bit for bit, every trained one moved, and the
 *       head started fresh in the new shape (the restore plan excluded it; its biases, slim's zeros, are
 *       within one step of 0);
 *   <li>N steps, then M more resumed from the train dir, equal N + M steps straight, bit for bit: every
 *       variable, optimizer slot, {@code global_step} and the input position (dropout included);
 *   <li>the SavedModel export, served by {@link Classifier} and by {@link ModelServer}'s REST predict, gives
 *       the probabilities and classes a forward pass built here with the checkpoint's values assigned
 *       gives, bit for bit.
 * </ul>
 * Small images where the network allows (the Inceptions without AuxLogits at their minimum of 75), VGG at
 * its only size, 224, with batch 1.
 */
@Tag("slow")
class ZooRoundTripTest {
    private static final int CLASSES = 3;
    private static final float LEARNING_RATE = 0.01f;

    /** A family's run: the model, its image size and batch, the scopes trained besides the head. */
    record Family(String model, int size, int batch, List<String> trained) {
        @Override
        public String toString() {
            return model + " at " + size;
        }
    }

    static Stream<Family> families() {
        return Stream.of(
                new Family("resnet_v2_50", 32, 2, List.of("resnet_v2_50/block4/unit_3", "resnet_v2_50/postnorm")),
                new Family("vgg_16", 224, 1, List.of("vgg_16/fc7")),
                new Family("inception_v1", 32, 2, List.of("InceptionV1/Mixed_5c")),
                new Family("inception_v3", 75, 2, List.of("InceptionV3/Mixed_7c")),
                new Family("inception_resnet_v2", 75, 2, List.of("InceptionResnetV2/Conv2d_7b_1x1")),
                new Family("mobilenet_v1_025", 32, 2, List.of("MobilenetV1/Conv2d_13_pointwise")),
                new Family("mobilenet_v2", 32, 2, List.of("MobilenetV2/Conv_1")));
    }

    @TempDir
    static Path shared;

    private static Path data;

    @BeforeAll
    static void threeClasses() throws IOException {
        data = shared.resolve("data");
        SyntheticImages.generate(data, CLASSES, 2, 40, 11, 0, SyntheticImages.Layout.FOLDERS);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void restoreFreezeNewHeadResumeExportServe(Family f, @TempDir Path dir) throws IOException {
        long t0 = System.nanoTime();
        ZooCheckpoint zoo = ZooCheckpoint.byName(f.model());
        NetworkType type = zoo.network();
        assertNotNull(type, f.model() + " has a builder");

        // 1. The zoo checkpoint: every variable slim's network has at the zoo's size and classes.
        boolean aux = zoo.headScopes().size() > 1; // the Inceptions with AuxLogits, whose shapes need 299
        Network zooNet = type.build(
                NetworkOptions.defaults().withNumClasses(zoo.numClasses()).withAuxLogits(aux));
        Map<String, Values> source = seededValues(
                variableShapes(zooNet, aux ? zoo.evalImageSize() : f.size()),
                zoo.preprocessing() == Preprocessing.VGG ? zooNet.scope() + "/conv1/conv1_1/weights" : null);
        Path checkpoint = dir.resolve(zoo.checkpointName());
        if (zoo.format() == Checkpoint.Format.V1) {
            ZooFixtures.writeV1(source, checkpoint);
        } else {
            ZooFixtures.writeV2(source, checkpoint);
        }
        long written = System.nanoTime();

        // 2. N + M steps straight, a checkpoint after each (N = M = 1); then the train dir as it was after N
        // steps (its files, the checkpoint state naming step N) resumed for M more. One restore of the zoo
        // checkpoint serves both: VGG's V1 file alone takes seconds to read.
        AtomicReference<TrainingPlan> plan = new AtomicReference<>();
        Path straight = dir.resolve("straight");
        TrainResult a = run(f, zoo, checkpoint, straight, 2, plan);
        RestorePlan warmStart = plan.get().restorePlan();
        assertEquals(zoo.format(), warmStart.checkpoint().format(), "the warm start read the zoo's format");
        Path afterN = straight.resolve("model.ckpt-1");
        Map<String, Values> afterOne = readFloats(afterN, n -> isHead(zoo, n));
        Path split = dir.resolve("split");
        copyAsAfterStep1(straight, split);
        TrainResult b = run(f, zoo, checkpoint, split, 2, plan);
        assertEquals(
                "model.ckpt-1", Path.of(plan.get().resumedFrom()).getFileName().toString());
        assertEquals(2, a.finalStep());
        assertEquals(2, b.finalStep());
        assertNotNull(b.checkpoint());
        long trained = System.nanoTime();

        // 3. Resume: every tensor of the two final checkpoints, bit for bit.
        List<String> differ = new ArrayList<>();
        int compared = 0;
        try (Checkpoint ca = Checkpoint.open(a.checkpoint());
                Checkpoint cb = Checkpoint.open(b.checkpoint())) {
            assertEquals(names(ca), names(cb));
            for (TensorInfo t : ca.tensors()) {
                if (!sameBits(ca, cb, t)) {
                    differ.add(t.name());
                }
                compared++;
            }
        }
        assertEquals(List.of(), differ, f.model() + ": tensors that differ after 1 + 1 steps from 2 straight");

        // 4. Restore: frozen equal the checkpoint bit for bit, trained moved, the head fresh in its new shape.
        ScopeSet trainedScopes = ScopeSet.of(f.trained());
        int frozen = 0;
        int moved = 0;
        List<String> unmoved = new ArrayList<>();
        try (Checkpoint ca = Checkpoint.open(a.checkpoint())) {
            for (TensorInfo t : ca.tensors()) {
                String name = t.name();
                if (t.dtype() != DataType.DT_FLOAT || name.endsWith("/Momentum")) {
                    continue;
                }
                if (isHead(zoo, name)) {
                    long[] shape = t.shape();
                    assertEquals(CLASSES, shape[shape.length - 1], name + ": the new head's shape " + t);
                    continue;
                }
                Values expected = source.get(name);
                assertNotNull(expected, name + " is a variable of the zoo checkpoint");
                assertArrayEquals(expected.shape(), t.shape(), name);
                float[] got = ca.read(name).floats();
                if (trainedScopes.contains(name)) {
                    if (Arrays.equals(expected.values(), got)) {
                        unmoved.add(name);
                    } else {
                        moved++;
                    }
                } else {
                    assertTrue(Arrays.equals(expected.values(), got), name + " is frozen: the checkpoint's bits");
                    frozen++;
                }
            }
        }
        assertEquals(List.of(), unmoved, f.model() + ": trained variables that did not move");
        long restorable = source.keySet().stream().filter(n -> !isHead(zoo, n)).count();
        assertEquals(restorable, frozen + moved, f.model() + ": every variable of the checkpoint but the head");
        assertTrue(moved >= 2, f.model() + ": trained variables " + moved);
        assertTrue(frozen > moved, f.model() + ": frozen " + frozen + ", trained " + moved);
        assertFreshHead(zoo, warmStart, afterOne);
        long checked = System.nanoTime();

        // 5. Export, serve, and the forward pass of the checkpoint's values.
        // The features signature's endpoint named: the default, global_pool, is not an endpoint of every network.
        String features = type.build(CLASSES).featureEndpoint();
        Path version = SavedModelExporter.export(
                a.checkpoint(),
                dir.resolve("export"),
                1,
                ExportOptions.defaults().withFeatureEndpoint(features));
        float[] images = images(f.batch(), f.size(), 5);
        float[] served;
        long[] servedClasses;
        try (Classifier classifier = Classifier.load(version);
                TFloat32 x = TFloat32.tensorOf(Shape.of(f.batch(), f.size(), f.size(), 3), DataBuffers.of(images));
                Result r = classifier.run(InferenceGraph.PREDICT_IMAGES, Map.<String, Tensor>of("images", x))) {
            Signature s = classifier.signatures().stream()
                    .filter(g -> g.key().equals(InferenceGraph.PREDICT_IMAGES))
                    .findFirst()
                    .orElseThrow();
            List<String> outputs = new ArrayList<>(s.getOutputs().keySet());
            TFloat32 p = (TFloat32) r.get(outputs.indexOf("probabilities"));
            served = new float[(int) p.shape().size()];
            p.copyTo(DataBuffers.of(served));
            var c = (TInt64) r.get(outputs.indexOf("classes"));
            servedClasses = new long[f.batch()];
            for (int i = 0; i < f.batch(); i++) {
                servedClasses[i] = c.getLong(i);
            }
        }
        Forward expected = forward(type, f, a.checkpoint(), images);
        assertArrayEquals(floatBits(expected.probabilities()), floatBits(served), f.model() + ": served probabilities");
        assertArrayEquals(expected.classes(), servedClasses, f.model() + ": served classes");
        // TF Serving's REST predict on the same export: floats travel as JSON in Java's shortest exact form
        try (ModelServer server = ModelServer.start(ModelServer.Config.defaults(version.getParent())
                .withPorts(0, -1)
                .withThreads(1, 4, 3600))) {
            Rest rest = restPredict(server, version.getParent().getFileName().toString(), f, images);
            assertArrayEquals(
                    floatBits(expected.probabilities()),
                    floatBits(rest.probabilities()),
                    f.model() + ": probabilities served over REST");
            assertArrayEquals(expected.classes(), rest.classes(), f.model() + ": classes served over REST");
        }
        long done = System.nanoTime();
        System.out.printf(
                "%s at %d, batch %d: %d tensors equal after resume, %d frozen bit-equal, %d trained moved;"
                        + " seconds: checkpoint %.1f, 2 runs %.1f, checks %.1f, export+serve %.1f, total %.1f"
                        + " (TF_ENABLE_ONEDNN_OPTS=%s)%n",
                f.model(),
                f.size(),
                f.batch(),
                compared,
                frozen,
                moved,
                (written - t0) / 1e9,
                (trained - written) / 1e9,
                (checked - trained) / 1e9,
                (done - checked) / 1e9,
                (done - t0) / 1e9,
                System.getenv("TF_ENABLE_ONEDNN_OPTS"));
    }

    /**
     * {@code to}: the train dir {@code from} as it was after step 1, its files but step 2's checkpoint and
     * the writer's lock, the checkpoint state naming step 1.
     */
    private static void copyAsAfterStep1(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                if (Files.isRegularFile(file)
                        && !name.startsWith("model.ckpt-2.")
                        && !name.equals(CheckpointState.FILE_NAME)
                        && !name.equals("jacktf.lock")) {
                    Files.copy(file, to.resolve(name));
                }
            }
        }
        new CheckpointState("model.ckpt-1", List.of("model.ckpt-1")).write(to);
    }

    private static TrainResult run(
            Family f, ZooCheckpoint zoo, Path checkpoint, Path trainDir, long steps, AtomicReference<TrainingPlan> plan)
            throws IOException {
        TrainConfig.Builder builder = TrainConfig.builder(data, trainDir)
                .model(zoo.network())
                .preprocessing(zoo.preprocessing())
                .saveEverySteps(1L)
                .numClasses(CLASSES)
                .imageSize(f.size())
                .batchSize(f.batch())
                .auxLogits(false)
                .validationSplit(0)
                .checkpointPath(checkpoint)
                .optimizer(OptimizerType.MOMENTUM)
                .learningRate(LEARNING_RATE)
                .learningRateDecayType(LearningRateDecayType.FIXED)
                .saveSummariesSecs(3600)
                .maxNumberOfSteps(steps);
        List<String> head = builder.build().network(CLASSES).headScopes();
        List<String> trainable = new ArrayList<>(f.trained());
        trainable.addAll(head);
        TrainConfig config = builder.restoreOptions(RestoreOptions.all().withHeadScopes(head))
                .trainableScopes(trainable)
                .build();
        return Trainer.create(config)
                .addListener(new TrainingListener() {

                    @Override
                    public void onStart(TrainingPlan p) {
                        plan.set(p);
                    }
                })
                .train();
    }

    private static boolean isHead(ZooCheckpoint zoo, String name) {
        return ScopeSet.of(zoo.headScopes()).contains(name);
    }

    /**
     * The head started fresh: the restore plan excluded every head variable and restored the rest, and after
     * one step the head's biases (slim's zeros initializer) lie within one step of 0: momentum's first update
     * is {@code -lr * grad}, and the cross-entropy's gradient on a bias is a mean of softmax - onehot, in
     * [-1, 1]. The zoo checkpoint's biases are uniform in [-0.5, 0.5].
     */
    private static void assertFreshHead(ZooCheckpoint zoo, RestorePlan p, Map<String, Values> headAfterOneStep) {
        assertNotNull(p, "the warm start's restore plan");
        for (RestorePlan.Item item : p.items()) {
            RestorePlan.Status expected =
                    isHead(zoo, item.name()) ? RestorePlan.Status.EXCLUDED : RestorePlan.Status.RESTORED;
            assertEquals(expected, item.status(), item.name());
        }
        int biases = 0;
        for (var e : headAfterOneStep.entrySet()) {
            if (e.getKey().endsWith("/biases")) {
                assertEquals(CLASSES, e.getValue().values().length, e.getKey());
                for (float v : e.getValue().values()) {
                    assertTrue(Math.abs(v) <= LEARNING_RATE, e.getKey() + " = " + v + " after one step from 0");
                }
                biases++;
            }
        }
        assertTrue(biases >= 1, "the head has biases: " + headAfterOneStep.keySet());
    }

    // ---- the zoo checkpoint

    /** The network's variables at {@code size}: slim's names to shapes, in creation order. */
    static Map<String, long[]> variableShapes(Network net, int size) {
        try (Graph g = new Graph()) {
            ModelGraph mg = ModelGraph.local(g);
            net.apply(
                    mg,
                    mg.ops("").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, size, size, 3))),
                    BatchNormPolicy.inference());
            Map<String, long[]> shapes = new LinkedHashMap<>();
            for (ModelVariable v : mg.variables().variables()) {
                shapes.put(v.name(), v.shape().asArray());
            }
            return shapes;
        }
    }

    /**
     * Seeded values unlike a fresh network's: weights uniform with He's variance (fan-in kh*kw*in, kh*kw for
     * a depthwise kernel) so activations stay of order one (on inputs of order one: {@code onPixels}, the
     * first layer of a network fed vgg preprocessing's pixels, is scaled down by 64); gamma in [0.5, 1.5], moving variance in [0.5,
     * 2], beta, moving mean and biases in [-0.5, 0.5].
     */
    static Map<String, Values> seededValues(Map<String, long[]> shapes, String onPixels) {
        Map<String, Values> values = new LinkedHashMap<>();
        for (var e : shapes.entrySet()) {
            String name = e.getKey();
            long[] dims = e.getValue();
            int size = (int) Arrays.stream(dims).reduce(1, (x, y) -> x * y);
            SplittableRandom random = new SplittableRandom(name.hashCode());
            float[] data = new float[size];
            double fanIn =
                    name.endsWith("/depthwise_weights") ? dims[0] * dims[1] : (double) size / dims[dims.length - 1];
            double low;
            double high;
            if (name.endsWith("weights")) {
                // vgg preprocessing leaves pixels minus the mean, of order 100: the first layer scales them to 1
                high = Math.sqrt(6 / fanIn) / (name.equals(onPixels) ? 64 : 1);
                low = -high;
            } else if (name.endsWith("/gamma")) {
                low = 0.5;
                high = 1.5;
            } else if (name.endsWith("/moving_variance")) {
                low = 0.5;
                high = 2;
            } else {
                low = -0.5;
                high = 0.5;
            }
            for (int i = 0; i < size; i++) {
                data[i] = (float) random.nextDouble(low, high);
            }
            values.put(name, new Values(dims, data));
        }
        return values;
    }

    // ---- reading checkpoints

    private static List<String> names(Checkpoint c) {
        return c.tensors().stream().map(TensorInfo::name).sorted().toList();
    }

    private static Map<String, Values> readFloats(Path checkpoint, Predicate<String> which) {
        Map<String, Values> out = new LinkedHashMap<>();
        try (Checkpoint c = Checkpoint.open(checkpoint)) {
            for (TensorInfo t : c.tensors()) {
                if (t.dtype() == DataType.DT_FLOAT
                        && which.test(t.name())
                        && !t.name().endsWith("/Momentum")) {
                    out.put(t.name(), new Values(t.shape(), c.read(t.name()).floats()));
                }
            }
        }
        return out;
    }

    /**
     * Whether a float or int64 tensor has the same bits in both checkpoints ({@link Arrays#equals(float[],
     * float[])} compares {@code floatToIntBits}: -0 differs from 0; only NaN payloads would be merged).
     */
    private static boolean sameBits(Checkpoint a, Checkpoint b, TensorInfo t) {
        if (t.dtype() == DataType.DT_FLOAT) {
            return Arrays.equals(a.read(t.name()).floats(), b.read(t.name()).floats());
        }
        assertEquals(DataType.DT_INT64, t.dtype(), t.name());
        return Arrays.equals(a.read(t.name()).longs(), b.read(t.name()).longs());
    }

    private static long[] floatBits(float[] v) {
        long[] b = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Float.floatToRawIntBits(v[i]);
        }
        return b;
    }

    // ---- serving over REST

    record Rest(float[] probabilities, long[] classes) {}

    /** POSTs {@code images} to the predict_images signature as TF Serving's row format and reads the rows. */
    private static Rest restPredict(ModelServer server, String model, Family f, float[] images) {
        StringBuilder body =
                new StringBuilder("{\"signature_name\": \"" + InferenceGraph.PREDICT_IMAGES + "\", \"instances\": [");
        int i = 0;
        for (int b = 0; b < f.batch(); b++) {
            body.append(b == 0 ? "[" : ", [");
            for (int y = 0; y < f.size(); y++) {
                body.append(y == 0 ? "[" : ", [");
                for (int x = 0; x < f.size(); x++) {
                    body.append(x == 0 ? "[" : ", [");
                    for (int c = 0; c < 3; c++) {
                        body.append(c == 0 ? "" : ", ").append(Float.toString(images[i++]));
                    }
                    body.append(']');
                }
                body.append(']');
            }
            body.append(']');
        }
        body.append("]}");
        HttpResponse<String> r;
        try {
            r = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(
                                            "http://127.0.0.1:" + server.port() + "/v1/models/" + model + ":predict"))
                                    .timeout(Duration.ofSeconds(120))
                                    .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        assertEquals(200, r.statusCode(), r.body());
        JsonArray rows = JsonParser.parseString(r.body()).getAsJsonObject().getAsJsonArray("predictions");
        assertEquals(f.batch(), rows.size(), r.body());
        float[] probabilities = new float[f.batch() * CLASSES];
        long[] classes = new long[f.batch()];
        for (int b = 0; b < f.batch(); b++) {
            JsonObject row = rows.get(b).getAsJsonObject();
            JsonArray p = row.getAsJsonArray("probabilities");
            assertEquals(CLASSES, p.size());
            for (int k = 0; k < CLASSES; k++) {
                probabilities[b * CLASSES + k] = p.get(k).getAsFloat();
            }
            classes[b] = row.get("classes").getAsLong();
        }
        return new Rest(probabilities, classes);
    }

    // ---- the checkpoint's forward pass

    record Forward(float[] probabilities, long[] classes) {}

    /**
     * The network at the family's size in inference mode, each variable assigned the checkpoint's value
     * (read by jacktf's reader, fed through placeholders: no restore op, no initializer), on {@code images}.
     */
    private static Forward forward(NetworkType type, Family f, Path checkpoint, float[] images) {
        Network net =
                type.build(NetworkOptions.defaults().withNumClasses(CLASSES).withAuxLogits(false));
        try (Graph g = new Graph();
                Checkpoint c = Checkpoint.open(checkpoint)) {
            ModelGraph mg = ModelGraph.local(g);
            Shape shape = Shape.of(f.batch(), f.size(), f.size(), 3);
            Placeholder<TFloat32> input = mg.ops("").placeholder(TFloat32.class, Placeholder.shape(shape));
            Tower tower = net.apply(mg, input, BatchNormPolicy.inference());
            Ops tf = mg.ops("assign");
            Operand<TInt64> classes = tf.math.argMax(tower.logits(), tf.constant(1));
            try (Session s = Sessions.open(g)) {
                Session.Runner assign = s.runner();
                List<TFloat32> feeds = new ArrayList<>();
                try {
                    for (ModelVariable v : mg.variables().variables()) {
                        Placeholder<TFloat32> p = tf.placeholder(TFloat32.class, Placeholder.shape(v.shape()));
                        TFloat32 t = TFloat32.tensorOf(
                                v.shape(), DataBuffers.of(c.read(v.name()).floats()));
                        feeds.add(t);
                        assign.feed(p, t).addTarget(tf.assign(v.variable(), p));
                    }
                    assign.run();
                } finally {
                    feeds.forEach(TFloat32::close);
                }
                try (TFloat32 x = TFloat32.tensorOf(shape, DataBuffers.of(images));
                        Result r = s.runner()
                                .feed(input, x)
                                .fetch(tower.predictions())
                                .fetch(classes)
                                .run()) {
                    TFloat32 p = (TFloat32) r.get(0);
                    float[] probabilities = new float[(int) p.shape().size()];
                    p.copyTo(DataBuffers.of(probabilities));
                    var k = (TInt64) r.get(1);
                    long[] out = new long[f.batch()];
                    for (int i = 0; i < out.length; i++) {
                        out[i] = k.getLong(i);
                    }
                    return new Forward(probabilities, out);
                }
            }
        }
    }

    static float[] images(int batch, int size, long seed) {
        float[] images = new float[batch * size * size * 3];
        Random random = new Random(seed);
        for (int i = 0; i < images.length; i++) {
            images[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return images;
    }
}
