package jacktf.model;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.types.TFloat32;

/**
 * One application of the network to a batch of images.
 *
 * @param logits float32 [B, C], or null when the model has no head
 * @param predictions softmax of the logits, or null without a head
 * @param features the pooled features the logits are computed from, squeezed to float32 [B, D]
 *     ({@code global_pool}, D = 2048 for the ResNets; {@code AvgPool_1a} for MobileNet and the Inceptions;
 *     {@code fc7} for VGG)
 * @param updateOps moving-average updates of the layers that ran batch norm in training mode
 * @param auxLogits float32 [B, C] of the auxiliary classifier ({@code AuxLogits}), or null without one
 */
public record Tower(
        Endpoints endpoints,
        Operand<TFloat32> logits,
        Operand<TFloat32> predictions,
        Operand<TFloat32> features,
        List<Op> updateOps,
        Operand<TFloat32> auxLogits) {

    /** A tower without auxiliary logits. */
    public Tower(
            Endpoints endpoints,
            Operand<TFloat32> logits,
            Operand<TFloat32> predictions,
            Operand<TFloat32> features,
            List<Op> updateOps) {
        this(endpoints, logits, predictions, features, updateOps, null);
    }
}
