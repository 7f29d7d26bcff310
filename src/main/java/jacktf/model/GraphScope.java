package jacktf.model;

import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.DeviceSpec;
import org.tensorflow.ExecutionEnvironment;
import org.tensorflow.Graph;
import org.tensorflow.Operation;
import org.tensorflow.OperationBuilder;
import org.tensorflow.op.Ops;
import org.tensorflow.op.Scope;

/**
 * A TF Java {@link Scope} whose sub-scopes cost O(1) to create.
 *
 * <p>Why: TF Java 1.1.0's own scope ({@code OpScope}) makes every {@code withSubScope} walk every
 * operation of the graph (through JNI, one call per op) to learn which names are taken. A network
 * creates a scope per layer and per variable (and the optimizer one per slot), so building
 * resnet_v1_152 cost ~30 s and every resnet_v1_50 training graph seconds, all of it quadratic in
 * the graph's size. This scope asks the graph about exactly the name it is about to hand out
 * ({@link Graph#operation(String)}, a hash lookup) instead, so names stay unique against ops made
 * by anyone, and otherwise follows OpScope's rules: a name is made unique among the names its scope
 * handed out ({@code conv1}, {@code conv1_1}, ...), {@link #withName} shares them, a sub-scope
 * starts with none.
 */
final class GraphScope implements Scope {
    private static final Constructor<Ops> OPS_OF_SCOPE = opsConstructor();

    private final Graph graph;
    private final String prefix;
    private final String opName;
    private final Map<String, Integer> used;
    private final List<Operation> controls;
    private final DeviceSpec device;
    private final boolean init;

    private GraphScope(
            Graph graph,
            String prefix,
            String opName,
            Map<String, Integer> used,
            List<Operation> controls,
            DeviceSpec device,
            boolean init) {
        this.graph = graph;
        this.prefix = prefix;
        this.opName = opName;
        this.used = used;
        this.controls = controls;
        this.device = device;
        this.init = init;
    }

    /**
     * The root {@link Ops} of {@code graph} on this scope, or TF Java's own (correct, only slower)
     * when its {@code Ops(Scope)} constructor cannot be reached (a module path that does not open
     * {@code org.tensorflow.op}).
     */
    static Ops rootOps(Graph graph) {
        if (OPS_OF_SCOPE == null) {
            return Ops.create(graph);
        }
        GraphScope root = new GraphScope(
                graph,
                null,
                null,
                new HashMap<>(),
                List.of(),
                DeviceSpec.newBuilder().build(),
                false);
        try {
            return OPS_OF_SCOPE.newInstance(root);
        } catch (ReflectiveOperationException e) {
            return Ops.create(graph);
        }
    }

    private static Constructor<Ops> opsConstructor() {
        try {
            // package-private in TF Java 1.1.0: Ops.create only takes an environment's base scope
            Constructor<Ops> c = Ops.class.getDeclaredConstructor(Scope.class);
            c.setAccessible(true);
            return c;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    @Override
    public ExecutionEnvironment env() {
        return graph;
    }

    @Override
    public Scope withSubScope(String childScopeName) {
        String name = opName != null ? opName : checked(childScopeName);
        return new GraphScope(graph, qualify(unique(name)), null, new HashMap<>(), controls, device, init);
    }

    @Override
    public Scope withName(String name) {
        return new GraphScope(graph, prefix, checked(name), used, controls, device, init);
    }

    @Override
    public Scope withNameAsSubScope(String defaultName) {
        return withSubScope(defaultName);
    }

    @Override
    public Scope withDevice(DeviceSpec newDevice) {
        return new GraphScope(graph, prefix, opName, used, controls, newDevice, init);
    }

    @Override
    public Scope withInitScope() {
        return new GraphScope(graph, prefix, opName, used, List.of(), device, true);
    }

    @Override
    public String makeOpName(String defaultName) {
        return qualify(unique(opName != null ? opName : checked(defaultName)));
    }

    @Override
    public String makeUnique(String id) {
        return unique(id);
    }

    @Override
    public void refreshNames() {
        // nothing to refresh: every name is checked against the graph when it is handed out
    }

    @Override
    public Scope withControlDependencyOps(Iterable<Operation> newControls) {
        List<Operation> kept = new ArrayList<>();
        for (Operation control : newControls) {
            graph.checkInput(control);
            if (init && !graph.isInitializer(control)) {
                throw new IllegalArgumentException("Init scope can not have non-init control dependency.");
            }
            if (init || !graph.isInitializer(control)) {
                kept.add(control);
            }
        }
        return new GraphScope(graph, prefix, opName, used, List.copyOf(kept), device, init);
    }

    @Override
    public OperationBuilder apply(OperationBuilder builder) {
        builder.setDevice(device.toString());
        for (Operation control : controls) {
            if (init || !graph.isInitializer(control)) {
                builder.addControlInput(control);
            }
        }
        return builder;
    }

    @Override
    public String getDeviceString() {
        return device.toString();
    }

    @Override
    public boolean isInit() {
        return init;
    }

    /** {@code id}, or {@code id_N} with the first N that neither this scope handed out nor the graph holds. */
    private String unique(String id) {
        while (true) {
            int n = used.getOrDefault(id, 0);
            used.put(id, n + 1);
            String candidate = n == 0 ? id : id + "_" + n;
            if (graph.operation(qualify(candidate)) == null) {
                return candidate;
            }
        }
    }

    private String qualify(String name) {
        return prefix == null ? name : prefix + "/" + name;
    }

    private static String checked(String name) {
        if (!Scope.isValidOpName(name)) {
            throw new IllegalArgumentException("invalid name: '" + name + "' (letters, digits, '.', '_', '-'; no '/')");
        }
        return name;
    }
}
