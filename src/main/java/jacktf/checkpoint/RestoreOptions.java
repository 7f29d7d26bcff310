package jacktf.checkpoint;

import jacktf.config.ConfigException;
import jacktf.model.ScopeSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What to take from a checkpoint, as slim's {@code train_image_classifier.py} flags say it.
 *
 * @param excludeScopes variables whose names start with one of these keep their fresh values
 * @param scopeMap checkpoint prefix to model prefix, as {@code init_from_checkpoint}'s assignment map
 * @param ignoreMissingVars variables absent from the checkpoint start fresh instead of failing
 */
public record RestoreOptions(List<String> excludeScopes, Map<String, String> scopeMap, boolean ignoreMissingVars) {

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

    boolean excludes(String variable) {
        return ScopeSet.of(excludeScopes).contains(variable);
    }
}
