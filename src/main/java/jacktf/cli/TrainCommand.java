package jacktf.cli;

import jacktf.cluster.Cluster;
import jacktf.cluster.ClusterServer;
import jacktf.cluster.Replicas;
import jacktf.config.Defaults;
import jacktf.config.FrozenBatchNorm;
import jacktf.config.JacktfException;
import jacktf.config.LearningRateDecayType;
import jacktf.config.OptimizerType;
import jacktf.config.Preprocessing;
import jacktf.model.ScopeSet;
import jacktf.train.Optimizer;
import jacktf.train.StepRange;
import jacktf.train.TrainConfig;
import jacktf.train.TrainResult;
import jacktf.train.Trainer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jacktf train}: slim's train_image_classifier.py, flags in kebab-case. */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Fine-tune (or train) a ResNet-v1 on an image folder: new head, partial warm start, frozen layers,",
            "TensorBoard summaries and crash-safe checkpoints. Rerunning with the same --train-dir resumes."
        })
final class TrainCommand implements Callable<Integer>, UserErrors.FlagNames {
    @Option(
            names = "--dataset-dir",
            required = true,
            paramLabel = "DIR",
            description =
                    "Images: DIR/<class>/*.jpg, " + "DIR/{train,validation}/<class>/, or Kaggle-style cat.1.jpg files; "
                            + "or slim's TFRecords: NAME_{train,validation}_00000-of-0000N.tfrecord shards (plain or "
                            + "GZIP) with labels.txt.")
    Path datasetDir;

    @Option(
            names = "--train-dir",
            required = true,
            paramLabel = "DIR",
            description = "Checkpoints, summaries, labels.txt.")
    Path trainDir;

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    WarmStartOptions warmStart;

    @Option(names = "--trainable-scopes", paramLabel = "a,b", description = "Train only variables under these scopes.")
    String trainableScopes;

    @Option(names = "--freeze-scopes", paramLabel = "a,b", description = "Train everything except these scopes.")
    String freezeScopes;

    @Option(
            names = "--cache-features",
            description = "Run the frozen backbone once per image (eval preprocessing) "
                    + "and train the head on the cached global_pool vectors; needs --trainable-scopes <head>.")
    boolean cacheFeatures;

    @Option(
            names = "--frozen-bn",
            paramLabel = "inference|train",
            description =
                    "Batch norm of frozen layers: inference keeps moving statistics; train is slim's (default: ${DEFAULT-VALUE}).")
    FrozenBatchNorm frozenBatchNorm = Defaults.FROZEN_BATCH_NORM_DEFAULT;

    @Option(
            names = "--batch-norm-decay",
            description = "Moving-average decay of batch norm (default: the network's arg scope's, 0.997 for the "
                    + "ResNets and MobileNet-v2, 0.9997 for the Inceptions and MobileNet-v1; lower it for short runs).")
    Float batchNormDecay;

    @Option(
            names = "--optimizer",
            paramLabel = "NAME",
            description = "sgd, momentum, rmsprop, adam, adagrad, " + "adadelta, ftrl (default: ${DEFAULT-VALUE}).")
    OptimizerType optimizer = Defaults.OPTIMIZER_DEFAULT;

    @Option(names = "--momentum", description = "Momentum of momentum/rmsprop (default: ${DEFAULT-VALUE}).")
    float momentum = Defaults.MOMENTUM_DEFAULT;

    @Option(names = "--opt-epsilon", description = "Epsilon of adam/rmsprop/adadelta (default: ${DEFAULT-VALUE}).")
    float epsilon = Defaults.OPT_EPSILON_DEFAULT;

    @Option(names = "--learning-rate", description = "Initial learning rate (default: ${DEFAULT-VALUE}).")
    float learningRate = Defaults.LEARNING_RATE_DEFAULT;

    @Option(
            names = "--learning-rate-decay-type",
            paramLabel = "TYPE",
            description = "fixed, exponential, polynomial or cosine (default: ${DEFAULT-VALUE}).")
    LearningRateDecayType learningRateDecayType = Defaults.LEARNING_RATE_DECAY_TYPE_DEFAULT;

    @Option(
            names = "--learning-rate-decay-factor",
            description = "Exponential decay factor (default: ${DEFAULT-VALUE}).")
    float learningRateDecayFactor = Defaults.LEARNING_RATE_DECAY_FACTOR_DEFAULT;

    @Option(
            names = "--num-epochs-per-decay",
            description = "Epochs between exponential decays " + "(default: ${DEFAULT-VALUE}).")
    float numEpochsPerDecay = Defaults.NUM_EPOCHS_PER_DECAY_DEFAULT;

    @Option(names = "--end-learning-rate", description = "Final rate of polynomial/cosine (default: ${DEFAULT-VALUE}).")
    float endLearningRate = Defaults.END_LEARNING_RATE_DEFAULT;

    @Option(names = "--warmup-steps", description = "Linear warm-up steps (default: ${DEFAULT-VALUE}).")
    long warmupSteps = Defaults.WARMUP_STEPS_DEFAULT;

    @Option(names = "--weight-decay", description = "L2 on trainable weights (default: ${DEFAULT-VALUE}).")
    float weightDecay = Defaults.WEIGHT_DECAY_DEFAULT;

    @Option(names = "--label-smoothing", description = "Label smoothing (default: ${DEFAULT-VALUE}).")
    float labelSmoothing = Defaults.LABEL_SMOOTHING_DEFAULT;

    @Option(names = "--batch-size", description = "Images per step (default: ${DEFAULT-VALUE}).")
    int batchSize = Defaults.BATCH_SIZE_DEFAULT;

    @Option(names = "--max-number-of-steps", paramLabel = "N", description = "Stop at this global step.")
    Long maxNumberOfSteps;

    @Option(
            names = "--epochs",
            paramLabel = "E",
            description =
                    "Train for E epochs (default: " + Defaults.EPOCHS_DEFAULT + " without --max-number-of-steps).")
    Double epochs;

    @Option(names = "--save-every-steps", paramLabel = "N", description = "Save a checkpoint every N steps.")
    Long saveEverySteps;

    @Option(
            names = "--save-interval-secs",
            description = "Else save every so many seconds (default: ${DEFAULT-VALUE}).")
    int saveIntervalSecs = Defaults.SAVE_INTERVAL_SECS_DEFAULT;

    @Option(
            names = "--save-summaries-secs",
            description = "TensorBoard summaries interval " + "(default: ${DEFAULT-VALUE}).")
    int saveSummariesSecs = Defaults.SAVE_SUMMARIES_SECS_DEFAULT;

    @Option(names = "--log-every-n-steps", description = "Log interval (default: ${DEFAULT-VALUE}).")
    int logEveryNSteps = Defaults.LOG_EVERY_N_STEPS_DEFAULT;

    @Option(names = "--keep-checkpoints", description = "Newest checkpoints to keep (default: ${DEFAULT-VALUE}).")
    int keepCheckpoints = Defaults.KEEP_CHECKPOINTS_DEFAULT;

    @Option(
            names = "--train-image-size",
            description = "Crop size (default: the network's default_image_size: 224, 299 for inception_v3 and "
                    + "inception_resnet_v2).")
    Integer imageSize;

    @Option(
            names = "--preprocessing-name",
            paramLabel = "vgg|inception",
            description = "slim's preprocessing: vgg (means subtracted) or inception (distorted crop, colour, "
                    + "[-1, 1]); stored in the train dir for eval, export and serve (default: the network's zoo "
                    + "convention: inception for the Inceptions, MobileNets and ResNet-v2, vgg for ResNet-v1 and VGG).")
    Preprocessing preprocessing;

    @Option(
            names = "--validation-split",
            description = "Hold out this fraction per class when "
                    + "the dataset has no validation folder (default: ${DEFAULT-VALUE}); "
                    + "not for TFRecords, whose shards name their split.")
    double validationSplit = Defaults.VALIDATION_SPLIT_DEFAULT;

    @Option(
            names = "--validation-every",
            paramLabel = "N",
            description = "Evaluate the validation split every N steps into TRAIN_DIR/eval (default: only at the end).")
    int validationEvery = Defaults.VALIDATION_EVERY_DEFAULT;

    @Option(
            names = "--profile-steps",
            paramLabel = "A:B",
            description = "Trace global steps A to B and write where their time went to TRAIN_DIR/profile: the table by"
                    + " op type (printed, profile.tsv) and a Chrome trace (trace.json: chrome://tracing, Perfetto);"
                    + " `jacktf report` shows the table. Tracing slows those steps a little.")
    String profileSteps;

    @Option(
            names = "--check-numerics",
            description = "Check every float output of the training step (float32 and bf16) for Inf/NaN, as"
                    + " tf.debugging.enable_check_numerics does, and name the first op, its scope and the step that"
                    + " produced one. Slower: a checked output has a second consumer, so TF no longer fuses"
                    + " Conv2D+BiasAdd+Relu or Conv2D+FusedBatchNorm (frozen batch norm) into one oneDNN kernel.")
    boolean checkNumerics;

    @Option(names = "--seed", description = "Seed of initial values and shuffling (default: ${DEFAULT-VALUE}).")
    long seed = Defaults.SEED_DEFAULT;

    @Option(
            names = "--cluster",
            paramLabel = "ps=H:P[,..];worker=H:P[,..]",
            description = {
                "Train data-parallel on TensorFlow's gRPC runtime: variables on the ps tasks, one process per task",
                "(default: the TF_CONFIG environment variable, if set). Worker 0 is the chief."
            })
    String cluster;

    @Option(names = "--job-name", paramLabel = "worker|ps", description = "This process's job in --cluster.")
    String jobName;

    @Option(
            names = "--task-index",
            defaultValue = "0",
            description = "This process's index in its job (default: ${DEFAULT-VALUE}).")
    int taskIndex;

    @Option(
            names = "--sync-replicas",
            description = "Average all workers' gradients every step (default: asynchronous).")
    boolean syncReplicas;

    @Option(
            names = "--replica-timeout-secs",
            description = "How long a worker waits for the others before it stops "
                    + "with a message (default: ${DEFAULT-VALUE}).")
    int replicaTimeoutSecs = Defaults.REPLICA_TIMEOUT_SECS_DEFAULT;

    @Spec
    CommandSpec spec;

    @Override
    public Map<String, String> flagNames() {
        // TrainConfig fields that no option field is named after
        return Map.of(
                "replicas",
                "--cluster",
                "epsilon",
                "--opt-epsilon",
                "rmspropMomentum",
                "--momentum",
                "dataset",
                "--dataset-dir",
                "auxLogits",
                "--no-aux-logits");
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Cluster task = cluster();
        if (task != null && !task.isWorker()) {
            out.printf(
                    "ps task %d of cluster %s serving at %s until all %d workers have completed%n",
                    task.taskIndex(), task, task.address(), task.workers().size());
            out.flush();
            ClusterServer.serveUntilWorkersFinish(task);
            out.printf(
                    "All %d workers completed; ps task %d exits%n",
                    task.workers().size(), task.taskIndex());
            return 0;
        }
        return train(config());
    }

    /** Trains {@code config} as a worker or alone, printing progress; Ctrl-C stops after a step and saves. */
    int train(TrainConfig config) throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Trainer trainer = Trainer.create(config).addListener(new ConsoleProgress(out, config.logEveryNSteps()));
        // Ctrl-C / SIGTERM: stop after the current step, save, then let the JVM exit.
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(
                () -> {
                    trainer.cancel();
                    try {
                        done.await(120, TimeUnit.SECONDS);
                    } catch (InterruptedException ignored) {
                        Thread.currentThread().interrupt();
                    }
                },
                "jacktf-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            TrainResult result = trainer.train();
            out.printf(
                    "%s at step %d; checkpoint %s%n",
                    result.status() == TrainResult.Status.CANCELLED ? "Stopped (will resume from here)" : "Finished",
                    result.finalStep(),
                    result.checkpoint());
            if (result.lastValidation() != null) {
                out.printf(
                        "validation: accuracy %.4f, loss %.4f on %d images%n",
                        result.lastValidation().accuracy(),
                        result.lastValidation().crossEntropy(),
                        result.lastValidation().examples());
            }
            out.println("TensorBoard: tensorboard --logdir " + config.trainDir());
            out.flush();
            return 0;
        } finally {
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it waits for us, which is done
            }
        }
    }

    TrainConfig config() {
        return configBuilder().build();
    }

    /** The flags as a config builder (tests swap the architecture for one the CLI does not name). */
    TrainConfig.Builder configBuilder() {
        Optimizer.Params params =
                Optimizer.Params.slimDefaults().withMomentum(momentum).withEpsilon(epsilon);
        return TrainConfig.builder(datasetDir, trainDir)
                .model(modelOptions.type())
                .auxLogits(modelOptions.auxLogits.auxLogits())
                .head(modelOptions.head)
                .precision(modelOptions.precision)
                .numClasses(modelOptions.numClasses)
                .imageSize(imageSize)
                .preprocessing(preprocessing)
                .validationSplit(validationSplit)
                .seed(seed)
                .checkpointPath(warmStart.checkpointPath)
                // the network's head is excluded by default when the classes differ: TrainConfig adds its scopes
                .restoreOptions(warmStart.options())
                .trainableScopes(ScopeSet.parse(trainableScopes).scopes())
                .freezeScopes(ScopeSet.parse(freezeScopes).scopes())
                .frozenBatchNorm(frozenBatchNorm)
                .batchNormDecay(batchNormDecay)
                .optimizer(optimizer)
                .optimizerParams(params)
                .learningRate(learningRate)
                .learningRateDecayType(learningRateDecayType)
                .learningRateDecayFactor(learningRateDecayFactor)
                .numEpochsPerDecay(numEpochsPerDecay)
                .endLearningRate(endLearningRate)
                .warmupSteps(warmupSteps)
                .weightDecay(weightDecay)
                .labelSmoothing(labelSmoothing)
                .batchSize(batchSize)
                .maxNumberOfSteps(maxNumberOfSteps)
                .epochs(epochs)
                .saveEverySteps(saveEverySteps)
                .saveIntervalSecs(saveIntervalSecs)
                .saveSummariesSecs(saveSummariesSecs)
                .logEveryNSteps(logEveryNSteps)
                .validationEvery(validationEvery)
                .profileSteps(profileSteps == null ? null : StepRange.parse(profileSteps))
                .checkNumerics(checkNumerics)
                .keepCheckpoints(keepCheckpoints)
                .cacheFeatures(cacheFeatures)
                .replicas(cluster() == null ? null : new Replicas(cluster(), syncReplicas, replicaTimeoutSecs));
    }

    /** --cluster with --job-name/--task-index, else TF_CONFIG; null to train alone. */
    Cluster cluster() {
        try {
            return parseCluster();
        } catch (IllegalArgumentException e) {
            // Until cluster.Cluster throws its own user-facing type: what it rejects here is the user's text.
            throw new JacktfException(e.getMessage(), e);
        }
    }

    private Cluster parseCluster() {
        if (cluster == null) {
            Cluster fromEnvironment = Cluster.fromEnvironment().orElse(null);
            if (fromEnvironment == null && (jobName != null || taskIndex != 0 || syncReplicas)) {
                throw new JacktfException("--job-name, --task-index and --sync-replicas need --cluster (or TF_CONFIG)");
            }
            return fromEnvironment;
        }
        if (jobName == null) {
            throw new JacktfException("--cluster needs --job-name worker|ps and --task-index");
        }
        return Cluster.parse(cluster, jobName, taskIndex);
    }
}
