package jacktf.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.data.IteratorGetNext;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TType;

class BatchesTest {
    @Test
    void runsEveryBatchOnceThenStopsAtTheEndOfTheInput() {
        try (Graph graph = new Graph();
                Session session = new Session(graph)) {
            Ops tf = Ops.create(graph);
            List<Class<? extends TType>> types = List.of(TInt64.class);
            var range = tf.data.rangeDataset(
                    tf.constant(0L), tf.constant(5L), tf.constant(1L), types, List.of(Shape.scalar()));
            var batches =
                    tf.data.batchDataset(range, tf.constant(2L), tf.constant(false), types, List.of(Shape.of(-1)));
            var iterator = tf.data.iterator("", "", types, List.of(Shape.of(-1)));
            Op init = tf.data.makeIterator(batches, iterator);
            IteratorGetNext next = tf.data.iteratorGetNext(iterator, types, List.of(Shape.of(-1)));
            session.run(init);
            List<Long> seen = new ArrayList<>();
            int count = Batches.runToEnd(
                    () -> session.runner().fetch(next.components().get(0)), r -> {
                        TInt64 values = (TInt64) r.get(0);
                        for (int i = 0; i < values.shape().get(0); i++) {
                            seen.add(values.getLong(i));
                        }
                    });
            assertEquals(3, count, "0..4 in batches of 2: [0,1], [2,3], [4]");
            assertEquals(List.of(0L, 1L, 2L, 3L, 4L), seen);
        }
    }
}
