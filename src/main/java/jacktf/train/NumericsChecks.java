package jacktf.train;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.exceptions.TFInvalidArgumentException;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.family.TNumber;

/**
 * {@code --check-numerics}: a {@code CheckNumerics} op on every float output (float32, bfloat16, half, double)
 * of every op the training step runs, as {@code tf.debugging.enable_check_numerics} does. The checks run in
 * the step's own session run (one more target) and are chained by control edges along the data flow, so the
 * check of an op waits for the checks of its inputs: the first to fail is the first op whose output was not
 * finite. Ops on a {@code Switch} branch (summaries gated per step) are left out: a check there would be dead
 * on the steps that skip the branch.
 *
 * <p>A consumer beside the op's next op keeps TF's graph rewriter from fusing the two (Conv2D + BiasAdd + Relu,
 * Conv2D + FusedBatchNorm in inference mode), so a checked step is slower; the CLI's help says so.
 */
final class NumericsChecks {
    /** The prefix of every check's message, to tell its failure from any other. */
    static final String PREFIX = "jacktf-check-numerics";

    private static final Pattern FAILED = Pattern.compile(PREFIX + " op=(\\S+) type=(\\S+)\\s*:\\s*([^\\n\\[]*)");

    private static final Set<DataType> FLOAT =
            Set.of(DataType.DT_FLOAT, DataType.DT_BFLOAT16, DataType.DT_HALF, DataType.DT_DOUBLE);

    private final Op target;
    private final int count;

    private NumericsChecks(Op target, int count) {
        this.target = target;
        this.count = count;
    }

    /** The one op to run with the step. */
    Op target() {
        return target;
    }

    /** How many outputs are checked. */
    int count() {
        return count;
    }

    /** Adds the checks for the ops the step's {@code roots} (the train op, the fetched losses) depend on. */
    static NumericsChecks instrument(Graph graph, List<Operand<?>> roots) {
        Set<GraphOperation> needed = new HashSet<>();
        for (Operand<?> root : roots) {
            needed.addAll(ancestors((GraphOperation) root.op()));
        }
        Set<GraphOperation> onSwitch = new HashSet<>();
        Map<GraphOperation, List<Op>> checksOf = new HashMap<>();
        List<GraphOperation> ordered = new ArrayList<>();
        for (Iterator<GraphOperation> it = graph.operations(); it.hasNext(); ) {
            GraphOperation op = it.next();
            if (needed.contains(op)) {
                ordered.add(op);
            }
        }
        Ops tf = Ops.create(graph).withSubScope("check_numerics");
        List<Op> all = new ArrayList<>();
        // Creation order is a topological order: an op's inputs were created before it.
        for (GraphOperation op : ordered) {
            boolean switched = op.type().endsWith("Switch");
            for (Operand<?> in : op.inputs()) {
                switched |= onSwitch.contains((GraphOperation) in.op());
            }
            if (switched) {
                onSwitch.add(op);
                continue;
            }
            List<Op> upstream = new ArrayList<>();
            for (Operand<?> in : op.inputs()) {
                upstream.addAll(checksOf.getOrDefault((GraphOperation) in.op(), List.of()));
            }
            List<Op> mine = new ArrayList<>();
            for (int i = 0; i < op.numOutputs(); i++) {
                Output<?> out = op.output(i);
                if (!FLOAT.contains(out.dataType()) || op.type().equals("Const")) {
                    continue;
                }
                Ops at = upstream.isEmpty() ? tf : tf.withControlDependencies(upstream);
                mine.add(at.debugging.checkNumerics(
                        asNumber(out), PREFIX + " op=" + op.name() + " type=" + op.type() + " "));
            }
            if (mine.isEmpty()) {
                mine = upstream; // pass the chain on through ops without float outputs
            }
            checksOf.put(op, mine);
            for (Op check : mine) {
                if (!all.contains(check)) {
                    all.add(check);
                }
            }
        }
        Op target = tf.withControlDependencies(all).withName("all").noOp();
        return new NumericsChecks(target, all.size());
    }

    /** Rethrows a failed check as {@link NonFiniteValueException}; returns for any other error. */
    static void rethrowNamed(TFInvalidArgumentException e, long step) {
        String message = e.getMessage();
        if (message == null) {
            return;
        }
        Matcher m = FAILED.matcher(message);
        if (m.find()) {
            String op = m.group(1);
            int slash = op.lastIndexOf('/');
            throw new NonFiniteValueException(
                    op,
                    m.group(2),
                    slash < 0 ? "" : op.substring(0, slash),
                    step,
                    m.group(3).trim());
        }
    }

    private static Set<GraphOperation> ancestors(GraphOperation root) {
        Set<GraphOperation> seen = new HashSet<>();
        Deque<GraphOperation> todo = new ArrayDeque<>();
        todo.add(root);
        while (!todo.isEmpty()) {
            GraphOperation op = todo.pop();
            if (!seen.add(op)) {
                continue;
            }
            for (Operand<?> in : op.inputs()) {
                todo.add((GraphOperation) in.op());
            }
            todo.addAll(op.controlInputs());
        }
        return seen;
    }

    @SuppressWarnings("unchecked")
    private static Operand<? extends TNumber> asNumber(Output<?> out) {
        return (Operand<? extends TNumber>) (Operand<?>) out;
    }
}
