package jacktf.bench;

import java.util.Iterator;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;

/** FLOPs of a graph from its ops' static shapes, the way papers count them. */
final class FlopCounter {
    private FlopCounter() {}

    /** 2 x multiply-adds of every Conv2D and MatMul in the graph so far (the forward pass). */
    static double forwardFlops(Graph graph) {
        double flops = 0;
        for (Iterator<GraphOperation> it = graph.operations(); it.hasNext(); ) {
            GraphOperation op = it.next();
            if (op.type().equals("Conv2D")) {
                long[] out = op.output(0).shape().asArray();
                long[] filter = op.input(1).shape().asArray();
                flops += 2.0 * out[0] * out[1] * out[2] * out[3] * filter[0] * filter[1] * filter[2];
            } else if (op.type().equals("MatMul")) {
                long[] a = op.input(0).shape().asArray();
                long[] b = op.input(1).shape().asArray();
                flops += 2.0 * a[0] * a[1] * b[1];
            }
        }
        return flops;
    }
}
