package jacktf.checkpoint;

import jacktf.model.ScopeSet;
import jacktf.model.Shapes;
import jacktf.runtime.DataTypes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What a warm start will do with each variable: restore it, leave it fresh because it is
 * excluded, or fail because it is missing from the checkpoint or does not match it. Computed
 * from the checkpoint's index alone, before the graph is touched.
 */
public final class RestorePlan {
    /** One variable's fate. */
    public enum Status {
        RESTORED,
        EXCLUDED,
        MISSING,
        MISMATCHED
    }

    /** A variable's line in the plan; the checkpoint fields are null where it has no entry. */
    public record Item(CheckpointVariable target, String checkpointName, Status status, TensorInfo checkpointTensor) {
        public String name() {
            return target.name();
        }
    }

    private final Checkpoint checkpoint;
    private final RestoreOptions options;
    private final List<String> excluded;
    private final List<Item> items;
    private final List<TensorInfo> unused;
    private final List<String> warnings;

    private RestorePlan(
            Checkpoint checkpoint,
            RestoreOptions options,
            List<String> excluded,
            List<Item> items,
            List<TensorInfo> unused,
            List<String> warnings) {
        this.checkpoint = checkpoint;
        this.options = options;
        this.excluded = excluded;
        this.items = items;
        this.unused = unused;
        this.warnings = warnings;
    }

    public static RestorePlan create(List<CheckpointVariable> targets, Checkpoint checkpoint, RestoreOptions options) {
        List<Item> items = new ArrayList<>();
        Set<String> used = new LinkedHashSet<>();
        List<String> excluded = options.effectiveExcludes(targets, checkpoint);
        ScopeSet excludedSet = ScopeSet.of(excluded);
        for (CheckpointVariable target : targets) {
            String ckptName = options.checkpointName(target.name());
            TensorInfo entry = checkpoint.find(ckptName).orElse(null);
            Status status;
            if (excludedSet.contains(target.name())) {
                status = Status.EXCLUDED;
            } else if (entry == null) {
                status = Status.MISSING;
            } else if (entry.dtype() != target.dtype()
                    || !Arrays.equals(entry.shape(), target.shape().asArray())) {
                status = Status.MISMATCHED;
            } else {
                status = Status.RESTORED;
            }
            if (entry != null && status != Status.EXCLUDED) {
                used.add(entry.name());
            }
            items.add(new Item(target, ckptName, status, entry));
        }
        List<TensorInfo> unused = checkpoint.tensors().stream()
                .filter(t -> !used.contains(t.name()))
                .toList();
        List<String> warnings = new ArrayList<>();
        for (String scope : options.excludeScopes()) {
            if (targets.stream().noneMatch(t -> t.name().startsWith(scope))) {
                warnings.add("--checkpoint-exclude-scopes '" + scope + "' matches no variable of the model");
            }
        }
        if (options.ignoreMissingVars()) {
            for (Item item : items) {
                if (item.status() == Status.MISSING) {
                    warnings.add("Variable " + item.name()
                            + " is not in the checkpoint; it starts fresh (--ignore-missing-vars)");
                }
            }
        }
        return new RestorePlan(checkpoint, options, excluded, List.copyOf(items), unused, List.copyOf(warnings));
    }

    public Checkpoint checkpoint() {
        return checkpoint;
    }

    public List<Item> items() {
        return items;
    }

    /**
     * The scopes this plan excludes: the options' exclude scopes, or their head scopes when none were given and
     * the checkpoint's logits have another shape (see {@link RestoreOptions#headScopes()}).
     */
    public List<String> excludedScopes() {
        return excluded;
    }

    public List<Item> items(Status status) {
        return items.stream().filter(i -> i.status() == status).toList();
    }

    /** Checkpoint entries no variable reads (global_step, mean_rgb, optimizer slots, excluded ones). */
    public List<TensorInfo> unused() {
        return unused;
    }

    public List<String> warnings() {
        return warnings;
    }

    public Map<Status, Integer> counts() {
        Map<Status, Integer> counts = new EnumMap<>(Status.class);
        for (Status s : Status.values()) {
            counts.put(s, 0);
        }
        items.forEach(i -> counts.merge(i.status(), 1, Integer::sum));
        return counts;
    }

    /**
     * Fails on a mismatch (naming the variable, both shapes and the exclude scope that would fix
     * it), and on missing variables unless {@code --ignore-missing-vars}.
     */
    public void check() {
        List<Item> mismatched = items(Status.MISMATCHED);
        if (!mismatched.isEmpty()) {
            StringBuilder msg = new StringBuilder();
            msg.append(mismatched.size())
                    .append(mismatched.size() == 1 ? " variable does" : " variables do")
                    .append(" not match checkpoint ")
                    .append(checkpoint.path())
                    .append(":");
            for (Item i : mismatched.subList(0, Math.min(10, mismatched.size()))) {
                msg.append("\n  ")
                        .append(i.name())
                        .append(": model has ")
                        .append(describe(i.target()))
                        .append(", checkpoint has ")
                        .append(i.checkpointTensor().dtypeName())
                        .append(" [")
                        .append(i.checkpointTensor().shapeString())
                        .append("]");
            }
            if (mismatched.size() > 10) {
                msg.append("\n  ... and ").append(mismatched.size() - 10).append(" more");
            }
            msg.append("\nTo start them fresh instead (e.g. a new classifier for your number of classes), pass"
                            + " --checkpoint-exclude-scopes ")
                    .append(suggestedScopes(mismatched));
            throw new CheckpointException(null, msg.toString());
        }
        List<Item> missing = items(Status.MISSING);
        if (!missing.isEmpty() && !options.ignoreMissingVars()) {
            StringBuilder msg = new StringBuilder();
            msg.append(missing.size())
                    .append(" of ")
                    .append(items.size())
                    .append(" variables are not in checkpoint ")
                    .append(checkpoint.path())
                    .append(":");
            for (Item i : missing.subList(0, Math.min(10, missing.size()))) {
                msg.append("\n  ").append(i.name());
                if (!i.checkpointName().equals(i.name())) {
                    msg.append(" (looked up as ").append(i.checkpointName()).append(")");
                }
            }
            if (missing.size() > 10) {
                msg.append("\n  ... and ").append(missing.size() - 10).append(" more");
            }
            msg.append("\nThe checkpoint's top-level scopes are: ")
                    .append(topScopes())
                    .append(".\nCheck --model (and --checkpoint-scope-map for a backbone saved under another scope),")
                    .append(" exclude them with --checkpoint-exclude-scopes ")
                    .append(suggestedScopes(missing))
                    .append(", or pass --ignore-missing-vars to start them fresh.");
            throw new CheckpointException(null, msg.toString());
        }
    }

    private String topScopes() {
        Set<String> scopes = new TreeSet<>();
        for (TensorInfo t : checkpoint.tensors()) {
            int slash = t.name().indexOf('/');
            scopes.add(slash < 0 ? t.name() : t.name().substring(0, slash));
        }
        return scopes.stream().limit(20).collect(Collectors.joining(", "));
    }

    /** The layer scopes of the given variables: their names without the last component. */
    static String suggestedScopes(List<Item> items) {
        Set<String> scopes = new LinkedHashSet<>();
        for (Item i : items) {
            String name = i.name();
            int slash = name.lastIndexOf('/');
            String scope = slash < 0 ? name : name.substring(0, slash);
            if (scope.endsWith("/BatchNorm")) {
                scope = scope.substring(0, scope.length() - "/BatchNorm".length());
            }
            scopes.add(scope);
        }
        return String.join(",", scopes);
    }

    private static String describe(CheckpointVariable t) {
        return DataTypes.name(t.dtype()) + " [" + Shapes.format(t.shape()) + "]";
    }

    /** The plan as a table: one row per variable, then the unused entries and the counts. */
    public String format(boolean verbose) {
        StringBuilder out = new StringBuilder();
        out.append("Restore plan: ")
                .append(checkpoint.path())
                .append(" (")
                .append(checkpoint.format())
                .append(", ")
                .append(checkpoint.tensors().size())
                .append(" tensors)\n");
        if (!excluded.isEmpty()) {
            out.append("  exclude scopes: ")
                    .append(String.join(", ", excluded))
                    .append(options.excludeScopes().isEmpty() ? " (the head, by default: other classes)" : "")
                    .append('\n');
        }
        options.scopeMap().forEach((from, to) -> out.append("  scope map: checkpoint ")
                .append(from)
                .append(" -> model ")
                .append(to)
                .append('\n'));
        for (Item i : items) {
            if (!verbose && i.status() == Status.RESTORED) {
                continue;
            }
            out.append(String.format("  %-10s %-70s %s%n", i.status().name().toLowerCase(), i.name(), detail(i)));
        }
        if (verbose) {
            for (TensorInfo t : unused) {
                out.append(
                        String.format("  %-10s %-70s %s [%s]%n", "unused", t.name(), t.dtypeName(), t.shapeString()));
            }
        }
        Map<Status, Integer> counts = counts();
        out.append(String.format(
                "  restored %d, excluded %d, missing %d, mismatched %d; unused checkpoint entries %d%n",
                counts.get(Status.RESTORED),
                counts.get(Status.EXCLUDED),
                counts.get(Status.MISSING),
                counts.get(Status.MISMATCHED),
                unused.size()));
        for (String w : warnings) {
            out.append("  warning: ").append(w).append('\n');
        }
        return out.toString();
    }

    private static String detail(Item i) {
        String model = "[" + Shapes.format(i.target().shape()) + "]";
        return switch (i.status()) {
            case MISMATCHED ->
                "model " + model + " vs checkpoint " + i.checkpointTensor().dtypeName() + " ["
                        + i.checkpointTensor().shapeString() + "]";
            case MISSING -> model + " not in checkpoint";
            default -> model;
        };
    }
}
