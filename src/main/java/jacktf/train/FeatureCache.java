package jacktf.train;

import jacktf.checkpoint.Checkpoint;
import jacktf.checkpoint.CheckpointSaver;
import jacktf.checkpoint.CheckpointVariable;
import jacktf.checkpoint.RestoreOptions;
import jacktf.checkpoint.RestorePlan;
import jacktf.checkpoint.Restorer;
import jacktf.config.ConfigException;
import jacktf.data.DatasetSplits;
import jacktf.data.Example;
import jacktf.data.ImageDataset;
import jacktf.data.InputPipeline;
import jacktf.model.BatchNormPolicy;
import jacktf.model.ModelGraph;
import jacktf.model.Network;
import jacktf.model.Tower;
import jacktf.runtime.Batches;
import jacktf.runtime.Placement;
import jacktf.runtime.Sessions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;

/**
 * {@code cacheFeatures}: the frozen backbone runs once per image (eval preprocessing, no
 * augmentation) and the head then trains on the stored {@code global_pool} vectors, so epochs
 * after the first cost almost nothing.
 */
final class FeatureCache {
    /** The examples that decoded, in dataset order, and one feature row each. */
    record Cached(ImageDataset dataset, float[] features) {}

    final Cached train;
    final Cached validation;
    /** Length of a feature row: the depth of {@code global_pool} (2048 for resnet_v1_50). */
    final int dim;

    final double seconds;

    private FeatureCache(Cached train, Cached validation, int dim, double seconds) {
        this.train = train;
        this.validation = validation;
        this.dim = dim;
        this.seconds = seconds;
    }

    /** Images run through the backbone: the training and the validation split's. */
    int images() {
        return train.dataset().size() + validation.dataset().size();
    }

    /**
     * Runs the backbone from where training will start: the train dir's latest checkpoint when the
     * run resumes, else the warm-start checkpoint (else fresh values).
     */
    static FeatureCache forRun(TrainConfig config, DatasetSplits data) {
        var resumeFrom = CheckpointSaver.latest(config.trainDir());
        return compute(
                config,
                data,
                resumeFrom.orElse(config.checkpointPath()),
                resumeFrom.isPresent() ? RestoreOptions.all() : config.restoreOptions());
    }

    /**
     * Runs the backbone restored from {@code checkpoint} (null: fresh, seeded as the training graph)
     * over both splits, after checking that only the head trains (the one place that checks it).
     */
    static FeatureCache compute(TrainConfig config, DatasetSplits data, Path checkpoint, RestoreOptions options) {
        Network classifier = config.network(1);
        if (!classifier.hasHeadOnFeatures()) {
            throw new ConfigException(
                    "cacheFeatures",
                    "false for " + classifier.name() + " with auxiliary logits, which branch off before the pooled "
                            + "features (or turn auxLogits off)",
                    true);
        }
        String head = classifier.headScope();
        if (config.trainableScopes().isEmpty()
                || config.trainableScopes().stream().anyMatch(s -> !s.startsWith(head))) {
            throw new ConfigException(
                    "trainableScopes",
                    "the classifier's scope alone, " + head + ", with cacheFeatures "
                            + "(the classifier trains alone on cached global_pool features)",
                    config.trainableScopes());
        }
        long start = System.nanoTime();
        try (Graph graph = new Graph();
                Session session = Sessions.open(graph)) {
            ModelGraph model = new ModelGraph(graph, Placement.local(), config.seed());
            Network backbone = config.network(null);
            int batch = Math.max(config.batchSize(), 8);
            InputPipeline.Config evaluation = InputPipeline.Config.evaluation(batch, config.imageSize())
                    .withPreprocessing(config.preprocessing());
            InputPipeline trainInput = InputPipeline.build(model, "cache_train", data.train(), evaluation);
            Tower trainTower = backbone.apply(model, trainInput.images(), BatchNormPolicy.inference());
            InputPipeline validationInput = null;
            Tower validationTower = null;
            if (data.validation().size() > 0) {
                validationInput = InputPipeline.build(model, "cache_validation", data.validation(), evaluation);
                validationTower = backbone.apply(model, validationInput.images(), BatchNormPolicy.inference());
            }
            session.run(model.initializer());
            if (checkpoint != null) {
                try (Checkpoint c = Checkpoint.open(checkpoint)) {
                    List<CheckpointVariable> targets = CheckpointVariable.modelVariables(model);
                    Restorer.restore(session, model, RestorePlan.create(targets, c, options));
                }
            }
            int dim = (int) trainTower.features().shape().get(1);
            Cached train = run(session, trainInput, trainTower, data.train(), dim);
            Cached validation = validationInput == null
                    ? new Cached(data.validation(), new float[0])
                    : run(session, validationInput, validationTower, data.validation(), dim);
            return new FeatureCache(train, validation, dim, (System.nanoTime() - start) / 1e9);
        }
    }

    private static Cached run(Session session, InputPipeline input, Tower tower, ImageDataset dataset, int dim) {
        session.run(input.initializer());
        Map<String, float[]> byFile = new HashMap<>();
        Batches.runToEnd(() -> session.runner().fetch(tower.features()).fetch(input.files()), r -> {
            TFloat32 features = (TFloat32) r.get(0);
            TString files = (TString) r.get(1);
            for (int i = 0; i < features.shape().get(0); i++) {
                float[] row = new float[dim];
                for (int k = 0; k < dim; k++) {
                    row[k] = features.getFloat(i, k);
                }
                byFile.put(files.getObject(i), row);
            }
        });
        List<Example> decoded = new ArrayList<>();
        for (Example e : dataset.examples()) {
            if (byFile.containsKey(e.id())) {
                decoded.add(e);
            }
        }
        float[] features = new float[decoded.size() * dim];
        for (int i = 0; i < decoded.size(); i++) {
            System.arraycopy(byFile.get(decoded.get(i).id()), 0, features, i * dim, dim);
        }
        return new Cached(new ImageDataset(dataset.classNames(), decoded, dataset.rejected()), features);
    }
}
