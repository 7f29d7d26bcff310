package jacktf.model;

import jacktf.config.JacktfException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.tensorflow.Operand;
import org.tensorflow.types.family.TFloating;

/**
 * slim's {@code end_points}: activations by name in build order, plus the aliases people use
 * ({@code conv1}..{@code conv5}, {@code pool5}, and names without the model scope).
 */
public final class Endpoints {
    private final String modelScope;
    private final Map<String, Operand<TFloating>> byName = new LinkedHashMap<>();

    Endpoints(String modelScope) {
        this.modelScope = modelScope;
    }

    void put(String name, Operand<TFloating> activation) {
        byName.put(name, activation);
    }

    /** Every endpoint, slim's keys in build order. */
    public Map<String, Operand<TFloating>> asMap() {
        return Collections.unmodifiableMap(byName);
    }

    public Set<String> names() {
        return asMap().keySet();
    }

    /** The endpoint for a slim key or alias; an unknown name is an error listing the valid ones. */
    public Operand<TFloating> get(String name) {
        return byName.get(canonicalName(name));
    }

    /** The slim key that {@code name} stands for. */
    public String canonicalName(String name) {
        if (byName.containsKey(name)) {
            return name;
        }
        String alias =
                switch (name) {
                    case "conv1" -> modelScope + "/conv1";
                    case "conv2" -> modelScope + "/block1";
                    case "conv3" -> modelScope + "/block2";
                    case "conv4" -> modelScope + "/block3";
                    case "conv5" -> modelScope + "/block4";
                    case "pool5" -> "global_pool";
                    default -> modelScope + "/" + name;
                };
        if (byName.containsKey(alias)) {
            return alias;
        }
        throw new JacktfException("Unknown endpoint '" + name + "'. Valid endpoints: "
                + String.join(", ", byName.keySet())
                + " (aliases: conv1..conv5 = conv1, block1..block4; pool5 = global_pool)");
    }
}
