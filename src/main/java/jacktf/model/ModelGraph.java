package jacktf.model;

import jacktf.config.Defaults;
import jacktf.runtime.Placement;
import org.tensorflow.Graph;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TInt64;

/**
 * A graph with its name scopes, its variable store and its device placement: what every tower,
 * restore, optimizer and saver of one model is built into.
 */
public final class ModelGraph {
    private final Graph graph;
    private final Placement placement;
    private final NameScopes scopes;
    private final VariableStore variables;
    private Variable<TInt64> globalStep;

    public ModelGraph(Graph graph, Placement placement, long seed) {
        this.graph = graph;
        this.placement = placement;
        this.scopes = new NameScopes(GraphScope.rootOps(graph));
        this.variables = new VariableStore(graph, scopes, placement, seed);
    }

    /** A graph on this process's devices with the default seed ({@link Defaults#SEED_DEFAULT}). */
    public static ModelGraph local(Graph graph) {
        return new ModelGraph(graph, Placement.local(), Defaults.SEED_DEFAULT);
    }

    public Graph graph() {
        return graph;
    }

    public VariableStore variables() {
        return variables;
    }

    public Placement placement() {
        return placement;
    }

    /** Compute ops in scope {@code path} ("" for the root). */
    public Ops ops(String path) {
        return placement.forCompute(scopes.ops(path));
    }

    /**
     * TF1's {@code global_step} (int64, 0 at first): created on first use, by the trainer or by a training
     * tower whose randomness must follow the step (dropout), so that a run resumed from a checkpoint draws
     * what an uninterrupted one draws.
     */
    public Variable<TInt64> globalStep() {
        if (globalStep == null) {
            globalStep = variables.createState(
                    "global_step", Shape.scalar(), TInt64.class, "global_step_init", init -> init.constant(0L));
        }
        return globalStep;
    }

    /** One op that runs every variable initializer created so far. */
    public Op initializer() {
        return ops("").withControlDependencies(variables.initializers())
                .withName("init")
                .noOp();
    }
}
