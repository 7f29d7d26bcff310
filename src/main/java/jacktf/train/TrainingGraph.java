package jacktf.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jacktf.checkpoint.CheckpointVariable;
import jacktf.config.JacktfException;
import jacktf.data.DatasetSplits;
import jacktf.data.InputPipeline;
import jacktf.model.BatchNormMode;
import jacktf.model.BatchNormPolicy;
import jacktf.model.ModelGraph;
import jacktf.model.ModelVariable;
import jacktf.model.ResNetV1;
import jacktf.model.Tower;
import jacktf.runtime.Placement;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * The training graph: input pipeline, training tower, loss (softmax cross-entropy with label
 * smoothing plus slim's weight decay on trainable weights), gradients of the trainable variables
 * only, the optimizer's updates, batch-norm moving averages and {@code global_step}; plus an
 * evaluation tower on the validation split sharing the same variables.
 */
final class TrainingGraph {
  final ModelGraph model;
  final ResNetV1 network;
  final InputPipeline input;
  final InputPipeline validation;
  /** The training tower; null when the head trains on cached features. */
  final Tower tower;
  final Operand<TFloat32> logits;
  final List<ModelVariable> trainable = new ArrayList<>();
  final List<ModelVariable> frozen = new ArrayList<>();
  final Variable<TInt64> globalStep;
  final Operand<TFloat32> totalLoss;
  final Operand<TFloat32> crossEntropy;
  final Operand<TFloat32> regularization;
  final Operand<TFloat32> accuracy;
  final Operand<TFloat32> learningRate;
  /** Runs a step; its value is the global step after it (synchronous replicas: before the chief's update). */
  final Operand<TInt64> trainStep;
  /** Synchronous replicas only: the chief's aggregation and the other workers' wait for it. */
  final SyncReplicas sync;
  /** On a cluster: whether the chief has initialised or restored the shared variables. */
  final Operand<org.tensorflow.types.TBool> chiefReady;
  final Op markChiefReady;
  /** On a cluster: the chief advances it every step; the others stop when it stands still too long. */
  final Op chiefHeartbeat;
  final Operand<TInt64> chiefHeartbeatValue;
  /** On a cluster: tells every ps task that this worker completed. */
  final Op reportCompleted;
  final Operand<TFloat32> validationCorrect;
  final Operand<TFloat32> validationLossSum;
  final Operand<TInt64> validationLabels;
  final List<CheckpointVariable> saveTargets = new ArrayList<>();
  final TrainSummaries summaries;

  TrainingGraph(Graph graph, TrainConfig config, DatasetSplits data, int numClasses, long maxSteps, FeatureCache cache) {
    Replicas replicas = config.replicas();
    this.model = new ModelGraph(graph, replicas == null ? Placement.local()
        : Placement.parameterServers(replicas.cluster().ps().size()), config.seed());
    this.network = ResNetV1.builder(config.model()).numClasses(numClasses).head(config.head())
        .precision(config.precision()).batchNormDecay(config.batchNormDecay()).build();
    List<Op> towerUpdates;
    if (cache == null) {
      InputPipeline.Config training = InputPipeline.Config.training(config.batchSize(), config.imageSize(), config.seed());
      if (replicas != null) {
        // Each worker reads every n-th element of the one shuffled stream: together they see
        // what a single process with n times the batch would.
        training = training.shard(replicas.workers(), replicas.cluster().taskIndex());
      }
      this.input = InputPipeline.build(model, "input", data.train(), training);
      // A frozen layer runs batch norm on its moving statistics unless --frozen-bn train (slim's way).
      BatchNormPolicy batchNorm = config.frozenBatchNorm() == jacktf.config.FrozenBatchNorm.INFERENCE
          ? layer -> config.isTrainable(layer + "/gamma") ? BatchNormMode.TRAINING : BatchNormMode.INFERENCE
          : BatchNormPolicy.training();
      this.tower = network.apply(model, input.images(), batchNorm);
      this.logits = tower.logits();
      towerUpdates = tower.updateOps();
    } else {
      this.input = InputPipeline.ofFeatures(model, "input", cache.train.dataset(), cache.train.features(),
          FeatureCache.DIM, InputPipeline.Config.training(config.batchSize(), config.imageSize(), config.seed()));
      // Every variable exists (checkpoints hold the whole network) but only the head runs.
      network.apply(model, model.ops("").withName("unused_images").placeholder(TFloat32.class,
          org.tensorflow.op.core.Placeholder.shape(Shape.of(1, config.imageSize(), config.imageSize(), 3))),
          BatchNormPolicy.inference());
      this.tower = null;
      this.logits = network.headLogits(model, input.images());
      towerUpdates = List.of();
    }
    for (ModelVariable v : model.variables().variables()) {
      if (v.role().trainable() && config.isTrainable(v.name())) {
        trainable.add(v);
      } else if (v.role().trainable()) {
        frozen.add(v);
      }
    }
    if (cache != null && trainable.stream().anyMatch(v -> !v.isUnder(network.headScope()))) {
      throw new JacktfException("--cache-features trains the classifier alone on cached global_pool "
          + "features: pass --trainable-scopes " + network.headScope());
    }
    if (trainable.isEmpty()) {
      throw new JacktfException("Nothing to train: no variable is under --trainable-scopes "
          + config.trainableScopes() + " (or everything is under --freeze-scopes " + config.freezeScopes()
          + "). Scopes look like " + network.scope() + "/block4 or " + network.headScope());
    }

    Ops tf = model.ops("");
    this.globalStep = model.variables().createState("global_step", Shape.scalar(), TInt64.class, "global_step_init",
        init -> init.constant(0L));

    Ops lossScope = model.ops("losses");
    Operand<TFloat32> onehot = lossScope.oneHot(input.labels(), lossScope.constant(numClasses),
        lossScope.constant(1f - config.labelSmoothing() + config.labelSmoothing() / numClasses),
        lossScope.constant(config.labelSmoothing() / numClasses));
    this.crossEntropy = lossScope.withName("cross_entropy").math.mean(
        lossScope.nn.softmaxCrossEntropyWithLogits(logits, onehot).loss(), lossScope.constant(0));
    List<Operand<TFloat32>> decays = new ArrayList<>();
    for (ModelVariable v : trainable) {
      if (v.role().regularized()) {
        decays.add(lossScope.nn.l2Loss(lossScope.identity(v.variable())));
      }
    }
    this.regularization = config.weightDecay() == 0 || decays.isEmpty()
        ? lossScope.constant(0f)
        : lossScope.withName("regularization_loss").math.mul(lossScope.constant(config.weightDecay()), lossScope.math.addN(decays));
    this.totalLoss = lossScope.withName("total_loss").math.add(crossEntropy, regularization);
    Operand<TInt64> predicted = tf.math.argMax(logits, tf.constant(1));
    this.accuracy = tf.withName("accuracy").math.mean(tf.dtypes.cast(tf.math.equal(predicted, input.labels()), TFloat32.class),
        tf.constant(0));

    long stepsPerEpoch = Math.max(1, data.train().size() / config.batchSize());
    long decaySteps = config.learningRateDecayType() == jacktf.config.LearningRateDecayType.EXPONENTIAL
        ? Math.max(1, (long) (stepsPerEpoch * config.numEpochsPerDecay()))
        : Math.max(1, maxSteps);
    LearningRateSchedule schedule = new LearningRateSchedule(config.learningRateDecayType(), config.learningRate(),
        config.learningRateDecayFactor(), decaySteps, true, config.endLearningRate(), config.warmupSteps());
    this.learningRate = model.ops("learning_rate").withName("value").identity(
        schedule.build(model.ops("learning_rate"), tf.identity(globalStep)));

    // Gradients of the trainable variables only: frozen layers below the lowest trainable one
    // are not differentiated at all, and frozen ones in between only pass gradients through.
    Output<?>[] variables = trainable.stream().map(v -> v.variable().asOutput()).toArray(Output<?>[]::new);
    Output<?>[] gradients = graph.addGradients(totalLoss.asOutput(), variables);
    // Every gradient is computed before any variable changes (TF1's GATE_GRAPH): the backward
    // pass reads weights through aliases of the variables, so an early update would race with it.
    List<org.tensorflow.Operation> allGradients = new ArrayList<>();
    for (Output<?> gradient : gradients) {
      allGradients.add(gradient.op());
    }
    Ops gated = model.ops("gradients_gate").withControlDependencyOps(allGradients);
    List<Optimizer.GradientAndVariable> pairs = new ArrayList<>();
    for (int i = 0; i < trainable.size(); i++) {
      pairs.add(new Optimizer.GradientAndVariable(trainable.get(i), gated.identity(float32(gradients[i]))));
    }
    Optimizer optimizer = Optimizer.create(config.optimizer(), config.optimizerParams());
    if (replicas != null && replicas.synchronous()) {
      this.sync = new SyncReplicas(model, replicas.workers(), replicas.cluster().taskIndex(), pairs, globalStep,
          means -> optimizer.applyGradients(model, means, learningRate));
      List<Op> updates = new ArrayList<>(towerUpdates);
      updates.add(sync.accumulate);
      this.trainStep = tf.withControlDependencies(updates).withName("train_op").identity(globalStep);
    } else {
      this.sync = null;
      List<Op> updates = new ArrayList<>(optimizer.applyGradients(model, pairs, learningRate));
      updates.addAll(towerUpdates);
      this.trainStep = tf.withControlDependencies(updates).withName("train_op").assignAdd(globalStep, tf.constant(1L));
    }
    if (replicas != null) {
      // Not among the initializers: the chief sets it last, after restoring.
      Ops ready = model.placement().onParameterServer(model.ops(""), 0);
      Variable<org.tensorflow.types.TBool> flag = ready.withName("chief_ready").variable(Shape.scalar(),
          org.tensorflow.types.TBool.class);
      Variable<TInt64> heartbeat = ready.withName("chief_heartbeat").variable(Shape.scalar(), TInt64.class);
      this.chiefReady = tf.isVariableInitialized(flag);
      this.markChiefReady = tf.withControlDependencies(List.of(tf.assign(heartbeat, tf.constant(0L))))
          .assign(flag, tf.constant(true));
      this.chiefHeartbeat = tf.assignAdd(heartbeat, tf.constant(1L));
      this.chiefHeartbeatValue = tf.identity(heartbeat);
      List<Op> reports = new ArrayList<>();
      for (int k = 0; k < replicas.cluster().ps().size(); k++) {
        reports.add(tf.io.queueEnqueue(jacktf.runtime.ClusterServer.workersDone(model.ops(""), k).handle(),
            List.of(tf.constant(replicas.cluster().taskIndex()))));
      }
      this.reportCompleted = tf.withControlDependencies(reports).withName("report_completed").noOp();
    } else {
      this.chiefReady = null;
      this.markChiefReady = null;
      this.chiefHeartbeat = null;
      this.chiefHeartbeatValue = null;
      this.reportCompleted = null;
    }

    model.variables().variables().forEach(v -> saveTargets.add(CheckpointVariable.of(v)));
    saveTargets.addAll(optimizer.state());
    saveTargets.add(CheckpointVariable.of(globalStep, DataType.DT_INT64));

    boolean hasValidation = cache == null ? data.validation().size() > 0 : cache.validation.dataset().size() > 0;
    if (hasValidation) {
      Operand<TFloat32> evalLogits;
      if (cache == null) {
        this.validation = InputPipeline.build(model, "validation_input", data.validation(),
            InputPipeline.Config.evaluation(config.batchSize(), config.imageSize()));
        evalLogits = network.apply(model, validation.images(), BatchNormPolicy.inference()).logits();
      } else {
        this.validation = InputPipeline.ofFeatures(model, "validation_input", cache.validation.dataset(),
            cache.validation.features(), FeatureCache.DIM, InputPipeline.Config.evaluation(config.batchSize(),
                config.imageSize()));
        evalLogits = network.headLogits(model, validation.images());
      }
      Ops v = model.ops("validation");
      this.validationLabels = validation.labels();
      this.validationCorrect = v.reduceSum(v.dtypes.cast(v.math.equal(v.math.argMax(evalLogits, v.constant(1)),
          validation.labels()), TFloat32.class), v.constant(0));
      Operand<TFloat32> evalOnehot = v.oneHot(validation.labels(), v.constant(numClasses), v.constant(1f), v.constant(0f));
      this.validationLossSum = v.reduceSum(v.nn.softmaxCrossEntropyWithLogits(evalLogits, evalOnehot).loss(),
          v.constant(0));
    } else {
      this.validation = null;
      this.validationLabels = null;
      this.validationCorrect = null;
      this.validationLossSum = null;
    }

    this.summaries = new TrainSummaries(model.ops("summaries"), config.trainDir());
    summaries.trainScalar("total_loss", totalLoss);
    summaries.trainScalar("losses/cross_entropy", crossEntropy);
    summaries.trainScalar("losses/regularization_loss", regularization);
    summaries.trainScalar("learning_rate", learningRate);
    summaries.trainScalar("accuracy", accuracy);
    Map<String, Operand<?>> blocks = new LinkedHashMap<>();
    if (tower != null) {
      tower.endpoints().asMap().forEach((name, value) -> {
        if (name.matches(".*/block\\d") || name.equals("global_pool")) {
          blocks.put(name, value);
        }
      });
    }
    summaries.histograms(trainable, blocks);
    if (tower != null) {
      summaries.inputImages(input.images());
    }
  }

  @SuppressWarnings("unchecked")
  private static Operand<TFloat32> float32(Output<?> output) {
    return (Operand<TFloat32>) output;
  }
}
