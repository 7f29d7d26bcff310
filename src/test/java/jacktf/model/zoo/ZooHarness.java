package jacktf.model.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jacktf.model.BatchNormPolicy;
import jacktf.model.ModelGraph;
import jacktf.model.ModelVariable;
import jacktf.model.Network;
import jacktf.model.NetworkOptions;
import jacktf.model.NetworkType;
import jacktf.model.Networks;
import jacktf.model.Tower;
import jacktf.model.zoo.RefOps.Act;
import jacktf.runtime.Sessions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Assumptions;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TFloating;

/** Builds jacktf's networks by nets_factory name and runs them for the zoo's spec and reference tests. */
final class ZooHarness {
    private ZooHarness() {}

    /**
     * The registered network, or a skipped test (a JUnit assumption with its reason printed) while the
     * builder of that family is not in {@link Networks} yet.
     */
    static NetworkType type(String name) {
        var t = Networks.find(name);
        if (t.isEmpty()) {
            String reason =
                    "SKIPPED: jacktf's Networks has no '" + name + "' yet (registered: " + Networks.names() + ")";
            System.out.println(reason);
            Assumptions.abort(reason);
        }
        return t.get();
    }

    static Network build(String name, Integer classes, boolean auxLogits) {
        return type(name)
                .build(NetworkOptions.defaults().withNumClasses(classes).withAuxLogits(auxLogits));
    }

    /** The variables the network creates at {@code size}: name to shape string; asserts every one is float32. */
    static Map<String, String> variables(Network net, int size) {
        try (Graph g = new Graph()) {
            ModelGraph mg = ModelGraph.local(g);
            Operand<TFloat32> images =
                    mg.ops("").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, size, size, 3)));
            net.apply(mg, images, BatchNormPolicy.inference());
            Map<String, String> out = new TreeMap<>();
            for (ModelVariable v : mg.variables().variables()) {
                // a TF1 variable's output is a reference to its float32 storage (DT_FLOAT_REF)
                DataType dtype = v.variable().asOutput().dataType();
                assertTrue(dtype == DataType.DT_FLOAT || dtype == DataType.DT_FLOAT_REF, v.name() + " dtype " + dtype);
                out.put(v.name(), v.shapeString());
            }
            return out;
        }
    }

    /**
     * Seeded values by slim's variable name: He-scaled weights (fan-in kh*kw*in; kh*kw for a
     * depthwise kernel, which sees one channel) so activations stay of order one through the deep
     * networks, gamma in [0.5, 1.5], beta and moving mean N(0, 0.3^2), moving variance in [0.5, 2],
     * biases N(0, 0.3^2).
     */
    static Map<String, float[]> randomValues(Map<String, long[]> shapes, long seed) {
        Random random = new Random(seed);
        Map<String, float[]> values = new HashMap<>();
        for (var e : shapes.entrySet()) {
            String name = e.getKey();
            long[] dims = e.getValue();
            long size = 1;
            for (long d : dims) {
                size *= d;
            }
            float[] data = new float[(int) size];
            double fanIn =
                    name.endsWith("/depthwise_weights") ? dims[0] * dims[1] : (double) size / dims[dims.length - 1];
            for (int i = 0; i < data.length; i++) {
                double x;
                if (name.endsWith("weights")) {
                    x = random.nextGaussian() * Math.sqrt(2 / fanIn);
                } else if (name.endsWith("/gamma")) {
                    x = 0.5 + random.nextDouble();
                } else if (name.endsWith("/moving_variance")) {
                    x = 0.5 + 1.5 * random.nextDouble();
                } else {
                    x = random.nextGaussian() * 0.3;
                }
                data[i] = (float) x;
            }
            values.put(name, data);
        }
        return values;
    }

    /** What one run of the network gave: every endpoint's values by slim's key. */
    record Run(Map<String, float[]> endpoints, Map<String, long[]> shapes) {}

    /**
     * Builds {@code net} in inference mode at batch x size x size, assigns {@code values} (which must
     * name every variable the network creates; they are its only initialization) through fed
     * placeholders and fetches every endpoint.
     */
    static Run run(Network net, int batch, int size, Map<String, float[]> values, float[] images) {
        try (Graph g = new Graph()) {
            ModelGraph mg = ModelGraph.local(g);
            Operand<TFloat32> input =
                    mg.ops("").placeholder(TFloat32.class, Placeholder.shape(Shape.of(batch, size, size, 3)));
            Tower tower = net.apply(mg, input, BatchNormPolicy.inference());
            try (Session s = Sessions.open(g)) {
                // no mg.initializer(): assign sets every variable (it fails on one without a value), and the
                // initializers' random fills cost seconds for the big networks (2 s for inception_resnet_v2)
                assign(s, mg, values);
                Map<String, Operand<TFloating>> endpoints = tower.endpoints().asMap();
                List<Operand<TFloating>> fetches = new ArrayList<>();
                Map<String, Integer> index = new LinkedHashMap<>();
                for (var e : endpoints.entrySet()) {
                    int i = fetches.indexOf(e.getValue());
                    if (i < 0) {
                        i = fetches.size();
                        fetches.add(e.getValue());
                    }
                    index.put(e.getKey(), i);
                }
                Session.Runner runner = s.runner();
                fetches.forEach(runner::fetch);
                Map<String, float[]> out = new LinkedHashMap<>();
                Map<String, long[]> shapes = new LinkedHashMap<>();
                try (TFloat32 x = TFloat32.tensorOf(Shape.of(batch, size, size, 3), DataBuffers.of(images));
                        Result r = runner.feed(input, x).run()) {
                    for (var e : index.entrySet()) {
                        TFloat32 t = (TFloat32) r.get(e.getValue());
                        float[] data = new float[(int) t.shape().size()];
                        t.copyTo(DataBuffers.of(data));
                        out.put(e.getKey(), data);
                        shapes.put(e.getKey(), t.shape().asArray());
                    }
                }
                return new Run(out, shapes);
            }
        }
    }

    private static void assign(Session session, ModelGraph mg, Map<String, float[]> values) {
        Ops tf = mg.ops("reference_values");
        List<Op> assigns = new ArrayList<>();
        List<TFloat32> tensors = new ArrayList<>();
        Session.Runner runner = session.runner();
        for (ModelVariable v : mg.variables().variables()) {
            float[] data = values.get(v.name());
            assertTrue(data != null, "the reference has no value for " + v.name());
            Placeholder<TFloat32> p = tf.placeholder(TFloat32.class, Placeholder.shape(v.shape()));
            assigns.add(tf.assign(v.variable(), p));
            TFloat32 t = TFloat32.tensorOf(v.shape(), DataBuffers.of(data));
            tensors.add(t);
            runner.feed(p, t);
        }
        assigns.forEach(runner::addTarget);
        try {
            runner.run();
        } finally {
            tensors.forEach(TFloat32::close);
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

    static Act act(int batch, int size, float[] images) {
        double[] x = new double[images.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = images[i];
        }
        return new Act(batch, size, size, 3, x);
    }

    /**
     * Every endpoint of the network against the reference: the same keys, and per endpoint max |tf -
     * reference| &lt;= tolerance x max |reference|. Returns the largest such ratio over the endpoints.
     */
    static double compare(String name, Map<String, Act> reference, Run run, double tolerance) {
        assertEquals(
                new TreeMap<>(reference).keySet(),
                new TreeMap<>(run.endpoints()).keySet(),
                name + ": endpoint keys (expected slim's)");
        double worst = 0;
        String worstKey = null;
        for (var e : reference.entrySet()) {
            double[] expected = e.getValue().v();
            float[] got = run.endpoints().get(e.getKey());
            assertEquals(expected.length, got.length, name + " " + e.getKey() + " size");
            double maxRef = 0;
            double maxDiff = 0;
            for (int i = 0; i < expected.length; i++) {
                maxRef = Math.max(maxRef, Math.abs(expected[i]));
                maxDiff = Math.max(maxDiff, Math.abs(expected[i] - got[i]));
            }
            assertTrue(maxRef > 0, name + " " + e.getKey() + " is all zeros: the comparison would prove nothing");
            double ratio = maxDiff / maxRef;
            if (ratio > worst) {
                worst = ratio;
                worstKey = e.getKey();
            }
            assertTrue(
                    ratio <= tolerance,
                    name + " " + e.getKey() + ": max |tf - reference| " + maxDiff + " > " + tolerance
                            + " x max |reference| " + maxRef);
        }
        System.out.printf(
                "%s: %d endpoints, worst relative error %.3g at %s (TF_ENABLE_ONEDNN_OPTS=%s)%n",
                name, reference.size(), worst, worstKey, System.getenv("TF_ENABLE_ONEDNN_OPTS"));
        return worst;
    }
}
