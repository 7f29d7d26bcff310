package jacktf.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Print;

/** What a graph prints (PrintV2, Python's tf.print) reaches java.util.logging. */
class TensorFlowLoggingTest {

    @Test
    void printV2OutputBecomesOneLogRecord() {
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger logger = Logger.getLogger(TensorFlowLogging.LOGGER_NAME);
        logger.addHandler(capture);
        try {
            TensorFlowLogging.routePrintToLogging();
            TensorFlowLogging.routePrintToLogging(); // once per process: no second listener
            assertTrue(TensorFlowLogging.routed());
            try (Graph g = new Graph();
                    Session s = Sessions.open(g)) {
                Ops tf = Ops.create(g);
                Print print = tf.print(tf.constant("jacktf routes tf.print 42"), Print.outputStream("stderr"));
                s.runner().addTarget(print).run();
            }
            List<LogRecord> ours = records.stream()
                    .filter(r -> r.getMessage().contains("jacktf routes"))
                    .toList();
            assertEquals(
                    1,
                    ours.size(),
                    "records: " + records.stream().map(LogRecord::getMessage).toList());
            assertEquals("jacktf routes tf.print 42", ours.get(0).getMessage(), "the text without PrintV2's newline");
            assertEquals(Level.INFO, ours.get(0).getLevel());
            assertEquals("org.tensorflow", ours.get(0).getLoggerName());
        } finally {
            logger.removeHandler(capture);
        }
    }
}
