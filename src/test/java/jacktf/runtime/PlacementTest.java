package jacktf.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

class PlacementTest {
    @Test
    void variablesSpreadOverPsTasksByBytesAndSlotsFollowTheirVariable() {
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            Placement p = Placement.parameterServers(2);
            Variable<TFloat32> big =
                    p.forVariable(tf, "a/big", 4000).withName("big").variable(Shape.of(1000), TFloat32.class);
            p.forVariable(tf, "a/small", 400);
            p.forVariable(tf, "a/small2", 400);
            p.forVariable(tf, "a/big/Momentum", 4000);
            assertEquals("/job:ps/task:0/device:CPU:0", ((GraphOperation) big.op()).device());
            assertEquals(0, p.taskOf("a/big"));
            assertEquals(1, p.taskOf("a/small"));
            assertEquals(1, p.taskOf("a/small2"));
            assertEquals(0, p.taskOf("a/big/Momentum"), "a slot lives with its variable");
            assertEquals(8000, p.bytesPerTask()[0]);
            assertEquals(-1, Placement.local().taskOf("a/big"));
        }
    }
}
