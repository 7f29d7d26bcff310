package jacktf.model;

import jacktf.config.ConfigException;
import java.util.Objects;

/**
 * What one configures of a network; unset values take slim's defaults for that network.
 *
 * @param numClasses classes of the head, or null for none (a feature extractor)
 * @param head the classifier's form ({@link Head#FC} only for the ResNets)
 * @param precision compute precision
 * @param batchNormDecay decay of the moving averages, or null for the network's own arg_scope default
 *     (0.997 for the ResNets and MobileNet-v2, 0.9997 for the Inceptions and MobileNet-v1)
 * @param auxLogits whether the Inceptions build {@code AuxLogits} (their variables' shapes depend on the
 *     image size; slim's checkpoints hold them for 299)
 */
public record NetworkOptions(
        Integer numClasses, Head head, Precision precision, Float batchNormDecay, boolean auxLogits) {

    public NetworkOptions {
        if (numClasses != null && numClasses < 1) {
            throw new ConfigException("numClasses", "at least 1 (or null: no head)", numClasses);
        }
        Objects.requireNonNull(head, "head");
        Objects.requireNonNull(precision, "precision");
        if (batchNormDecay != null && !(batchNormDecay >= 0 && batchNormDecay < 1)) {
            throw new ConfigException("batchNormDecay", "in [0, 1)", batchNormDecay);
        }
    }

    /** No head, slim's head form, fp32, the network's batch-norm decay, auxiliary logits on. */
    public static NetworkOptions defaults() {
        return new NetworkOptions(null, Head.SLIM, Precision.FP32, null, true);
    }

    public NetworkOptions withNumClasses(Integer v) {
        return new NetworkOptions(v, head, precision, batchNormDecay, auxLogits);
    }

    public NetworkOptions withHead(Head v) {
        return new NetworkOptions(numClasses, v, precision, batchNormDecay, auxLogits);
    }

    public NetworkOptions withPrecision(Precision v) {
        return new NetworkOptions(numClasses, head, v, batchNormDecay, auxLogits);
    }

    public NetworkOptions withBatchNormDecay(Float v) {
        return new NetworkOptions(numClasses, head, precision, v, auxLogits);
    }

    public NetworkOptions withAuxLogits(boolean v) {
        return new NetworkOptions(numClasses, head, precision, batchNormDecay, v);
    }

    /** The decay to use: the one set, else {@code networkDefault}. */
    public float batchNormDecayOr(float networkDefault) {
        return batchNormDecay == null ? networkDefault : batchNormDecay;
    }
}
