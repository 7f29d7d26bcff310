package jacktf.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;

/** {@link GraphScope} names ops exactly as TF Java's own scope does, the reference, without walking the graph. */
class GraphScopeTest {
    /** Builds the same ops through {@code root} and returns their names in order. */
    private static List<String> names(Graph graph, Ops root) {
        List<String> names = new ArrayList<>();
        Function<Op, Op> keep = op -> {
            names.add(op.op().name());
            return op;
        };
        keep.apply(root.constant(1f));
        keep.apply(root.constant(2f)); // Const_1
        keep.apply(root.withName("x").constant(3f));
        keep.apply(root.withName("x").constant(4f)); // x_1
        Ops conv1 = root.withSubScope("conv1");
        keep.apply(conv1.withName("weights").constant(5f));
        keep.apply(conv1.constant(6f));
        Ops bn = conv1.withSubScope("BatchNorm");
        keep.apply(bn.withName("gamma").constant(7f));
        Ops again = root.withSubScope("conv1"); // a second conv1 scope is conv1_1
        keep.apply(again.constant(8f));
        keep.apply(root.withName("conv2").constant(9f)); // an op named conv2 ...
        keep.apply(root.withSubScope("conv2").constant(10f)); // ... so the scope conv2 is conv2_1
        keep.apply(root.withInitScope().withName("init").constant(11f));
        keep.apply(conv1.withControlDependencies(List.of(bn.constant(12f))).identity(conv1.constant(13f)));
        return names;
    }

    @Test
    void namesOpsAsTfJavasOwnScopeDoes() {
        try (Graph reference = new Graph();
                Graph fast = new Graph()) {
            List<String> expected = names(reference, Ops.create(reference));
            Ops root = GraphScope.rootOps(fast);
            assertTrue(root.scope() instanceof GraphScope, "the fast scope is in use: " + root.scope());
            assertEquals(expected, names(fast, root));
            assertEquals(
                    List.of(
                            "Const",
                            "Const_1",
                            "x",
                            "x_1",
                            "conv1/weights",
                            "conv1/Const",
                            "conv1/BatchNorm/gamma",
                            "conv1_1/Const",
                            "conv2",
                            "conv2_1/Const",
                            "init",
                            "conv1/Identity"),
                    expected);
        }
    }

    @Test
    void namesMadeByAnotherScopeOfTheSameGraphAreNotHandedOutAgain() {
        try (Graph graph = new Graph()) {
            Ops other = Ops.create(graph);
            other.withSubScope("block1").withName("weights").constant(1f);
            other.withSubScope("block1").constant(1f); // block1_1/Const
            Ops fast = GraphScope.rootOps(graph).withSubScope("block1");
            Op weights = fast.withName("weights").constant(2f);
            assertEquals("block1/weights_1", weights.op().name());
            assertEquals("block1/Const", fast.constant(3f).op().name());
            Ops second = GraphScope.rootOps(graph).withSubScope("block1_1");
            assertEquals("block1_1/Const_1", second.constant(4f).op().name());
            assertNotSame(graph.operation("block1/weights"), weights.op());
        }
    }

    @Test
    void refusesNamesTensorFlowRefuses() {
        try (Graph graph = new Graph()) {
            Ops root = GraphScope.rootOps(graph);
            assertThrows(IllegalArgumentException.class, () -> root.withSubScope("a/b"));
            assertThrows(IllegalArgumentException.class, () -> root.withName("_x"));
        }
    }
}
