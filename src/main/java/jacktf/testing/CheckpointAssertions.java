package jacktf.testing;

import jacktf.checkpoint.Checkpoint;
import jacktf.checkpoint.CheckpointVariable;
import jacktf.checkpoint.RestoreOptions;
import jacktf.checkpoint.RestorePlan;
import jacktf.checkpoint.TensorInfo;
import jacktf.model.BatchNormPolicy;
import jacktf.model.ModelGraph;
import jacktf.model.Network;
import jacktf.model.NetworkType;
import jacktf.model.Shapes;
import jacktf.runtime.DataTypes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.opentest4j.AssertionFailedError;
import org.tensorflow.Graph;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * Assertions about checkpoints, for users' tests of their fine-tuning runs. Checkpoints are read
 * in Java (any path {@link Checkpoint#open(Path)} takes: a prefix, a train dir, a SavedModel dir, a
 * V1 file); no TensorFlow session is started. Failures throw {@link AssertionFailedError} naming
 * the tensor, the values and the difference, with expected/actual values set for IDE diffs.
 */
public final class CheckpointAssertions {
    private static final int LISTED = 10;

    private CheckpointAssertions() {}

    /**
     * Asserts that {@code checkpoint} warm-starts {@code network} with {@code options}: every variable
     * of the network is restored or excluded, none is missing from the checkpoint or has another
     * dtype or shape there. The check is jacktf's own restore plan, computed from the checkpoint's
     * index and the network's variables without running anything.
     */
    public static void assertRestores(Path checkpoint, Network network, RestoreOptions options) {
        try (Graph graph = new Graph();
                Checkpoint ckpt = Checkpoint.open(checkpoint)) {
            ModelGraph model = ModelGraph.local(graph);
            // The variables are the network's at its default size (only AuxLogits' depend on the size).
            int size = network.defaultImageSize();
            network.apply(
                    model,
                    model.ops("").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, size, size, 3))),
                    BatchNormPolicy.inference());
            RestorePlan plan = RestorePlan.create(CheckpointVariable.modelVariables(model), ckpt, options);
            List<RestorePlan.Item> mismatched = plan.items(RestorePlan.Status.MISMATCHED);
            List<RestorePlan.Item> missing =
                    options.ignoreMissingVars() ? List.of() : plan.items(RestorePlan.Status.MISSING);
            if (mismatched.isEmpty() && missing.isEmpty()) {
                return;
            }
            List<String> problems = new ArrayList<>();
            for (RestorePlan.Item i : mismatched) {
                TensorInfo t = i.checkpointTensor();
                problems.add("mismatched " + i.name() + ": model " + describe(i.target()) + ", checkpoint "
                        + t.dtypeName() + " [" + t.shapeString() + "]");
            }
            for (RestorePlan.Item i : missing) {
                problems.add("missing " + i.name()
                        + (i.checkpointName().equals(i.name()) ? "" : " (looked up as " + i.checkpointName() + ")")
                        + ": model " + describe(i.target()) + ", not in the checkpoint");
            }
            StringBuilder message = new StringBuilder("Checkpoint ")
                    .append(ckpt.path())
                    .append(" does not restore into ")
                    .append(describe(network))
                    .append(options.excludeScopes().isEmpty() ? "" : " excluding " + options.excludeScopes())
                    .append(": ")
                    .append(mismatched.size())
                    .append(" mismatched and ")
                    .append(missing.size())
                    .append(" missing of ")
                    .append(plan.items().size())
                    .append(" variables");
            problems.stream().limit(LISTED).forEach(p -> message.append("\n  ").append(p));
            if (problems.size() > LISTED) {
                message.append("\n  ... and ").append(problems.size() - LISTED).append(" more");
            }
            plan.warnings().forEach(w -> message.append("\n  warning: ").append(w));
            throw new AssertionFailedError(
                    message.toString(),
                    "0 mismatched, 0 missing",
                    mismatched.size() + " mismatched, " + missing.size() + " missing");
        }
    }

    /**
     * Asserts that {@code checkpoint} warm-starts {@code architecture} with a head of
     * {@code numClasses} (null: no head) when the variables under {@code excludeScopes} start fresh.
     *
     * @see #assertRestores(Path, Network, RestoreOptions)
     */
    public static void assertRestores(
            Path checkpoint, NetworkType architecture, Integer numClasses, String... excludeScopes) {
        assertRestores(checkpoint, architecture.build(numClasses), RestoreOptions.excluding(excludeScopes));
    }

    /**
     * Asserts that every tensor under {@code scopes} (name prefixes such as {@code resnet_v1_50/block1})
     * is bit-identical in both checkpoints: same names, dtypes, shapes and bytes. What frozen layers
     * must satisfy between the checkpoint a run started from and the one it saved. A scope that
     * matches no tensor of {@code before} fails, so a typo cannot pass silently. Optimizer slots (TF1
     * names {@code <variable>/<slot>}, e.g. {@code .../weights/Adam}) are compared when both
     * checkpoints have them and skipped when only one does: the run that froze a variable keeps no
     * slots for it, while the checkpoint it started from may.
     */
    public static void assertFrozenScopesIdentical(Path before, Path after, String... scopes) {
        if (scopes.length == 0) {
            throw new IllegalArgumentException(
                    "Name the frozen scopes to compare, e.g. \"resnet_v1_50/block1\". Received none");
        }
        compare(before, after, List.of(scopes), null, true);
    }

    /**
     * Asserts that the two checkpoints hold the same tensors (names, dtypes, shapes) and that their
     * values agree within {@code tolerance} ({@link Tolerance}: {@code |actual - expected| <= absolute
     * + relative * |expected|} per element of float32/float64 tensors; other types exactly). With
     * {@code scopes}, only tensors under those name prefixes are compared; without, all of them.
     */
    public static void assertCheckpointsClose(Path expected, Path actual, Tolerance tolerance, String... scopes) {
        if (tolerance == null) {
            throw new IllegalArgumentException("Give a tolerance, e.g. Tolerance.absolute(1e-6); "
                    + "for bit-identity use assertFrozenScopesIdentical");
        }
        compare(expected, actual, List.of(scopes), tolerance, false);
    }

    /** {@code tolerance} null: bit-identical. {@code scopes} empty: every tensor. */
    private static void compare(
            Path expectedPath, Path actualPath, List<String> scopes, Tolerance tolerance, boolean skipLoneSlots) {
        try (Checkpoint expected = Checkpoint.open(expectedPath);
                Checkpoint actual = Checkpoint.open(actualPath)) {
            Map<String, TensorInfo> e = select(expected, scopes);
            Map<String, TensorInfo> a = select(actual, scopes);
            for (String scope : scopes) {
                if (e.keySet().stream().noneMatch(n -> n.startsWith(scope))) {
                    throw new AssertionFailedError("Scope '" + scope + "' matches no tensor of " + expected.path()
                            + "; its top-level names start with " + prefixes(expected));
                }
            }
            List<String> problems = new ArrayList<>();
            TensorComparison.Difference first = null;
            for (TensorInfo info : e.values()) {
                TensorInfo other = a.get(info.name());
                if (other == null && skipLoneSlots && isSlot(info.name(), e)) {
                    continue;
                }
                if (other == null) {
                    problems.add(info.name() + " is missing from " + actual.path() + " (expected " + info.dtypeName()
                            + " [" + info.shapeString() + "])");
                } else if (other.dtype() != info.dtype() || !Arrays.equals(other.shape(), info.shape())) {
                    problems.add(info.name() + " is " + other.dtypeName() + " [" + other.shapeString() + "], expected "
                            + info.dtypeName() + " [" + info.shapeString() + "]");
                } else {
                    TensorComparison.Difference d =
                            TensorComparison.compare(expected.read(info.name()), actual.read(info.name()), tolerance);
                    if (d != null) {
                        problems.add(d.message());
                        first = first == null ? d : first;
                    }
                }
            }
            for (TensorInfo info : a.values()) {
                if (!e.containsKey(info.name()) && !(skipLoneSlots && isSlot(info.name(), a))) {
                    problems.add(info.name() + " is in " + actual.path() + " but not in " + expected.path());
                }
            }
            if (problems.isEmpty()) {
                return;
            }
            StringBuilder message = new StringBuilder(problems.get(0));
            if (problems.size() > 1) {
                message.append("\n")
                        .append(problems.size())
                        .append(" of ")
                        .append(e.size())
                        .append(" compared tensors differ:");
                problems.stream().skip(1).limit(LISTED).forEach(p -> message.append("\n  ")
                        .append(p));
                if (problems.size() - 1 > LISTED) {
                    message.append("\n  ... and ")
                            .append(problems.size() - 1 - LISTED)
                            .append(" more");
                }
            }
            message.append("\n(")
                    .append(tolerance == null ? "bit-identical" : "tolerance " + tolerance)
                    .append(", comparing ")
                    .append(actual.path())
                    .append(" against ")
                    .append(expected.path())
                    .append(')');
            boolean firstIsValues = first != null && problems.get(0).equals(first.message());
            throw firstIsValues
                    ? new AssertionFailedError(message.toString(), first.expected(), first.actual())
                    : new AssertionFailedError(message.toString());
        }
    }

    /** Whether {@code name} extends another tensor's name by {@code /...}: a TF1 optimizer slot such as {@code w/Adam}. */
    private static boolean isSlot(String name, Map<String, TensorInfo> tensors) {
        for (int slash = name.indexOf('/'); slash > 0; slash = name.indexOf('/', slash + 1)) {
            if (tensors.containsKey(name.substring(0, slash))) {
                return true;
            }
        }
        return false;
    }

    private static Map<String, TensorInfo> select(Checkpoint checkpoint, List<String> scopes) {
        Map<String, TensorInfo> selected = new TreeMap<>();
        for (TensorInfo t : checkpoint.tensors()) {
            if (scopes.isEmpty() || scopes.stream().anyMatch(t.name()::startsWith)) {
                selected.put(t.name(), t);
            }
        }
        return selected;
    }

    private static String prefixes(Checkpoint checkpoint) {
        return checkpoint.tensors().stream()
                .map(t ->
                        t.name().contains("/") ? t.name().substring(0, t.name().indexOf('/')) : t.name())
                .distinct()
                .limit(LISTED)
                .toList()
                .toString();
    }

    private static String describe(CheckpointVariable target) {
        return DataTypes.name(target.dtype()) + " [" + Shapes.format(target.shape()) + "]";
    }

    private static String describe(Network network) {
        return network.scope()
                + (network.numClasses() == null ? " without a head" : " with " + network.numClasses() + " classes");
    }
}
