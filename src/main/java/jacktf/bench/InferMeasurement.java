package jacktf.bench;

import jacktf.model.BatchNormPolicy;
import java.io.IOException;
import org.tensorflow.Operand;
import org.tensorflow.Session;

/** {@link BenchMode#INFER}: the forward pass to the predictions, against the MatMul peak. */
final class InferMeasurement implements Measurement {
    @Override
    public BenchResult measure(BenchConfig config) throws IOException {
        double peak = MatMulPeak.measure(config.precision());
        try (BenchNetwork network = BenchNetwork.build(config, BatchNormPolicy.inference())) {
            Operand<?> fetch = network.tower.predictions();
            try (Session session = network.start()) {
                Timing t =
                        Timing.of(() -> session.runner().fetch(fetch).run().close(), config.warmup(), config.steps());
                return t.result(config, BenchMode.INFER, config.batchSize(), network.forwardFlopsPerImage, peak);
            }
        }
    }
}
