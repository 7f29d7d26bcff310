package jacktf.model.zoo;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * An expected variable list: slim's full variable names with their shapes (as
 * {@code tf.train.list_variables} prints them, comma-separated) in the order slim creates them. Every
 * variable of slim's zoo is float32, so the dtype is the same for all and checked separately.
 *
 * <p>The helpers spell out what one slim layer creates, from {@code tf_slim/layers/layers.py}:
 *
 * <ul>
 *   <li>{@code slim.conv2d} with a normalizer: {@code weights} [kh, kw, in, out], no biases; then the
 *       batch norm's variables.
 *   <li>{@code slim.conv2d} with {@code normalizer_fn=None}: {@code weights} and {@code biases} [out].
 *   <li>{@code slim.separable_conv2d(num_outputs=None, depth_multiplier=1)}: {@code
 *       depthwise_weights} [kh, kw, in, 1].
 *   <li>{@code slim.batch_norm}: {@code BatchNorm/beta} (center), {@code BatchNorm/gamma} only with
 *       {@code scale=True} (the ResNet and MobileNet arg scopes; the Inception arg scopes leave slim's
 *       default {@code scale=False}), {@code moving_mean}, {@code moving_variance}; on its own (the
 *       pre-activations of ResNet-v2) under the scope passed to it.
 *   <li>{@code slim.fully_connected}: {@code weights} [in, out] and {@code biases} [out].
 * </ul>
 */
final class VariableSpec {
    private final Map<String, long[]> shapes = new LinkedHashMap<>();
    private final boolean scale;

    /** @param scale whether slim's batch norm has a gamma here (its arg scope's {@code scale}) */
    VariableSpec(boolean scale) {
        this.scale = scale;
    }

    void put(String name, long... shape) {
        if (shapes.put(name, shape) != null) {
            throw new IllegalStateException("spec lists " + name + " twice");
        }
    }

    /** slim.conv2d with batch norm after it. */
    void convBn(String scope, int kh, int kw, int in, int out) {
        put(scope + "/weights", kh, kw, in, out);
        batchNorm(scope + "/BatchNorm", out);
    }

    /** slim.conv2d without a normalizer: weights and biases. */
    void convBias(String scope, int kh, int kw, int in, int out) {
        put(scope + "/weights", kh, kw, in, out);
        put(scope + "/biases", out);
    }

    /** slim.separable_conv2d with num_outputs None (depthwise only), batch norm after it. */
    void depthwiseBn(String scope, int k, int channels) {
        put(scope + "/depthwise_weights", k, k, channels, 1);
        batchNorm(scope + "/BatchNorm", channels);
    }

    /** slim.fully_connected without a normalizer. */
    void fc(String scope, int in, int out) {
        put(scope + "/weights", in, out);
        put(scope + "/biases", out);
    }

    /** slim.batch_norm's variables under {@code bnScope}. */
    void batchNorm(String bnScope, int channels) {
        put(bnScope + "/beta", channels);
        if (scale) {
            put(bnScope + "/gamma", channels);
        }
        put(bnScope + "/moving_mean", channels);
        put(bnScope + "/moving_variance", channels);
    }

    /** Name to shape string, sorted by name (the order list_variables prints). */
    Map<String, String> shapeStrings() {
        Map<String, String> out = new TreeMap<>();
        shapes.forEach((k, v) -> out.put(k, format(v)));
        return out;
    }

    Map<String, long[]> shapes() {
        return shapes;
    }

    int size() {
        return shapes.size();
    }

    /** Every variable's element count. */
    long parameters() {
        return count(n -> true);
    }

    /** Trainable ones: everything but the moving statistics. */
    long trainableParameters() {
        return count(n -> !n.endsWith("/moving_mean") && !n.endsWith("/moving_variance"));
    }

    /** Weights and biases only, no batch-norm variables at all. */
    long weightParameters() {
        return count(n -> !n.contains("/BatchNorm/"));
    }

    private long count(java.util.function.Predicate<String> which) {
        long n = 0;
        for (var e : shapes.entrySet()) {
            if (which.test(e.getKey())) {
                long size = 1;
                for (long d : e.getValue()) {
                    size *= d;
                }
                n += size;
            }
        }
        return n;
    }

    static String format(long[] shape) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(shape[i]);
        }
        return sb.toString();
    }
}
