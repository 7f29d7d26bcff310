package jacktf.bench;

import jacktf.data.ImageFolder;
import jacktf.data.InputPipeline;
import jacktf.model.ModelGraph;
import jacktf.runtime.Sessions;
import java.io.IOException;
import org.tensorflow.Graph;
import org.tensorflow.Session;

/** {@link BenchMode#PIPELINE}: batches of decoded, preprocessed training images from photo-sized JPEGs. */
final class PipelineMeasurement implements Measurement {
    @Override
    public BenchResult measure(BenchConfig config) throws IOException {
        var dataset = ImageFolder.load(SampleImages.folder(config.work()), 0, 0).train();
        try (Graph graph = new Graph()) {
            ModelGraph model = ModelGraph.local(graph);
            InputPipeline input = InputPipeline.build(
                    model, "input", dataset, InputPipeline.Config.training(config.batchSize(), config.imageSize(), 1));
            try (Session session = Sessions.open(graph)) {
                session.run(input.initializer());
                Timing t = Timing.of(
                        () -> session.runner().fetch(input.images()).run().close(), config.warmup(), config.steps());
                return t.result(config, BenchMode.PIPELINE, config.batchSize(), null, null);
            }
        }
    }
}
