package jacktf.cli;

import jacktf.model.ScopeSet;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import jacktf.checkpoint.RestoreOptions;
import jacktf.model.Architecture;
import jacktf.model.BatchNormMode;
import jacktf.model.Head;
import jacktf.model.Precision;
import jacktf.cluster.Cluster;
import jacktf.cluster.ClusterServer;
import jacktf.train.Optimizer;
import jacktf.cluster.Replicas;
import jacktf.train.TrainConfig;
import jacktf.train.TrainResult;
import jacktf.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code jacktf train}: slim's train_image_classifier.py, flags in kebab-case. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Fine-tune (or train) a ResNet-v1 on an image folder: new head, partial warm start, frozen layers,",
        "TensorBoard summaries and crash-safe checkpoints. Rerunning with the same --train-dir resumes."})
final class TrainCommand implements Callable<Integer> {
  @Option(names = "--dataset-dir", required = true, paramLabel = "DIR", description = "Images: DIR/<class>/*.jpg, "
      + "DIR/{train,validation}/<class>/, or Kaggle-style cat.1.jpg files.")
  Path datasetDir;

  @Option(names = "--train-dir", required = true, paramLabel = "DIR", description = "Checkpoints, summaries, labels.txt.")
  Path trainDir;

  @Mixin
  ModelOptions modelOptions;

  @Mixin
  WarmStartOptions warmStart;

  @Option(names = "--trainable-scopes", paramLabel = "a,b", description = "Train only variables under these scopes.")
  String trainableScopes;

  @Option(names = "--freeze-scopes", paramLabel = "a,b", description = "Train everything except these scopes.")
  String freezeScopes;

  @Option(names = "--cache-features", description = "Run the frozen backbone once per image (eval preprocessing) "
      + "and train the head on the cached global_pool vectors; needs --trainable-scopes <head>.")
  boolean cacheFeatures;

  @Option(names = "--frozen-bn", defaultValue = "inference", paramLabel = "inference|train", description =
      "Batch norm of frozen layers: inference keeps moving statistics; train is slim's (default: ${DEFAULT-VALUE}).")
  String frozenBn;

  @Option(names = "--batch-norm-decay", defaultValue = "0.997", description = "Moving-average decay of "
      + "batch norm (slim's 0.997; lower it for short runs) (default: ${DEFAULT-VALUE}).")
  float batchNormDecay;

  @Option(names = "--optimizer", defaultValue = "rmsprop", description = "sgd, momentum, rmsprop, adam, adagrad, "
      + "adadelta, ftrl (default: ${DEFAULT-VALUE}).")
  String optimizer;

  @Option(names = "--momentum", defaultValue = "0.9", description = "Momentum of momentum/rmsprop (default: ${DEFAULT-VALUE}).")
  float momentum;

  @Option(names = "--opt-epsilon", defaultValue = "1.0", description = "Epsilon of adam/rmsprop/adadelta (default: ${DEFAULT-VALUE}).")
  float epsilon;

  @Option(names = "--learning-rate", defaultValue = "0.01", description = "Initial learning rate (default: ${DEFAULT-VALUE}).")
  float learningRate;

  @Option(names = "--learning-rate-decay-type", defaultValue = "exponential",
      description = "fixed, exponential, polynomial or cosine (default: ${DEFAULT-VALUE}).")
  String decayType;

  @Option(names = "--learning-rate-decay-factor", defaultValue = "0.94", description = "Exponential decay factor (default: ${DEFAULT-VALUE}).")
  float decayFactor;

  @Option(names = "--num-epochs-per-decay", defaultValue = "2.0", description = "Epochs between exponential decays (default: ${DEFAULT-VALUE}).")
  float epochsPerDecay;

  @Option(names = "--end-learning-rate", defaultValue = "0.0001", description = "Final rate of polynomial/cosine (default: ${DEFAULT-VALUE}).")
  float endLearningRate;

  @Option(names = "--warmup-steps", defaultValue = "0", description = "Linear warm-up steps (default: ${DEFAULT-VALUE}).")
  long warmupSteps;

  @Option(names = "--weight-decay", defaultValue = "0.00004", description = "L2 on trainable weights (default: ${DEFAULT-VALUE}).")
  float weightDecay;

  @Option(names = "--label-smoothing", defaultValue = "0", description = "Label smoothing (default: ${DEFAULT-VALUE}).")
  float labelSmoothing;

  @Option(names = "--batch-size", defaultValue = "32", description = "Images per step (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--max-number-of-steps", paramLabel = "N", description = "Stop at this global step.")
  Long maxSteps;

  @Option(names = "--epochs", paramLabel = "E", description = "Train for E epochs (default: 10 without --max-number-of-steps).")
  Double epochs;

  @Option(names = "--save-every-steps", paramLabel = "N", description = "Save a checkpoint every N steps.")
  Long saveEverySteps;

  @Option(names = "--save-interval-secs", defaultValue = "600", description = "Else save every so many seconds (default: ${DEFAULT-VALUE}).")
  int saveIntervalSecs;

  @Option(names = "--save-summaries-secs", defaultValue = "600", description = "TensorBoard summaries interval (default: ${DEFAULT-VALUE}).")
  int saveSummariesSecs;

  @Option(names = "--log-every-n-steps", defaultValue = "10", description = "Log interval (default: ${DEFAULT-VALUE}).")
  int logEveryNSteps;

  @Option(names = "--keep-checkpoints", defaultValue = "5", description = "Newest checkpoints to keep (default: ${DEFAULT-VALUE}).")
  int keepCheckpoints;

  @Option(names = "--train-image-size", defaultValue = "224", description = "Crop size (default: ${DEFAULT-VALUE}).")
  int imageSize;

  @Option(names = "--validation-split", defaultValue = "0", description = "Hold out this fraction per class when "
      + "the dataset has no validation folder (default: ${DEFAULT-VALUE}).")
  double validationSplit;

  @Option(names = "--validation-every", defaultValue = "0", paramLabel = "N",
      description = "Evaluate the validation split every N steps into TRAIN_DIR/eval (default: only at the end).")
  int validationEvery;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of initial values and shuffling (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--cluster", paramLabel = "ps=H:P[,..];worker=H:P[,..]", description = {
      "Train data-parallel on TensorFlow's gRPC runtime: variables on the ps tasks, one process per task",
      "(default: the TF_CONFIG environment variable, if set). Worker 0 is the chief."})
  String cluster;

  @Option(names = "--job-name", paramLabel = "worker|ps", description = "This process's job in --cluster.")
  String jobName;

  @Option(names = "--task-index", defaultValue = "0", description = "This process's index in its job (default: ${DEFAULT-VALUE}).")
  int taskIndex;

  @Option(names = "--sync-replicas", description = "Average all workers' gradients every step (default: asynchronous).")
  boolean syncReplicas;

  @Option(names = "--replica-timeout-secs", defaultValue = "600",
      description = "How long a worker waits for the others before it stops with a message (default: ${DEFAULT-VALUE}).")
  int replicaTimeoutSecs;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Cluster task = cluster();
    if (task != null && !task.isWorker()) {
      out.printf("ps task %d of cluster %s serving at %s until all %d workers have completed%n",
          task.taskIndex(), task, task.address(), task.workers().size());
      out.flush();
      ClusterServer.serveUntilWorkersFinish(task);
      out.printf("All %d workers completed; ps task %d exits%n", task.workers().size(), task.taskIndex());
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
    Thread hook = new Thread(() -> {
      trainer.cancel();
      try {
        done.await(120, TimeUnit.SECONDS);
      } catch (InterruptedException ignored) {
        Thread.currentThread().interrupt();
      }
    }, "jacktf-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      TrainResult result = trainer.train();
      out.printf("%s at step %d; checkpoint %s%n", result.status() == TrainResult.Status.CANCELLED
          ? "Stopped (will resume from here)" : "Finished", result.finalStep(), result.checkpoint());
      if (result.lastValidation() != null) {
        out.printf("validation: accuracy %.4f, loss %.4f on %d images%n", result.lastValidation().accuracy(),
            result.lastValidation().crossEntropy(), result.lastValidation().examples());
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
    BatchNormMode bn = switch (frozenBn) {
      case "inference" -> BatchNormMode.INFERENCE;
      case "train" -> BatchNormMode.TRAINING;
      default -> throw new IllegalArgumentException("--frozen-bn must be inference or train, got " + frozenBn);
    };
    Optimizer.Params params = Optimizer.Params.slimDefaults().withMomentum(momentum).withEpsilon(epsilon);
    Optimizer.create(optimizer, params); // validates the name before any work
    return TrainConfig.builder(datasetDir, trainDir)
        .model(Architecture.byName(modelOptions.model))
        .head(Head.byName(modelOptions.head))
        .precision(Precision.byName(modelOptions.precision))
        .numClasses(modelOptions.numClasses)
        .imageSize(imageSize)
        .validationSplit(validationSplit)
        .seed(seed)
        .checkpointPath(warmStart.checkpointPath)
        .restoreOptions(warmStart.options())
        .trainableScopes(ScopeSet.parse(trainableScopes).scopes())
        .freezeScopes(ScopeSet.parse(freezeScopes).scopes())
        .frozenBatchNorm(bn)
        .batchNormDecay(batchNormDecay)
        .optimizer(optimizer)
        .optimizerParams(params)
        .learningRate(learningRate)
        .learningRateDecayType(decayType)
        .learningRateDecayFactor(decayFactor)
        .numEpochsPerDecay(epochsPerDecay)
        .endLearningRate(endLearningRate)
        .warmupSteps(warmupSteps)
        .weightDecay(weightDecay)
        .labelSmoothing(labelSmoothing)
        .batchSize(batchSize)
        .maxNumberOfSteps(maxSteps)
        .epochs(epochs)
        .saveEverySteps(saveEverySteps)
        .saveIntervalSecs(saveIntervalSecs)
        .saveSummariesSecs(saveSummariesSecs)
        .logEveryNSteps(logEveryNSteps)
        .validationEvery(validationEvery)
        .keepCheckpoints(keepCheckpoints)
        .cacheFeatures(cacheFeatures)
        .replicas(cluster() == null ? null : new Replicas(cluster(), syncReplicas, replicaTimeoutSecs))
        .build();
  }

  /** --cluster with --job-name/--task-index, else TF_CONFIG; null to train alone. */
  Cluster cluster() {
    if (cluster == null) {
      Cluster fromEnvironment = Cluster.fromEnvironment().orElse(null);
      if (fromEnvironment == null && (jobName != null || taskIndex != 0 || syncReplicas)) {
        throw new IllegalArgumentException("--job-name, --task-index and --sync-replicas need --cluster (or TF_CONFIG)");
      }
      return fromEnvironment;
    }
    if (jobName == null) {
      throw new IllegalArgumentException("--cluster needs --job-name worker|ps and --task-index");
    }
    return Cluster.parse(cluster, jobName, taskIndex);
  }
}
