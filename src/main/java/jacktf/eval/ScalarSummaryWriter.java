package jacktf.eval;

import java.nio.file.Path;
import java.util.Map;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.summary.SummaryWriter;

/** Writes scalars into a TensorBoard event file with TF's own summary ops. */
final class ScalarSummaryWriter {
    private ScalarSummaryWriter() {}

    static void write(Ops tf, Session session, Path dir, long step, Map<String, Float> scalars) {
        SummaryWriter writer = tf.summary.summaryWriter();
        session.run(tf.summary.createSummaryFileWriter(
                writer, tf.constant(dir.toString()), tf.constant(10), tf.constant(1000), tf.constant(".v2")));
        for (var e : scalars.entrySet()) {
            session.run(tf.summary.writeScalarSummary(
                    writer, tf.constant(step), tf.constant(e.getKey()), tf.constant(e.getValue())));
        }
        session.run(tf.summary.flushSummaryWriter(writer));
        session.run(tf.summary.closeSummaryWriter(writer));
    }
}
