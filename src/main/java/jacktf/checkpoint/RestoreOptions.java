package jacktf.checkpoint;

import jacktf.config.ConfigException;
import jacktf.model.ScopeSet;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What to take from a checkpoint, as slim's {@code train_image_classifier.py} flags say it.
 *
 * @param excludeScopes variables whose names start with one of these keep their fresh values
 * @param scopeMap checkpoint prefix to model prefix, as {@code init_from_checkpoint}'s assignment map
 * @param ignoreMissingVars variables absent from the checkpoint start fresh instead of failing
 * @param headScopes the network's head, logits first ({@code InceptionV3/Logits, InceptionV3/AuxLogits}):
 *     without {@code excludeScopes}, these are excluded when the checkpoint's logits have another shape than
 *     the model's (other classes: a zoo checkpoint fine-tuned for a new dataset), as slim's fine-tuning
 *     scripts exclude them by hand; empty: no such default
 */
public record RestoreOptions(
        List<String> excludeScopes, Map<String, String> scopeMap, boolean ignoreMissingVars, List<String> headScopes) {

    public RestoreOptions {
        excludeScopes = List.copyOf(excludeScopes);
        headScopes = List.copyOf(headScopes);
    }

    /** Without a default for the head. */
    public RestoreOptions(List<String> excludeScopes, Map<String, String> scopeMap, boolean ignoreMissingVars) {
        this(excludeScopes, scopeMap, ignoreMissingVars, List.of());
    }

    /** These options with {@code scopes} as the head excluded by default when its classes differ. */
    public RestoreOptions withHeadScopes(List<String> scopes) {
        return new RestoreOptions(excludeScopes, scopeMap, ignoreMissingVars, scopes);
    }

    public static RestoreOptions all() {
        return new RestoreOptions(List.of(), Map.of(), false);
    }

    public static RestoreOptions excluding(String... scopes) {
        return new RestoreOptions(List.of(scopes), Map.of(), false);
    }

    /** Parses {@code old/:new/,...} into checkpoint prefix to model prefix. */
    public static Map<String, String> parseScopeMap(String spec) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String pair : ScopeSet.parse(spec).scopes()) {
            int colon = pair.indexOf(':');
            if (colon < 0) {
                throw new ConfigException(
                        "scopeMap",
                        "comma-separated CHECKPOINT_PREFIX:MODEL_PREFIX entries " + "(e.g. old_net/:resnet_v1_50/)",
                        "'" + pair + "'");
            }
            map.put(pair.substring(0, colon), pair.substring(colon + 1));
        }
        return map;
    }

    /** The checkpoint name a variable is read from. */
    String checkpointName(String variable) {
        for (Map.Entry<String, String> e : scopeMap.entrySet()) {
            if (variable.startsWith(e.getValue())) {
                return e.getKey() + variable.substring(e.getValue().length());
            }
        }
        return variable;
    }

    /**
     * The scopes a restore of {@code targets} from {@code checkpoint} excludes: {@link #excludeScopes} when
     * given, else {@link #headScopes} when a variable under the logits' scope has another shape in the
     * checkpoint, else none.
     */
    List<String> effectiveExcludes(List<CheckpointVariable> targets, Checkpoint checkpoint) {
        if (!excludeScopes.isEmpty() || headScopes.isEmpty()) {
            return excludeScopes;
        }
        String logits = headScopes.get(0) + "/";
        for (CheckpointVariable t : targets) {
            if (t.name().startsWith(logits)) {
                var entry = checkpoint.find(checkpointName(t.name()));
                if (entry.isPresent()
                        && !Arrays.equals(entry.get().shape(), t.shape().asArray())) {
                    return headScopes;
                }
            }
        }
        return List.of();
    }
}
