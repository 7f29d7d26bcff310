package jacktf.runtime;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.OperationBuilder;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.types.TBfloat16;
import org.tensorflow.types.TFloat32;

/**
 * bf16 is never silently wrong: before a graph's bfloat16 kernels are used, each of them is run on random
 * inputs in bfloat16 and in float32 on the same (bf16-rounded) inputs, and the two compared within bf16's
 * expected error. oneDNN v3.5's bf16 convolutions on odd channel counts return garbage on AVX-512 CPUs
 * (issue 27; BENCHMARKS.md, "bf16"), and whether a CPU's kernels are right cannot be known from its flags.
 *
 * <p>Which kernels: every op of the graph whose {@code T} is bfloat16 and whose type is in {@link #CHECKED}
 * (convolutions and matmuls with their gradients, batch norm, ReLU and its gradient, pooling, reductions,
 * bias and residual adds), each distinct signature (type, attributes, input shapes) once per process, with
 * the batch cut to {@value #BATCH}: the network's own shapes, for a second or two of work. The kernels run
 * {@value #REPETITIONS} times on fresh inputs, since the wrong results vary from run to run.
 *
 * <p>The tolerance, per output: {@code max|bf16 - fp32| <= u * (2 + ceil(log2 n)) * max|fp32|}, with
 * {@code u = 2^-8} the unit roundoff of bf16's 8-bit significand and {@code n} the op's reduction length
 * (a convolution's {@code kh*kw*cin}, a matmul's inner dimension, a weight gradient's {@code N*H*W}; 1 for
 * elementwise ops). Both sides read the same bf16 inputs, so what remains is the one rounding of the output
 * (u), one more for a kernel that rounds an intermediate (u), and a sum of n terms carried in bf16, whose
 * pairwise error is at most {@code u * ceil(log2 n)} of the terms' magnitude (inputs are drawn mostly
 * positive so that magnitude is about the result's). For a 3x3x512 convolution that is 15u = 5.9%; the
 * wrong kernels measured are 45% to 10^35 off.
 */
public final class Bf16SelfCheck {
    /** bf16's unit roundoff: an 8-bit significand (7 stored bits and the implicit one). */
    static final double UNIT_ROUNDOFF = 0x1p-8;

    static final int BATCH = 2;

    static final int REPETITIONS = 3;

    /** Op types whose bf16 kernels are checked: the ones jacktf's networks and their gradients use. */
    static final Set<String> CHECKED = Set.of(
            "Conv2D",
            "Conv2DBackpropInput",
            "Conv2DBackpropFilter",
            "DepthwiseConv2dNative",
            "MatMul",
            "BatchMatMulV2",
            "FusedBatchNormV3",
            "Relu",
            "ReluGrad",
            "Relu6",
            "MaxPool",
            "MaxPoolV2",
            "AvgPool",
            "Mean",
            "Sum",
            "BiasAdd",
            "BiasAddGrad",
            "AddV2",
            "Add");

    /**
     * A system property that makes every check of this process disagree on purpose, {@code OpType:factor} (e.g.
     * {@code Conv2D:1.5}: that op's bf16 outputs scaled by 1.5 before the comparison), for tests that go through a
     * server or the CLI. Its verdicts are kept apart from the real ones; unset, nothing changes.
     */
    public static final String DISAGREE_PROPERTY = "jacktf.bf16SelfCheck.disagree";

    static final String MAX_ISA_ENV = CpuFeatures.MAX_ISA_ENV;

    /** Marks a convolution's verdict whose input channel count is odd (see {@link #message}). */
    static final String ODD_CHANNELS = "odd input channels";

    /** Verdicts by signature, for the process's life: a kernel that was checked is not run again. */
    private static final Map<String, String> VERDICTS = new ConcurrentHashMap<>();

    private Bf16SelfCheck() {}

    /**
     * Checks the bf16 kernels of {@code graph} not checked before in this process; returns quietly when every
     * one agrees with float32 (or there are none), else throws one {@link Bf16SelfCheckException} naming
     * what disagreed, the CPU, the kernel path and the ways out. A graph without bf16 ops costs a walk.
     *
     * @param what what the bf16 was for, for the message ("training", "export", "serving model x")
     */
    public static void requireAgreement(Graph graph, String what) {
        List<String> failures = check(graph, Perturbation.fromProperty(System.getProperty(DISAGREE_PROPERTY)));
        if (!failures.isEmpty()) {
            throw new Bf16SelfCheckException(message(what, failures));
        }
    }

    /**
     * The disagreements found (empty when all agree). {@code perturb}, for tests only, multiplies the bf16
     * output of ops of one type by a factor before the comparison: a check made to disagree on purpose.
     */
    static synchronized List<String> check(Graph graph, Perturbation perturb) {
        Map<String, GraphOperation> pending = new LinkedHashMap<>();
        Map<String, String> signatures = new HashMap<>();
        NodeIndex nodes = null;
        for (Iterator<GraphOperation> it = graph.operations(); it.hasNext(); ) {
            GraphOperation op = it.next();
            if (!CHECKED.contains(op.type()) || !isBf16(op)) {
                continue;
            }
            if (nodes == null) {
                nodes = new NodeIndex(graph);
            }
            String signature = signature(op, nodes, perturb);
            if (signature == null) {
                continue; // an input this check cannot reproduce (not a constant nor a static shape)
            }
            if (!VERDICTS.containsKey(signature) || perturb != null) {
                pending.putIfAbsent(signature, op);
                signatures.put(signature, op.name());
            }
        }
        if (pending.isEmpty()) {
            return cachedFailures(graph, nodes, perturb);
        }
        try (Graph check = new Graph()) {
            Ops tf = Ops.create(check);
            List<Twin> twins = new ArrayList<>();
            for (Map.Entry<String, GraphOperation> e : pending.entrySet()) {
                twins.add(Twin.build(tf, check, e.getValue(), nodes, e.getKey(), perturb));
            }
            try (Session session = Sessions.open(check)) {
                Random random = new Random(20260527L);
                Map<String, Double> worst = new HashMap<>();
                for (int rep = 0; rep < REPETITIONS; rep++) {
                    for (Twin twin : twins) {
                        double r = twin.run(session, random);
                        worst.merge(twin.signature, r, Math::max);
                    }
                }
                for (Twin twin : twins) {
                    double ratio = worst.get(twin.signature);
                    String verdict = ratio <= twin.tolerance
                            ? ""
                            : String.format(
                                    Locale.ROOT,
                                    "%s (%s): max |bf16 - fp32| is %s of max |fp32| (tolerance %.1f%%)",
                                    twin.describe,
                                    twin.name,
                                    Double.isFinite(ratio)
                                            ? String.format(Locale.ROOT, "%.3g%%", 100 * ratio)
                                            : "NaN/Inf",
                                    100 * twin.tolerance);
                    if (perturb == null) {
                        VERDICTS.put(twin.signature, verdict);
                    } else {
                        VERDICTS_UNDER_TEST.put(twin.signature, verdict);
                    }
                }
            }
        }
        return cachedFailures(graph, nodes, perturb);
    }

    /** Verdicts of checks made to disagree on purpose: kept apart so they never refuse a real run. */
    private static final Map<String, String> VERDICTS_UNDER_TEST = new ConcurrentHashMap<>();

    private static List<String> cachedFailures(Graph graph, NodeIndex nodes, Perturbation perturb) {
        List<String> failures = new ArrayList<>();
        if (nodes == null) {
            return failures;
        }
        Map<String, String> verdicts = perturb == null ? VERDICTS : VERDICTS_UNDER_TEST;
        for (Iterator<GraphOperation> it = graph.operations(); it.hasNext(); ) {
            GraphOperation op = it.next();
            if (!CHECKED.contains(op.type()) || !isBf16(op)) {
                continue;
            }
            String signature = signature(op, nodes, perturb);
            String verdict = signature == null ? null : verdicts.get(signature);
            if (verdict != null && !verdict.isEmpty() && !failures.contains(verdict)) {
                failures.add(verdict);
            }
        }
        return failures;
    }

    static String message(String what, List<String> failures) {
        return message(
                what,
                failures,
                CpuFeatures.detect(),
                System.getenv(CpuFeatures.ONEDNN_ENV),
                System.getenv(MAX_ISA_ENV));
    }

    /**
     * The refusal: what disagreed, the CPU and kernel path, and only the ways out that can help.
     * {@code ONEDNN_MAX_CPU_ISA=AVX512_CORE_VNNI} (oneDNN emulates bf16 instead of its native AVX512_BF16 or AMX
     * kernels) is offered only where oneDNN runs, the variable is not set already, and no convolution on an odd
     * number of input channels disagreed: on the AVX-512 EPYC the emulation is 45-60% off on those too
     * (BENCHMARKS.md, "bf16 answers on the AVX-512 EPYC"), so the check would refuse again there.
     */
    static String message(String what, List<String> failures, CpuFeatures cpu, String oneDnnEnv, String maxIsa) {
        boolean oneDnn = cpu.oneDnnKernels(oneDnnEnv);
        boolean oddChannels = failures.stream().anyMatch(f -> f.contains(ODD_CHANNELS));
        StringBuilder ways = new StringBuilder(
                "Ways out: --precision fp32 (train, eval and export the same model in float32; for a bf16 SavedModel, "
                        + "export it again in fp32)");
        if (oneDnn) {
            ways.append("; or run with " + CpuFeatures.ONEDNN_ENV + "=0 (TensorFlow's own bf16 kernels, slower)");
            if (maxIsa != null) {
                ways.append(" (" + MAX_ISA_ENV + "=" + maxIsa + " is set and did not help)");
            } else if (oddChannels) {
                ways.append(" (not " + MAX_ISA_ENV + "=AVX512_CORE_VNNI: oneDNN's emulated bf16 is wrong on odd "
                        + "input channel counts too)");
            } else {
                ways.append("; or " + MAX_ISA_ENV + "=AVX512_CORE_VNNI (oneDNN emulates bf16 instead of its native "
                        + "AVX512_BF16/AMX kernels)");
            }
            ways.append("; the check runs again there.");
        } else {
            ways.append(": TensorFlow's own kernels are the ones that disagreed.");
        }
        return "bf16 refused for " + what + ": on this CPU TensorFlow's bfloat16 kernels disagree with float32 "
                + "beyond bf16's rounding (each kernel run " + REPETITIONS + " times on the network's shapes, "
                + "batch " + BATCH + "). Disagreed: "
                + String.join("; ", failures.subList(0, Math.min(3, failures.size())))
                + (failures.size() > 3 ? "; and " + (failures.size() - 3) + " more" : "")
                + ". CPU: " + cpu.describe(oneDnnEnv, maxIsa)
                + ". " + ways;
    }

    static boolean isBf16(GraphOperation op) {
        try {
            return op.attributes().getAttrType("T") == DataType.DT_BFLOAT16;
        } catch (RuntimeException noTypeAttribute) {
            return false;
        }
    }

    private static String signature(GraphOperation op, NodeIndex nodes, Perturbation perturb) {
        StringBuilder s = new StringBuilder(op.type());
        NodeDef def = nodes.node(op.name());
        new java.util.TreeMap<>(def.getAttrMap()).forEach((k, v) -> {
            if (!k.startsWith("_")) {
                s.append(' ').append(k).append('=').append(v.toString().replace('\n', ' '));
            }
        });
        for (int i = 0; i < op.numInputs(); i++) {
            Input in = Input.of(op.input(i), nodes, isFilter(op, i));
            if (in == null) {
                return null;
            }
            s.append(" | ").append(in.key());
        }
        if (perturb != null) {
            s.append(" perturbed ").append(perturb);
        }
        return s.toString();
    }

    /** A bf16 output scaled by {@code factor} on ops of {@code opType}: a check made to disagree. */
    record Perturbation(String opType, float factor) {
        /** {@code OpType:factor} as {@link #DISAGREE_PROPERTY} gives it, or null when unset. */
        static Perturbation fromProperty(String value) {
            if (value == null || value.isBlank()) {
                return null;
            }
            int colon = value.indexOf(':');
            try {
                return new Perturbation(value.substring(0, colon).trim(), Float.parseFloat(value.substring(colon + 1)));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(
                        DISAGREE_PROPERTY + " must be OpType:factor, e.g. Conv2D:1.5. Received: " + value, e);
            }
        }
    }

    /** The attributes of the graph's nodes, from one GraphDef. */
    private static final class NodeIndex {
        private final Map<String, NodeDef> byName = new HashMap<>();

        NodeIndex(Graph graph) {
            for (NodeDef n : graph.toGraphDef().getNodeList()) {
                byName.put(n.getName(), n);
            }
        }

        NodeDef node(String name) {
            return byName.get(name);
        }
    }

    /**
     * One input of a checked op, as the check feeds it: a float tensor (random, batch cut to {@link #BATCH}),
     * a constant (copied) or the static shape of a tensor (as a constant, batch cut too).
     */
    private record Input(DataType dtype, Shape shape, NodeDef constant, long[] shapeValue, DataType shapeType) {
        static Input of(Output<?> output, NodeIndex nodes, boolean filter) {
            DataType dtype = output.dataType();
            GraphOperation producer = (GraphOperation) output.op();
            if (dtype == DataType.DT_BFLOAT16 || dtype == DataType.DT_FLOAT) {
                Shape shape = filter ? known(output.shape()) : cut(output.shape());
                return shape == null ? null : new Input(dtype, shape, null, null, null);
            }
            if (producer.type().equals("Const")) {
                return new Input(dtype, null, nodes.node(producer.name()), null, null);
            }
            if (producer.type().equals("Shape")) {
                Shape shape = filter
                        ? known(producer.input(0).shape())
                        : cut(producer.input(0).shape());
                return shape == null ? null : new Input(dtype, null, null, shape.asArray(), dtype);
            }
            return null;
        }

        String key() {
            if (shape != null) {
                return dtype + shape.toString();
            }
            if (constant != null) {
                return "const " + constant.getAttrMap().get("value").toString().replace('\n', ' ');
            }
            return "shape " + java.util.Arrays.toString(shapeValue);
        }
    }

    /** Whether input {@code i} of {@code op} is a convolution's filter (or its shape): never cut. */
    static boolean isFilter(GraphOperation op, int i) {
        return i == 1 && op.type().startsWith("Conv2D") || i == 1 && op.type().startsWith("DepthwiseConv2d");
    }

    /** The shape when every dimension is known, else null. */
    static Shape known(Shape shape) {
        if (shape.isUnknown()) {
            return null;
        }
        for (long d : shape.asArray()) {
            if (d < 0) {
                return null;
            }
        }
        return shape;
    }

    /** The shape with a rank-4 (NHWC) batch cut to {@link #BATCH}; null when a dimension is unknown. */
    static Shape cut(Shape shape) {
        if (shape.isUnknown()) {
            return null;
        }
        long[] dims = shape.asArray();
        if (dims.length == 4 && (dims[0] < 0 || dims[0] > BATCH)) {
            dims[0] = BATCH;
        }
        for (long d : dims) {
            if (d < 0) {
                return null;
            }
        }
        return Shape.of(dims);
    }

    private static final java.util.concurrent.atomic.AtomicLong COUNTER = new java.util.concurrent.atomic.AtomicLong();

    /** The op in bf16 and its float32 twin on the same inputs, in the check graph. */
    private static final class Twin {
        final String signature;
        final String name;
        final String describe;
        final double tolerance;
        final List<Placeholder<TFloat32>> feeds = new ArrayList<>();
        final List<Shape> feedShapes = new ArrayList<>();
        final List<Boolean> feedPositive = new ArrayList<>();
        final List<Operand<TFloat32>> bf16Outputs = new ArrayList<>();
        final List<Operand<TFloat32>> fp32Outputs = new ArrayList<>();

        private Twin(String signature, String name, String describe, double tolerance) {
            this.signature = signature;
            this.name = name;
            this.describe = describe;
            this.tolerance = tolerance;
        }

        static Twin build(Ops tf, Graph check, GraphOperation op, NodeIndex nodes, String signature, Perturbation p) {
            List<Input> inputs = new ArrayList<>();
            List<Shape> floatShapes = new ArrayList<>();
            for (int i = 0; i < op.numInputs(); i++) {
                Input in = Input.of(op.input(i), nodes, isFilter(op, i));
                inputs.add(in);
                if (in.shape() != null) {
                    floatShapes.add(in.shape());
                }
            }
            long n = reductionLength(op, inputs);
            double tolerance = UNIT_ROUNDOFF * (2 + Math.ceil(Math.log(n) / Math.log(2)));
            long channels = inputChannels(op, inputs);
            String odd = channels > 0 && channels % 2 == 1 ? ", " + ODD_CHANNELS + ": " + channels : "";
            Twin twin = new Twin(signature, op.name() + odd, op.type() + " " + floatShapes, tolerance);
            Ops scope = tf.withSubScope("check" + COUNTER.incrementAndGet());
            List<Output<?>> bf16Inputs = new ArrayList<>();
            List<Output<?>> fp32Inputs = new ArrayList<>();
            for (Input in : inputs) {
                if (in.shape() != null) {
                    Placeholder<TFloat32> feed = scope.placeholder(TFloat32.class, Placeholder.shape(in.shape()));
                    twin.feeds.add(feed);
                    twin.feedShapes.add(in.shape());
                    // A ReLU's input needs both signs; a sum's inputs mostly one sign (see the class comment).
                    twin.feedPositive.add(!op.type().startsWith("Relu"));
                    if (in.dtype() == DataType.DT_BFLOAT16) {
                        Operand<TBfloat16> rounded = scope.dtypes.cast(feed, TBfloat16.class);
                        bf16Inputs.add(rounded.asOutput());
                        fp32Inputs.add(
                                scope.dtypes.cast(rounded, TFloat32.class).asOutput());
                    } else {
                        bf16Inputs.add(feed.asOutput());
                        fp32Inputs.add(feed.asOutput());
                    }
                } else if (in.constant() != null) {
                    Output<?> c = constant(scope, check, in.constant());
                    bf16Inputs.add(c);
                    fp32Inputs.add(c);
                } else {
                    Output<?> c = in.shapeType() == DataType.DT_INT64
                            ? scope.constant(in.shapeValue()).asOutput()
                            : scope.constant(toInts(in.shapeValue())).asOutput();
                    bf16Inputs.add(c);
                    fp32Inputs.add(c);
                }
            }
            Operation bf16 = copy(scope, check, op, nodes, bf16Inputs, DataType.DT_BFLOAT16, "bf16");
            Operation fp32 = copy(scope, check, op, nodes, fp32Inputs, DataType.DT_FLOAT, "fp32");
            int compared = op.type().startsWith("FusedBatchNorm") ? 3 : op.numOutputs();
            for (int j = 0; j < compared; j++) {
                Output<?> out = bf16.output(j);
                if (out.dataType() != DataType.DT_BFLOAT16 && out.dataType() != DataType.DT_FLOAT) {
                    continue;
                }
                Operand<TFloat32> asFloat = out.dataType() == DataType.DT_FLOAT
                        ? scope.dtypes.cast(out.expect(TFloat32.class), TFloat32.class)
                        : scope.dtypes.cast(out.expect(TBfloat16.class), TFloat32.class);
                if (p != null && p.opType().equals(op.type())) {
                    asFloat = scope.math.mul(asFloat, scope.constant(p.factor()));
                }
                twin.bf16Outputs.add(asFloat);
                twin.fp32Outputs.add(scope.dtypes.cast(fp32.output(j).expect(TFloat32.class), TFloat32.class));
            }
            return twin;
        }

        /** The largest {@code max|bf16 - fp32| / max|fp32|} over the outputs, on fresh random inputs. */
        double run(Session session, Random random) {
            Session.Runner runner = session.runner();
            List<Tensor> fed = new ArrayList<>();
            try {
                for (int i = 0; i < feeds.size(); i++) {
                    Shape shape = feedShapes.get(i);
                    float[] values = new float[(int) shape.size()];
                    boolean positive = feedPositive.get(i);
                    for (int k = 0; k < values.length; k++) {
                        // mostly positive (mean 0.5, a quarter negative), or symmetric for ReLU
                        values[k] = positive ? random.nextFloat() * 2f - 0.5f : random.nextFloat() * 2f - 1f;
                    }
                    TFloat32 t = TFloat32.tensorOf(shape, DataBuffers.of(values, true, false));
                    fed.add(t);
                    runner.feed(feeds.get(i), t);
                }
                bf16Outputs.forEach(runner::fetch);
                fp32Outputs.forEach(runner::fetch);
                double worst = 0;
                try (var results = runner.run()) {
                    int k = bf16Outputs.size();
                    for (int j = 0; j < k; j++) {
                        worst = Math.max(worst, ratio((TFloat32) results.get(j), (TFloat32) results.get(j + k)));
                    }
                }
                return worst;
            } finally {
                fed.forEach(Tensor::close);
            }
        }

        private static double ratio(TFloat32 bf16, TFloat32 fp32) {
            int size = (int) fp32.size();
            float[] a = new float[size];
            float[] b = new float[size];
            bf16.asRawTensor().data().asFloats().read(a);
            fp32.asRawTensor().data().asFloats().read(b);
            double maxRef = 0;
            double maxDiff = 0;
            for (int i = 0; i < size; i++) {
                if (!Float.isFinite(a[i]) && Float.isFinite(b[i])) {
                    return Double.POSITIVE_INFINITY;
                }
                maxRef = Math.max(maxRef, Math.abs(b[i]));
                maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
            }
            return maxRef == 0 ? (maxDiff == 0 ? 0 : Double.POSITIVE_INFINITY) : maxDiff / maxRef;
        }

        private static Operation copy(
                Ops scope,
                Graph check,
                GraphOperation op,
                NodeIndex nodes,
                List<Output<?>> inputs,
                DataType t,
                String suffix) {
            OperationBuilder b =
                    check.opBuilder(op.type(), scope.scope().makeOpName(op.type() + "_" + suffix), scope.scope());
            inputs.forEach(b::addInput);
            for (Map.Entry<String, AttrValue> attr :
                    nodes.node(op.name()).getAttrMap().entrySet()) {
                if (attr.getKey().startsWith("_")) {
                    continue;
                }
                b.setAttr(
                        attr.getKey(),
                        attr.getKey().equals("T")
                                ? AttrValue.newBuilder().setType(t).build()
                                : attr.getValue());
            }
            return b.build();
        }

        private static Output<?> constant(Ops scope, Graph check, NodeDef def) {
            OperationBuilder b = check.opBuilder(
                    "Const", scope.scope().makeOpName("const" + COUNTER.incrementAndGet()), scope.scope());
            b.setAttr("value", def.getAttrMap().get("value"));
            b.setAttr("dtype", def.getAttrMap().get("dtype"));
            return b.build().output(0);
        }

        private static int[] toInts(long[] values) {
            int[] ints = new int[values.length];
            for (int i = 0; i < values.length; i++) {
                ints[i] = (int) values[i];
            }
            return ints;
        }
    }

    /** A convolution's input channel count (from its filter's or its input's shape), else 0. */
    static long inputChannels(GraphOperation op, List<Input> inputs) {
        return switch (op.type()) {
            case "Conv2D", "Conv2DBackpropFilter", "DepthwiseConv2dNative" -> {
                Shape x = inputs.get(0).shape();
                yield x == null ? 0 : x.get(x.numDimensions() - 1);
            }
            case "Conv2DBackpropInput" -> {
                Shape filter = inputs.get(1).shape();
                yield filter == null ? 0 : filter.get(2);
            }
            default -> 0;
        };
    }

    /** How many products or terms one output element sums (1 for elementwise ops); see the class comment. */
    static long reductionLength(GraphOperation op, List<Input> inputs) {
        Shape a = inputs.get(0).shape();
        Shape b = inputs.size() > 1 ? inputs.get(1).shape() : null;
        switch (op.type()) {
            case "Conv2D", "DepthwiseConv2dNative" -> {
                return b.get(0) * b.get(1) * (op.type().equals("Conv2D") ? b.get(2) : 1);
            }
            case "Conv2DBackpropInput" -> {
                return b.get(0) * b.get(1) * b.get(3);
            }
            case "Conv2DBackpropFilter" -> {
                Shape grad = inputs.get(2).shape();
                return grad.get(0) * grad.get(1) * grad.get(2);
            }
            case "MatMul", "BatchMatMulV2" -> {
                boolean transposed = attrBool(op, op.type().equals("MatMul") ? "transpose_a" : "adj_x");
                return a.get(transposed ? a.numDimensions() - 2 : a.numDimensions() - 1);
            }
            case "FusedBatchNormV3", "BiasAddGrad" -> {
                return a.size() / a.get(a.numDimensions() - 1);
            }
            case "Mean", "Sum", "AvgPool" -> {
                Shape out = cut(op.output(0).shape());
                return out == null ? a.size() : Math.max(1, a.size() / Math.max(1, out.size()));
            }
            default -> {
                return 1;
            }
        }
    }

    private static boolean attrBool(GraphOperation op, String name) {
        try {
            return op.attributes().getAttrBool(name);
        } catch (RuntimeException absent) {
            return false;
        }
    }
}
