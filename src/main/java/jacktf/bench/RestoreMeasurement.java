package jacktf.bench;

import jacktf.checkpoint.Checkpoint;
import jacktf.checkpoint.Restorer;
import jacktf.model.ModelGraph;
import jacktf.runtime.Sessions;
import java.io.IOException;
import java.nio.file.Path;
import org.tensorflow.Graph;
import org.tensorflow.Session;

/** {@link BenchMode#RESTORE}: per step, a graph build and a full checkpoint restore (the zoo's when downloaded). */
final class RestoreMeasurement implements Measurement {
    @Override
    public BenchResult measure(BenchConfig config) throws IOException {
        Path checkpoint = BenchModels.fullCheckpoint(config);
        int classes = BenchModels.fullCheckpointClasses(config);
        Timing t = Timing.of(
                () -> {
                    try (Graph graph = new Graph();
                            Session session = Sessions.open(graph);
                            Checkpoint c = Checkpoint.open(checkpoint)) {
                        ModelGraph model = ModelGraph.local(graph);
                        BenchModels.buildNetwork(config, model, classes);
                        session.run(model.initializer());
                        Restorer.restoreModel(session, model, c);
                    }
                },
                config.warmup(),
                config.steps());
        return t.result(config, BenchMode.RESTORE, 0, null, null);
    }
}
