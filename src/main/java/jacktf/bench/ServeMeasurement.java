package jacktf.bench;

import jacktf.serve.Classifier;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@link BenchMode#SERVE}: a batch of photo-sized JPEGs through the SavedModel's {@code Classifier}. */
final class ServeMeasurement implements Measurement {
    @Override
    public BenchResult measure(BenchConfig config) throws IOException {
        Path base = BenchModels.exportedModel(config);
        byte[] bytes = SampleImages.oneJpeg(config.work());
        List<byte[]> batch = new ArrayList<>();
        for (int i = 0; i < config.batchSize(); i++) {
            batch.add(bytes);
        }
        try (Classifier classifier = Classifier.load(base)) {
            Timing t = Timing.of(() -> classifier.classifyAll(batch), config.warmup(), config.steps());
            return t.result(config, BenchMode.SERVE, config.batchSize(), null, null);
        }
    }
}
