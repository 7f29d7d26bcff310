package jacktf.model;

import jacktf.runtime.DataTypes;
import jacktf.runtime.Placement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/**
 * Creates each variable once by its full name and hands the same one back on reuse, so a
 * training tower and an evaluation tower in one graph share one set of variables (slim's
 * {@code reuse=True}).
 */
public final class VariableStore {
    private final Graph graph;
    private final NameScopes scopes;
    private final Placement placement;
    private final long seed;
    private final Map<String, ModelVariable> byName = new LinkedHashMap<>();
    private final List<Op> initializers = new ArrayList<>();
    private final Set<String> stateNames = new HashSet<>();

    VariableStore(Graph graph, NameScopes scopes, Placement placement, long seed) {
        this.graph = graph;
        this.scopes = scopes;
        this.placement = placement;
        this.seed = seed;
    }

    /**
     * The variable {@code scope/name}; created with {@code initialValue} the first time, reused
     * afterwards (the shape must then agree).
     */
    public ModelVariable getOrCreate(
            String scope,
            String name,
            Shape shape,
            VariableRole role,
            Function<InitContext, Operand<TFloat32>> initialValue) {
        String fullName = scope + "/" + name;
        ModelVariable existing = byName.get(fullName);
        if (existing != null) {
            if (!existing.shape().equals(shape)) {
                throw new IllegalStateException("Variable " + fullName + " reused with shape " + shape
                        + " but was created with " + existing.shape());
            }
            return existing;
        }
        Ops layer = placement.forVariable(scopes.ops(scope), fullName, 4 * shape.size());
        Variable<TFloat32> variable = layer.withName(name).variable(shape, TFloat32.class);
        if (!variable.op().name().equals(fullName)) {
            throw new IllegalStateException("Variable was named "
                    + variable.op().name() + " instead of " + fullName + ": a scope was created twice");
        }
        Ops init = scopes.ops(scope + "/" + name + "_init");
        initializers.add(init.withName("Assign")
                .assign(
                        variable,
                        initialValue.apply(new InitContext(init, shape, seed, fullName.hashCode() & 0x7fffffffL))));
        ModelVariable created = new ModelVariable(fullName, shape, role, variable);
        byName.put(fullName, created);
        return created;
    }

    /**
     * A variable that is not part of the network (optimizer slot, global step, beta powers) with an
     * exact full name such as {@code resnet_v1_50/conv1/weights/Momentum}, as TF1 names them. Its
     * initial value is built by {@code initialValue} in the ops of {@code initScope}.
     */
    public <T extends TType> Variable<T> createState(
            String fullName, Shape shape, Class<T> type, String initScope, Function<Ops, Operand<T>> initialValue) {
        if (byName.containsKey(fullName) || stateNames.contains(fullName)) {
            throw new IllegalStateException("Variable " + fullName + " exists already");
        }
        Ops root = placement.forVariable(
                scopes.root(), fullName, (type == TFloat32.class ? 4 : 8) * Math.max(1, shape.size()));
        // Built by name: a scope named like the variable it belongs to cannot be created twice.
        Variable<T> variable = new Variable<>(graph.opBuilder(Variable.OP_NAME, fullName, root.scope())
                .setAttr("shape", shape)
                .setAttr("dtype", DataTypes.of(type))
                .build());
        if (!variable.op().name().equals(fullName)) {
            throw new IllegalStateException(
                    "Variable was named " + variable.op().name() + " instead of " + fullName);
        }
        Ops init = scopes.ops(initScope);
        initializers.add(init.assign(variable, initialValue.apply(init)));
        stateNames.add(fullName);
        return variable;
    }

    /** The graph-level seed variables and random ops derive theirs from. */
    public long seed() {
        return seed;
    }

    /** Every variable in creation order. */
    public List<ModelVariable> variables() {
        return List.copyOf(byName.values());
    }

    /** The assign ops that give every variable its fresh value. */
    public List<Op> initializers() {
        return Collections.unmodifiableList(initializers);
    }

    /** What an initial-value function may use: ops in the variable's init scope and a stable seed. */
    public record InitContext(Ops ops, Shape shape, long graphSeed, long variableSeed) {}
}
