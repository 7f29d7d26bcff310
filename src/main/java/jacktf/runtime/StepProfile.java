package jacktf.runtime;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.proto.DeviceStepStats;
import org.tensorflow.proto.NodeExecStats;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.proto.RunOptions;

/**
 * Where a step's time goes, from TensorFlow's own step statistics ({@code RunMetadata} of runs made with
 * {@link #RUN_OPTIONS}): a table by op type (share of the ops' time, executions, time, GFLOP/s where the op's
 * FLOPs are known) and a Chrome trace ({@code chrome://tracing}, Perfetto) of every op on every thread.
 *
 * <p>Op types are what ran, as TF's timeline labels name them after its graph rewrites (oneDNN's
 * {@code _MklNativeConv2D}, the remapper's {@code _FusedConv2D} ...), not what was built. FLOPs are counted
 * for the convolutions and their two gradients, 2 x multiply-adds from the graph's static shapes with the
 * batch the step really ran; a fused op is credited with the convolution it absorbed.
 */
public final class StepProfile {
    /** Full tracing: TF records every op's start, end, thread and outputs. */
    public static final RunOptions RUN_OPTIONS = RunOptions.newBuilder()
            .setTraceLevel(RunOptions.TraceLevel.FULL_TRACE)
            .build();

    /** The op-type table as printed ({@link #format(int)} of the top {@link #TOP} types). */
    public static final String TABLE_FILE = "profile.txt";

    /** The whole op-type table as TSV. */
    public static final String TSV_FILE = "profile.tsv";

    /** The Chrome trace (chrome://tracing, Perfetto). */
    public static final String TRACE_FILE = "trace.json";

    /** Op types in the printed table. */
    public static final int TOP = 10;

    /** Trace events kept for the Chrome trace; a long profile keeps its first steps' events whole. */
    static final int MAX_TRACE_EVENTS = 500_000;

    /**
     * One op type's line.
     *
     * @param opType the op type as it ran
     * @param count executions over all profiled steps
     * @param millisPerStep the type's op time per step (summed over threads)
     * @param share its fraction of all ops' time
     * @param gflopsPerSecond FLOPs over op time, or null where the op's FLOPs are not counted
     */
    public record Row(String opType, long count, double millisPerStep, double share, Double gflopsPerSecond) {}

    private record Event(String name, String type, String device, int thread, long startMicros, long durMicros) {}

    private static final class Totals {
        long count;
        long micros;
        double flops;
        boolean flopsKnown;
    }

    private final Graph graph;
    private final Map<String, Totals> byType = new HashMap<>();
    private final List<Event> events = new ArrayList<>();
    private int steps;
    private long wallMicros;

    /** A profile of steps run on {@code graph} (for FLOPs: the graph's static shapes). */
    public StepProfile(Graph graph) {
        this.graph = graph;
    }

    /** Adds one step's statistics. */
    public void add(RunMetadata metadata) {
        steps++;
        long batch = ranBatch(metadata);
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (DeviceStepStats device : metadata.getStepStats().getDevStatsList()) {
            for (NodeExecStats node : device.getNodeStatsList()) {
                String type = opType(node);
                long micros = Math.max(0, node.getOpEndRelMicros() - node.getOpStartRelMicros());
                Totals t = byType.computeIfAbsent(type, k -> new Totals());
                t.count++;
                t.micros += micros;
                double flops = type.contains("Conv2D") ? convolutionFlops(node, batch) : 0;
                if (flops > 0) {
                    t.flops += flops;
                    t.flopsKnown = true;
                }
                first = Math.min(first, node.getAllStartMicros());
                last = Math.max(last, node.getAllStartMicros() + node.getAllEndRelMicros());
                if (events.size() < MAX_TRACE_EVENTS) {
                    events.add(new Event(
                            node.getNodeName(),
                            type,
                            device.getDevice(),
                            node.getThreadId(),
                            node.getAllStartMicros(),
                            Math.max(1, node.getAllEndRelMicros())));
                }
            }
        }
        if (last > first) {
            wallMicros += last - first;
        }
    }

    /**
     * The batch this step ran, read from a forward convolution's output: the input pipeline's batch
     * dimension is dynamic in the graph, and a filter gradient's output has none.
     */
    private long ranBatch(RunMetadata metadata) {
        for (DeviceStepStats device : metadata.getStepStats().getDevStatsList()) {
            for (NodeExecStats node : device.getNodeStatsList()) {
                GraphOperation op = conv(graph.operation(node.getNodeName()), 3);
                if (op != null && op.type().equals("Conv2D") && node.getOutputCount() > 0) {
                    var shape = node.getOutput(0).getTensorDescription().getShape();
                    if (shape.getDimCount() == 4) {
                        return shape.getDim(0).getSize();
                    }
                }
            }
        }
        return -1;
    }

    /** Steps added so far. */
    public int steps() {
        return steps;
    }

    /** Mean wall time of a step, first op start to last op end, in milliseconds. */
    public double wallMillisPerStep() {
        return steps == 0 ? 0 : wallMicros / 1e3 / steps;
    }

    /** FLOPs of the counted ops per step. */
    public double flopsPerStep() {
        return steps == 0
                ? 0
                : byType.values().stream().mapToDouble(t -> t.flops).sum() / steps;
    }

    /** Op types by their share of the ops' time, largest first. */
    public List<Row> table() {
        long total = byType.values().stream().mapToLong(t -> t.micros).sum();
        List<Row> rows = new ArrayList<>();
        for (var e : byType.entrySet()) {
            Totals t = e.getValue();
            rows.add(new Row(
                    e.getKey(),
                    t.count,
                    t.micros / 1e3 / Math.max(1, steps),
                    total == 0 ? 0 : (double) t.micros / total,
                    t.flopsKnown && t.micros > 0 ? t.flops / (t.micros * 1e3) : null));
        }
        rows.sort(Comparator.comparingDouble(Row::share).reversed().thenComparing(Row::opType));
        return rows;
    }

    /** The table as text: the {@code top} largest op types and a line for the rest. */
    public String format(int top) {
        StringBuilder s = new StringBuilder(String.format(
                Locale.ROOT,
                "%d profiled steps, %.1f ms wall per step, %.2f GFLOP counted per step%n",
                steps,
                wallMillisPerStep(),
                flopsPerStep() / 1e9));
        s.append(String.format(
                Locale.ROOT, "%-32s %7s %10s %12s %10s%n", "op type", "share", "count", "ms/step", "GFLOP/s"));
        List<Row> rows = table();
        for (Row r : rows.subList(0, Math.min(top, rows.size()))) {
            s.append(String.format(
                    Locale.ROOT,
                    "%-32s %6.1f%% %10d %12.2f %10s%n",
                    r.opType(),
                    100 * r.share(),
                    r.count(),
                    r.millisPerStep(),
                    r.gflopsPerSecond() == null ? "" : String.format(Locale.ROOT, "%.1f", r.gflopsPerSecond())));
        }
        if (rows.size() > top) {
            double rest = rows.subList(top, rows.size()).stream()
                    .mapToDouble(Row::share)
                    .sum();
            s.append(
                    String.format(Locale.ROOT, "%-32s %6.1f%%%n", (rows.size() - top) + " other op types", 100 * rest));
        }
        return s.toString();
    }

    /** Writes {@link #TABLE_FILE}, {@link #TSV_FILE} and {@link #TRACE_FILE} into {@code dir}. */
    public void writeTo(Path dir) throws IOException {
        Files.createDirectories(dir);
        AtomicFiles.writeString(dir.resolve(TABLE_FILE), format(TOP));
        writeTsv(dir.resolve(TSV_FILE));
        writeChromeTrace(dir.resolve(TRACE_FILE));
    }

    /** Writes the whole table as TSV (op_type, share, count, ms_per_step, gflops_per_s). */
    public void writeTsv(Path file) throws IOException {
        StringBuilder s = new StringBuilder("op_type\tshare\tcount\tms_per_step\tgflops_per_s\n");
        for (Row r : table()) {
            s.append(r.opType())
                    .append('\t')
                    .append(String.format(Locale.ROOT, "%.6f", r.share()))
                    .append('\t')
                    .append(r.count())
                    .append('\t')
                    .append(String.format(Locale.ROOT, "%.4f", r.millisPerStep()))
                    .append('\t')
                    .append(r.gflopsPerSecond() == null ? "" : String.format(Locale.ROOT, "%.3f", r.gflopsPerSecond()))
                    .append('\n');
        }
        AtomicFiles.writeString(file, s);
    }

    /** Writes the Chrome trace event format: one process per device, one row per TF thread. */
    public void writeChromeTrace(Path file) throws IOException {
        Map<String, Integer> pids = new LinkedHashMap<>();
        List<Map<String, Object>> trace = new ArrayList<>();
        for (Event e : events) {
            int pid = pids.computeIfAbsent(e.device(), d -> pids.size());
            Map<String, Object> event = new LinkedHashMap<>();
            event.put("name", e.type());
            event.put("cat", "op");
            event.put("ph", "X");
            event.put("ts", e.startMicros());
            event.put("dur", e.durMicros());
            event.put("pid", pid);
            event.put("tid", e.thread());
            event.put("args", Map.of("name", e.name(), "op", e.type()));
            trace.add(event);
        }
        for (var d : pids.entrySet()) {
            trace.add(
                    Map.of("name", "process_name", "ph", "M", "pid", d.getValue(), "args", Map.of("name", d.getKey())));
        }
        Gson gson = new GsonBuilder().create();
        String json = gson.toJson(Map.of("traceEvents", trace, "displayTimeUnit", "ms"));
        AtomicFiles.writeString(file, json);
    }

    /** "name = Type(inputs)" is TF's timeline label; without one, the built op's type. */
    String opType(NodeExecStats node) {
        String label = node.getTimelineLabel();
        int eq = label.indexOf(" = ");
        if (eq >= 0) {
            int paren = label.indexOf('(', eq);
            String type =
                    label.substring(eq + 3, paren < 0 ? label.length() : paren).trim();
            if (!type.isEmpty()) {
                return type;
            }
        }
        GraphOperation op = graph.operation(node.getNodeName());
        return op != null ? op.type() : "(runtime: " + node.getNodeName() + ")";
    }

    /** 2 x multiply-adds of a convolution or one of its gradients at the batch that ran; 0 if unknown. */
    private double convolutionFlops(NodeExecStats node, long batch) {
        GraphOperation op = conv(graph.operation(node.getNodeName()), 3);
        if (op == null) {
            return 0;
        }
        long[] out;
        long[] filter;
        switch (op.type()) {
            case "Conv2D":
                out = op.output(0).shape().asArray();
                filter = op.input(1).shape().asArray();
                break;
            case "Conv2DBackpropInput":
                out = op.input(2).shape().asArray(); // the gradient of the forward output
                filter = op.input(1).shape().asArray();
                break;
            case "Conv2DBackpropFilter":
                out = op.input(2).shape().asArray();
                filter = op.output(0).shape().asArray();
                break;
            default:
                return 0;
        }
        long n = batchOf(out[0], batch);
        if (n < 0 || out.length != 4 || filter.length != 4) {
            return 0;
        }
        return 2.0 * n * out[1] * out[2] * out[3] * filter[0] * filter[1] * filter[2];
    }

    private static long batchOf(long staticBatch, long ran) {
        return staticBatch >= 0 ? staticBatch : ran;
    }

    /**
     * The convolution behind a node: itself, or for a fused op named after the last op it absorbed (the
     * remapper names {@code Conv2D+FusedBatchNorm+Relu} after the Relu), the convolution among its inputs.
     */
    private static GraphOperation conv(GraphOperation op, int depth) {
        if (op == null) {
            return null;
        }
        if (op.type().startsWith("Conv2D")) {
            return op;
        }
        if (depth == 0) {
            return null;
        }
        for (int i = 0; i < op.numInputs(); i++) {
            GraphOperation found = conv((GraphOperation) op.input(i).op(), depth - 1);
            if (found != null) {
                return found;
            }
        }
        return null;
    }
}
