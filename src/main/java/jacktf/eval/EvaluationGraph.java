package jacktf.eval;

import jacktf.checkpoint.Checkpoint;
import jacktf.checkpoint.Restorer;
import jacktf.config.Defaults;
import jacktf.data.ImageDataset;
import jacktf.data.InputPipeline;
import jacktf.model.BatchNormPolicy;
import jacktf.model.ModelGraph;
import jacktf.model.Precision;
import jacktf.model.Tower;
import jacktf.runtime.Placement;
import jacktf.runtime.Sessions;
import jacktf.traindir.ModelInfo;
import jacktf.traindir.TrainDir;
import java.io.IOException;
import java.nio.file.Path;
import org.tensorflow.Graph;
import org.tensorflow.Session;

/**
 * A checkpoint's network applied once to every image of a dataset: the model's eval preprocessing at
 * its image size (both from its train dir's {@link ModelInfo}), batch norm in inference mode, variables
 * restored, the pipeline started.
 */
final class EvaluationGraph implements AutoCloseable {
    final Checkpoint checkpoint;
    final Graph graph;
    final Session session;
    final ModelGraph model;
    final InputPipeline input;
    final Tower tower;

    private EvaluationGraph(
            Checkpoint checkpoint, Graph graph, Session session, ModelGraph model, InputPipeline input, Tower tower) {
        this.checkpoint = checkpoint;
        this.graph = graph;
        this.session = session;
        this.model = model;
        this.input = input;
        this.tower = tower;
    }

    static EvaluationGraph open(Path checkpointPath, ImageDataset dataset, int batchSize) throws IOException {
        Checkpoint checkpoint = Checkpoint.open(checkpointPath);
        Graph graph = new Graph();
        Session session = Sessions.open(graph);
        try {
            // a zoo checkpoint without jacktf.properties evaluates at its zoo entry's size and preprocessing
            ModelInfo info = TrainDir.containing(checkpointPath)
                    .modelInfo(checkpoint.modelSpec().type().name());
            ModelGraph model = new ModelGraph(graph, Placement.local(), Defaults.SEED_DEFAULT);
            InputPipeline input = InputPipeline.build(
                    model,
                    "input",
                    dataset,
                    InputPipeline.Config.evaluation(batchSize, info.imageSize())
                            .withPreprocessing(info.preprocessing()));
            Tower tower = checkpoint
                    .modelSpec()
                    .network(Precision.FP32)
                    .apply(model, input.images(), BatchNormPolicy.inference());
            EvaluationGraph opened = new EvaluationGraph(checkpoint, graph, session, model, input, tower);
            session.run(model.initializer());
            Restorer.restoreModel(session, model, checkpoint);
            session.run(input.initializer());
            return opened;
        } catch (RuntimeException | IOException e) {
            session.close();
            graph.close();
            checkpoint.close();
            throw e;
        }
    }

    @Override
    public void close() {
        session.close();
        graph.close();
        checkpoint.close();
    }
}
