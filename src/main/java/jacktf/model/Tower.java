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
 * @param features {@code global_pool} squeezed to float32 [B, 2048]
 * @param updateOps moving-average updates of the layers that ran batch norm in training mode
 */
public record Tower(
        Endpoints endpoints,
        Operand<TFloat32> logits,
        Operand<TFloat32> predictions,
        Operand<TFloat32> features,
        List<Op> updateOps) {}
