package jacktf.model;

import com.google.common.base.Splitter;
import jacktf.config.JacktfException;
import java.util.Collection;
import java.util.List;

/**
 * A set of variable scopes as slim's flags name them ({@code --checkpoint_exclude_scopes},
 * {@code --trainable_scopes}): a variable is in the set when its full name starts with one of the
 * scopes, exactly slim's {@code var.op.name.startswith(scope)}. The one scope matcher of jacktf:
 * restore exclusion, trainable and frozen selection and per-layer batch-norm modes all use it.
 *
 * @param scopes the scope prefixes, e.g. {@code resnet_v1_50/logits}
 */
public record ScopeSet(List<String> scopes) {
    /** The empty set. */
    public static final ScopeSet NONE = new ScopeSet(List.of());

    private static final Splitter LIST = Splitter.on(',').trimResults().omitEmptyStrings();

    /** Copies {@code scopes}; blank entries are refused. */
    public ScopeSet {
        scopes = List.copyOf(scopes);
        for (String s : scopes) {
            if (s.isBlank()) {
                throw new JacktfException(
                        "A scope is blank; scopes look like resnet_v1_50/logits. Received: " + scopes);
            }
        }
    }

    /** The given scopes. */
    public static ScopeSet of(String... scopes) {
        return new ScopeSet(List.of(scopes));
    }

    /** The given scopes. */
    public static ScopeSet of(Collection<String> scopes) {
        return new ScopeSet(List.copyOf(scopes));
    }

    /** Parses {@code a,b} the way slim does: entries trimmed, blank entries ignored; null is empty. */
    public static ScopeSet parse(String commaSeparated) {
        return commaSeparated == null ? NONE : new ScopeSet(LIST.splitToList(commaSeparated));
    }

    /** Whether {@code variableName} lies under one of the scopes (a plain prefix test, as slim's). */
    public boolean contains(String variableName) {
        for (String s : scopes) {
            if (variableName.startsWith(s)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the set names no scope. */
    public boolean isEmpty() {
        return scopes.isEmpty();
    }

    @Override
    public String toString() {
        return String.join(",", scopes);
    }
}
