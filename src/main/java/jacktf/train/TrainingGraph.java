package jacktf.train;

import jacktf.checkpoint.CheckpointVariable;
import jacktf.cluster.Coordination;
import jacktf.cluster.Replicas;
import jacktf.cluster.SyncReplicas;
import jacktf.config.ConfigException;
import jacktf.config.FrozenBatchNorm;
import jacktf.config.LearningRateDecayType;
import jacktf.data.ImagePreprocessing;
import jacktf.data.InputPipeline;
import jacktf.model.BatchNormMode;
import jacktf.model.BatchNormPolicy;
import jacktf.model.ModelGraph;
import jacktf.model.ModelVariable;
import jacktf.model.Network;
import jacktf.model.Tower;
import jacktf.runtime.Placement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * The training graph, built in the sections of slim's {@code train_image_classifier.py}: inputs,
 * network, loss (softmax cross-entropy with label smoothing plus weight decay on the conv and logits
 * weights), learning rate, gradients of the trainable variables only and the optimizer's update
 * (with batch-norm moving averages and {@code global_step}), replicas, validation (a tower on the
 * validation split sharing the variables) and summaries.
 */
final class TrainingGraph {
    final TrainConfig config;
    final ModelGraph model;
    final Network network;
    final InputPipeline input;
    /** The training tower; null when the head trains on cached features. */
    final Tower tower;

    final Operand<TFloat32> logits;
    /** Moving-average updates of the layers that run batch norm in training mode. */
    private final List<Op> towerUpdates;

    final List<ModelVariable> trainable = new ArrayList<>();
    final List<ModelVariable> frozen = new ArrayList<>();
    final Variable<TInt64> globalStep;
    /**
     * The number of the input stream's next element after the last batch a step trained on, saved with
     * every checkpoint: a resumed run skips to it. Elements that fail to decode are dropped after the
     * stream is numbered, so {@code step x batch} is not the position once any file is bad. Null on a
     * cluster, where each worker reads its own share of the stream.
     */
    final Variable<TInt64> inputPosition;

    final Operand<TFloat32> totalLoss;
    final Operand<TFloat32> crossEntropy;
    /** The auxiliary logits' weighted cross-entropy (the Inceptions'), or null. */
    final Operand<TFloat32> auxLoss;

    final Operand<TFloat32> regularization;
    final Operand<TFloat32> accuracy;
    final Operand<TFloat32> learningRate;
    /** Runs a step; its value is the global step after it (synchronous replicas: before the chief's update). */
    final Operand<TInt64> trainStep;

    /** The CheckNumerics ops of {@code --check-numerics} as one target, or null. */
    final NumericsChecks numericsChecks;
    /** Synchronous replicas only: the chief's aggregation and the other workers' wait for it. */
    final SyncReplicas sync;
    /** On a cluster: the chief-ready flag, the chief's heartbeat and the completion report. */
    final Coordination coordination;
    /** What a checkpoint holds: the model, the optimizer's slots and {@code global_step}. */
    final List<CheckpointVariable> saveTargets = new ArrayList<>();
    /** Null without a validation split. */
    final Validation validation;

    final TrainSummaries summaries;

    /** The checkpoint name of {@link #inputPosition}. */
    static final String INPUT_POSITION = "input_position";
    /** {@link #inputPosition}'s value before any step, and after a restore from a checkpoint without it. */
    static final long UNKNOWN_POSITION = -1;

    /** The validation tower's input and per-batch sums. */
    record Validation(InputPipeline input, Operand<TFloat32> correct, Operand<TFloat32> lossSum) {}

    /** The training tower's input and its output: logits, and the moving-average updates it needs. */
    private record Inputs(InputPipeline input, Tower tower, Operand<TFloat32> logits, List<Op> updates) {}

    /** The training step and, with synchronous replicas, the accumulators it feeds. */
    private record Update(Operand<TInt64> trainStep, SyncReplicas sync, List<CheckpointVariable> optimizerState) {}

    TrainingGraph(Graph graph, TrainConfig config, TrainingData data, FeatureCache cache) {
        this.config = config;
        Replicas replicas = config.replicas();
        this.model = new ModelGraph(
                graph,
                replicas == null
                        ? Placement.local()
                        : Placement.parameterServers(replicas.cluster().ps().size()),
                config.seed());
        this.network = config.network(data.numClasses());

        Inputs inputs = cache == null ? imagesThroughNetwork(data) : cachedFeaturesThroughHead(cache);
        this.input = inputs.input();
        this.tower = inputs.tower();
        this.logits = inputs.logits();
        this.towerUpdates = inputs.updates();
        selectTrainable();
        this.globalStep = model.globalStep(); // created already when the tower has dropout
        this.inputPosition = replicas == null
                ? model.variables()
                        .createState(
                                INPUT_POSITION,
                                Shape.scalar(),
                                TInt64.class,
                                INPUT_POSITION + "_init",
                                init -> init.constant(UNKNOWN_POSITION))
                : null;

        Ops losses = model.ops("losses");
        this.crossEntropy = crossEntropy(losses, "cross_entropy", logits, data.numClasses());
        // slim's train_image_classifier.py adds the AuxLogits' cross-entropy with weight 0.4.
        this.auxLoss = tower == null || tower.auxLogits() == null
                ? null
                : losses.withName("aux_loss")
                        .math
                        .mul(
                                losses.constant(network.auxLossWeight()),
                                crossEntropy(losses, "aux_cross_entropy", tower.auxLogits(), data.numClasses()));
        this.regularization = regularization(losses);
        Operand<TFloat32> dataLoss = auxLoss == null ? crossEntropy : losses.math.add(crossEntropy, auxLoss);
        this.totalLoss = losses.withName("total_loss").math.add(dataLoss, regularization);
        Ops tf = model.ops("");
        Operand<TInt64> predicted = tf.math.argMax(logits, tf.constant(1));
        this.accuracy = tf.withName("accuracy")
                .math
                .mean(tf.dtypes.cast(tf.math.equal(predicted, input.labels()), TFloat32.class), tf.constant(0));

        this.learningRate = learningRate(data);

        Update update = gradientsAndUpdate(graph, replicas);
        this.trainStep = update.trainStep();
        this.sync = update.sync();
        this.coordination = replicas == null ? null : Coordination.build(model, replicas);

        model.variables().variables().forEach(v -> saveTargets.add(CheckpointVariable.of(v)));
        saveTargets.addAll(update.optimizerState());
        saveTargets.add(CheckpointVariable.of(globalStep, DataType.DT_INT64));
        if (inputPosition != null) {
            saveTargets.add(CheckpointVariable.of(inputPosition, DataType.DT_INT64));
        }

        // Before validation and summaries: it instruments the ops the step runs, and only those.
        this.numericsChecks = config.checkNumerics()
                ? NumericsChecks.instrument(graph, List.of(trainStep, totalLoss, accuracy))
                : null;
        this.validation = validation(data, cache);
        this.summaries = summaries();
    }

    // ---- inputs and network

    private Inputs imagesThroughNetwork(TrainingData data) {
        InputPipeline.Config training = InputPipeline.Config.training(
                        config.batchSize(), config.imageSize(), config.seed())
                .withPreprocessing(config.preprocessing());
        Replicas replicas = config.replicas();
        if (replicas != null) {
            // Each worker reads every n-th element of the one shuffled stream: together they see
            // what a single process with n times the batch would.
            training = training.shard(replicas.workers(), replicas.cluster().taskIndex());
        }
        InputPipeline images = InputPipeline.build(model, "input", data.splits().train(), training);
        // A frozen layer runs batch norm on its moving statistics unless frozenBatchNorm is TRAINING (slim's way).
        BatchNormPolicy batchNorm = config.frozenBatchNorm() == FrozenBatchNorm.INFERENCE
                ? layer -> config.isTrainable(layer + "/beta") ? BatchNormMode.TRAINING : BatchNormMode.INFERENCE
                : BatchNormPolicy.training();
        Tower tower = network.apply(model, images.images(), batchNorm, true);
        return new Inputs(images, tower, tower.logits(), tower.updateOps());
    }

    private Inputs cachedFeaturesThroughHead(FeatureCache cache) {
        InputPipeline features = InputPipeline.ofFeatures(
                model,
                "input",
                cache.train.dataset(),
                cache.train.features(),
                cache.dim,
                InputPipeline.Config.training(config.batchSize(), config.imageSize(), config.seed()));
        // Every variable exists (checkpoints hold the whole network) but only the head runs.
        network.apply(
                model,
                model.ops("")
                        .withName("unused_images")
                        .placeholder(
                                TFloat32.class,
                                Placeholder.shape(Shape.of(1, config.imageSize(), config.imageSize(), 3))),
                BatchNormPolicy.inference());
        return new Inputs(features, null, network.headLogits(model, features.images(), true), List.of());
    }

    /** Trainable variables under the selected scopes go to the optimizer; the rest stay frozen. */
    private void selectTrainable() {
        for (ModelVariable v : model.variables().variables()) {
            if (v.role().trainable() && config.isTrainable(v.name())) {
                trainable.add(v);
            } else if (v.role().trainable()) {
                frozen.add(v);
            }
        }
        if (trainable.isEmpty()) {
            throw new ConfigException(
                    "trainableScopes",
                    "scopes that select at least one variable that freezeScopes " + config.freezeScopes()
                            + " leaves trainable, such as " + network.headScope(),
                    config.trainableScopes());
        }
    }

    // ---- loss

    private Operand<TFloat32> crossEntropy(Ops losses, String name, Operand<TFloat32> logits, int numClasses) {
        float smoothing = config.labelSmoothing();
        Operand<TFloat32> onehot = losses.oneHot(
                input.labels(),
                losses.constant(numClasses),
                losses.constant(1f - smoothing + smoothing / numClasses),
                losses.constant(smoothing / numClasses));
        return losses.withName(name)
                .math
                .mean(losses.nn.softmaxCrossEntropyWithLogits(logits, onehot).loss(), losses.constant(0));
    }

    /**
     * slim's weight decay: {@code weight_decay * tf.nn.l2_loss(w)} for the weights of every convolution and
     * of the logits (the layers its arg_scope gives a {@code weights_regularizer}; not biases, not batch
     * norm). Frozen layers count too, as in slim, whose REGULARIZATION_LOSSES collection holds every
     * regularized layer whatever {@code --trainable_scopes} says: their term is a constant in the loss and
     * has no gradient, since only the trainable variables are differentiated.
     */
    private Operand<TFloat32> regularization(Ops losses) {
        List<Operand<TFloat32>> decays = new ArrayList<>();
        Placement placement = model.placement();
        for (ModelVariable v : model.variables().variables()) {
            if (v.role().regularized()) {
                // A frozen weight's term is computed beside it (on its ps task, on a cluster): only the
                // scalar travels, not a second copy of the weights the forward pass already fetches.
                Ops at = trainable.contains(v)
                        ? losses
                        : placement.onParameterServer(losses, placement.taskOf(v.name()));
                decays.add(at.nn.l2Loss(at.identity(v.variable())));
            }
        }
        return config.weightDecay() == 0 || decays.isEmpty()
                ? losses.constant(0f)
                : losses.withName("regularization_loss")
                        .math
                        .mul(losses.constant(config.weightDecay()), losses.math.addN(decays));
    }

    // ---- learning rate

    private Operand<TFloat32> learningRate(TrainingData data) {
        long stepsPerEpoch = Math.max(1, data.splits().train().size() / config.batchSize());
        long decaySteps = config.learningRateDecayType() == LearningRateDecayType.EXPONENTIAL
                ? Math.max(1, (long) (stepsPerEpoch * config.numEpochsPerDecay()))
                : Math.max(1, data.maxSteps());
        LearningRateSchedule schedule = new LearningRateSchedule(
                config.learningRateDecayType(),
                config.learningRate(),
                config.learningRateDecayFactor(),
                decaySteps,
                true,
                config.endLearningRate(),
                config.warmupSteps());
        return model.ops("learning_rate")
                .withName("value")
                .identity(
                        schedule.build(model.ops("learning_rate"), model.ops("").identity(globalStep)));
    }

    // ---- gradients and update (with replicas)

    private Update gradientsAndUpdate(Graph graph, Replicas replicas) {
        Ops tf = model.ops("");
        // Gradients of the trainable variables only: frozen layers below the lowest trainable one
        // are not differentiated at all, and frozen ones in between only pass gradients through.
        Output<?>[] variables =
                trainable.stream().map(v -> v.variable().asOutput()).toArray(Output<?>[]::new);
        Output<?>[] gradients = graph.addGradients(totalLoss.asOutput(), variables);
        // Every gradient is computed before any variable changes (TF1's GATE_GRAPH): the backward
        // pass reads weights through aliases of the variables, so an early update would race with it.
        List<Operation> allGradients = new ArrayList<>();
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
            SyncReplicas sync = new SyncReplicas(
                    model,
                    replicas,
                    trainable,
                    pairs.stream().map(Optimizer.GradientAndVariable::gradient).toList(),
                    globalStep,
                    means -> optimizer.applyGradients(model, withGradients(means), learningRate));
            List<Op> updates = new ArrayList<>(towerUpdates);
            updates.add(sync.accumulate());
            return new Update(
                    tf.withControlDependencies(updates).withName("train_op").identity(globalStep),
                    sync,
                    optimizer.state());
        }
        List<Op> updates = new ArrayList<>(optimizer.applyGradients(model, pairs, learningRate));
        updates.addAll(towerUpdates);
        if (inputPosition != null) {
            // The batch's elements arrive in stream order: the next one to read follows its last.
            updates.add(tf.withName("input_position_update")
                    .assign(inputPosition, tf.math.add(tf.max(input.indices(), tf.constant(0)), tf.constant(1L))));
        }
        return new Update(
                tf.withControlDependencies(updates).withName("train_op").assignAdd(globalStep, tf.constant(1L)),
                null,
                optimizer.state());
    }

    /** The trainable variables paired with {@code gradients}, one each in the same order. */
    private List<Optimizer.GradientAndVariable> withGradients(List<Operand<TFloat32>> gradients) {
        List<Optimizer.GradientAndVariable> pairs = new ArrayList<>();
        for (int i = 0; i < trainable.size(); i++) {
            pairs.add(new Optimizer.GradientAndVariable(trainable.get(i), gradients.get(i)));
        }
        return pairs;
    }

    // ---- validation

    private Validation validation(TrainingData data, FeatureCache cache) {
        boolean hasValidation = cache == null
                ? data.splits().validation().size() > 0
                : cache.validation.dataset().size() > 0;
        if (!hasValidation) {
            return null;
        }
        InputPipeline.Config evaluation = InputPipeline.Config.evaluation(config.batchSize(), config.imageSize())
                .withPreprocessing(config.preprocessing());
        InputPipeline images;
        Operand<TFloat32> evalLogits;
        if (cache == null) {
            images =
                    InputPipeline.build(model, "validation_input", data.splits().validation(), evaluation);
            evalLogits = network.apply(model, images.images(), BatchNormPolicy.inference())
                    .logits();
        } else {
            images = InputPipeline.ofFeatures(
                    model,
                    "validation_input",
                    cache.validation.dataset(),
                    cache.validation.features(),
                    cache.dim,
                    evaluation);
            evalLogits = network.headLogits(model, images.images());
        }
        Ops v = model.ops("validation");
        Operand<TFloat32> correct = v.reduceSum(
                v.dtypes.cast(v.math.equal(v.math.argMax(evalLogits, v.constant(1)), images.labels()), TFloat32.class),
                v.constant(0));
        Operand<TFloat32> evalOnehot =
                v.oneHot(images.labels(), v.constant(data.numClasses()), v.constant(1f), v.constant(0f));
        Operand<TFloat32> lossSum = v.reduceSum(
                v.nn.softmaxCrossEntropyWithLogits(evalLogits, evalOnehot).loss(), v.constant(0));
        return new Validation(images, correct, lossSum);
    }

    // ---- summaries

    private TrainSummaries summaries() {
        TrainSummaries s = new TrainSummaries(model.ops("summaries"), config.trainDir());
        if (numericsChecks != null) {
            s.after(numericsChecks.target());
        }
        s.trainScalar("total_loss", totalLoss);
        s.trainScalar("losses/cross_entropy", crossEntropy);
        s.trainScalar("losses/regularization_loss", regularization);
        if (auxLoss != null) {
            s.trainScalar("losses/aux_loss", auxLoss);
        }
        s.trainScalar("learning_rate", learningRate);
        s.trainScalar("accuracy", accuracy);
        Map<String, Operand<?>> blocks = new LinkedHashMap<>();
        if (tower != null) {
            tower.endpoints().asMap().forEach((name, value) -> {
                if (name.matches(".*/block\\d") || name.equals("global_pool")) {
                    blocks.put(name, value);
                }
            });
        }
        s.histograms(trainable, blocks);
        if (tower != null) {
            s.inputImages(input.images(), ImagePreprocessing.of(config.preprocessing(), config.imageSize()));
        }
        return s;
    }

    @SuppressWarnings("unchecked")
    private static Operand<TFloat32> float32(Output<?> output) {
        return (Operand<TFloat32>) output;
    }
}
