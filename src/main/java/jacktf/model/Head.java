package jacktf.model;

import jacktf.config.JacktfException;
import java.util.Locale;

/** The classifier on top of {@code global_pool}. */
public enum Head {
    /** slim's own: {@code <model>/logits} as a 1x1 conv with biases, then {@code SpatialSqueeze}. */
    SLIM,
    /** The common TF1 fine-tuning recipe: squeeze, then {@code Predict/logits} fully connected. */
    FC;

    public static Head byName(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new JacktfException("Unknown head '" + name + "'. Valid heads: slim, fc");
        }
    }

    /** The variable scope of the head's weights for a model scope. */
    public String scope(String modelScope) {
        return this == SLIM ? modelScope + "/logits" : "Predict/logits";
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
