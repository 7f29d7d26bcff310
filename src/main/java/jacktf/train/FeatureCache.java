package jacktf.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jacktf.checkpoint.Checkpoint;
import jacktf.checkpoint.RestoreOptions;
import jacktf.checkpoint.RestorePlan;
import jacktf.checkpoint.CheckpointVariable;
import jacktf.checkpoint.Restorer;
import jacktf.data.DatasetSplits;
import jacktf.data.Example;
import jacktf.data.ImageDataset;
import jacktf.data.InputPipeline;
import jacktf.model.BatchNormPolicy;
import jacktf.model.ModelGraph;
import jacktf.model.ResNetV1;
import jacktf.model.Tower;
import jacktf.runtime.Placement;
import jacktf.runtime.Sessions;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TFOutOfRangeException;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;

/**
 * {@code --cache-features}: the frozen backbone runs once per image (eval preprocessing, no
 * augmentation) and the head then trains on the stored {@code global_pool} vectors, so epochs
 * after the first cost almost nothing.
 */
final class FeatureCache {
  static final int DIM = 2048;

  /** The examples that decoded, in dataset order, and one feature row each. */
  record Cached(ImageDataset dataset, float[] features) {}

  final Cached train;
  final Cached validation;
  final double seconds;

  private FeatureCache(Cached train, Cached validation, double seconds) {
    this.train = train;
    this.validation = validation;
    this.seconds = seconds;
  }

  /** Runs the backbone restored from {@code checkpoint} (null: fresh, seeded as the training graph) over both splits. */
  static FeatureCache compute(TrainConfig config, DatasetSplits data, Path checkpoint, RestoreOptions options) {
    long start = System.nanoTime();
    try (Graph graph = new Graph(); Session session = Sessions.open(graph)) {
      ModelGraph model = new ModelGraph(graph, Placement.local(), config.seed());
      ResNetV1 backbone = ResNetV1.builder(config.model()).precision(config.precision()).build();
      int batch = Math.max(config.batchSize(), 8);
      InputPipeline trainInput = InputPipeline.build(model, "cache_train", data.train(),
          InputPipeline.Config.evaluation(batch, config.imageSize()));
      Tower trainTower = backbone.apply(model, trainInput.images(), BatchNormPolicy.inference());
      InputPipeline validationInput = null;
      Tower validationTower = null;
      if (data.validation().size() > 0) {
        validationInput = InputPipeline.build(model, "cache_validation", data.validation(),
            InputPipeline.Config.evaluation(batch, config.imageSize()));
        validationTower = backbone.apply(model, validationInput.images(), BatchNormPolicy.inference());
      }
      session.run(model.initializer());
      if (checkpoint != null) {
        try (Checkpoint c = Checkpoint.open(checkpoint)) {
          List<CheckpointVariable> targets = CheckpointVariable.modelVariables(model);
          Restorer.restore(session, model, RestorePlan.create(targets, c, options));
        }
      }
      Cached train = run(session, trainInput, trainTower, data.train());
      Cached validation = validationInput == null ? new Cached(data.validation(), new float[0])
          : run(session, validationInput, validationTower, data.validation());
      return new FeatureCache(train, validation, (System.nanoTime() - start) / 1e9);
    }
  }

  private static Cached run(Session session, InputPipeline input, Tower tower, ImageDataset dataset) {
    session.run(input.initializer());
    Map<String, float[]> byFile = new HashMap<>();
    while (true) {
      try (Result r = session.runner().fetch(tower.features()).fetch(input.files()).run()) {
        TFloat32 features = (TFloat32) r.get(0);
        TString files = (TString) r.get(1);
        for (int i = 0; i < features.shape().get(0); i++) {
          float[] row = new float[DIM];
          for (int k = 0; k < DIM; k++) {
            row[k] = features.getFloat(i, k);
          }
          byFile.put(files.getObject(i), row);
        }
      } catch (TFOutOfRangeException end) {
        break;
      }
    }
    List<Example> decoded = new ArrayList<>();
    for (Example e : dataset.examples()) {
      if (byFile.containsKey(e.file().toString())) {
        decoded.add(e);
      }
    }
    float[] features = new float[decoded.size() * DIM];
    for (int i = 0; i < decoded.size(); i++) {
      System.arraycopy(byFile.get(decoded.get(i).file().toString()), 0, features, i * DIM, DIM);
    }
    return new Cached(new ImageDataset(dataset.classNames(), decoded, dataset.rejected()), features);
  }
}
