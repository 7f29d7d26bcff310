package jacktf.model;

import java.util.HashMap;
import java.util.Map;
import org.tensorflow.op.Ops;

/**
 * The graph's name scopes by path. TF Java makes a scope unique on every {@code withSubScope}
 * call (a second {@code conv1} becomes {@code conv1_1}), so each scope is created once here
 * and reused; that is what keeps variable names exactly slim's.
 */
public final class NameScopes {
    private final Ops root;
    private final Map<String, Ops> byPath = new HashMap<>();

    public NameScopes(Ops root) {
        this.root = root;
    }

    public Ops root() {
        return root;
    }

    /** The ops of scope {@code path} ("a/b/c"), creating missing levels once. */
    public Ops ops(String path) {
        if (path.isEmpty()) {
            return root;
        }
        Ops existing = byPath.get(path);
        if (existing != null) {
            return existing;
        }
        int slash = path.lastIndexOf('/');
        Ops parent = slash < 0 ? root : ops(path.substring(0, slash));
        Ops created = parent.withSubScope(path.substring(slash + 1));
        byPath.put(path, created);
        return created;
    }
}
