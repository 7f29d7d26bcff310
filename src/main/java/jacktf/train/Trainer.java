package jacktf.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import jacktf.checkpoint.Checkpoint;
import jacktf.checkpoint.CheckpointSaver;
import jacktf.checkpoint.RestoreOptions;
import jacktf.checkpoint.RestorePlan;
import jacktf.checkpoint.CheckpointVariable;
import jacktf.checkpoint.Restorer;
import jacktf.config.JacktfException;
import jacktf.data.DatasetSource;
import jacktf.data.DatasetSplits;
import jacktf.data.ImageFolder;
import jacktf.data.InputPipeline;
import jacktf.model.ModelVariable;
import jacktf.runtime.ClusterServer;
import jacktf.runtime.Sessions;
import jacktf.traindir.ModelInfo;
import jacktf.traindir.TrainDir;
import jacktf.traindir.TrainingPlan;
import jacktf.traindir.WriterLock;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TFInvalidArgumentException;
import org.tensorflow.exceptions.TFOutOfRangeException;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;

/**
 * Runs a training job: the Java form of slim's {@code train_image_classifier.py}. Resumes from the
 * train dir's checkpoint when there is one, else warm-starts from {@code checkpointPath} through a
 * restore plan; trains only the selected variables; saves crash-safe checkpoints and TensorBoard
 * summaries; stops cleanly on {@link #cancel()}. Never calls System.exit.
 */
public final class Trainer {
  private final TrainConfig config;
  private final List<TrainingListener> listeners = new CopyOnWriteArrayList<>();
  private volatile boolean cancelled;

  private Trainer(TrainConfig config) {
    this.config = config;
  }

  public static Trainer create(TrainConfig config) {
    return new Trainer(config);
  }

  public Trainer addListener(TrainingListener listener) {
    listeners.add(listener);
    return this;
  }

  /** Asks the run to stop after the current step; it saves a checkpoint and returns CANCELLED. */
  public void cancel() {
    cancelled = true;
  }

  public TrainResult train() throws IOException {
    Path trainDir = config.trainDir();
    if (Files.exists(trainDir) && !Files.isDirectory(trainDir)) {
      throw new JacktfException("--train-dir " + trainDir + " is a file, not a directory");
    }
    // One process writes a train dir (alone, or a cluster's chief): a second writer fails here.
    boolean writer = config.replicas() == null || config.replicas().isChief();
    TrainDir dir = TrainDir.of(trainDir);
    try (WriterLock lock = writer ? dir.lockForWriting() : null) {
      return train(dir, writer);
    }
  }

  private TrainResult train(TrainDir dir, boolean writer) throws IOException {
    Path trainDir = dir.path();
    DatasetSource source = config.dataset() != null ? config.dataset() : ImageFolder.at(config.datasetDir());
    DatasetSplits data = source.load(config.validationSplit(), config.seed());
    int numClasses = data.train().numClasses();
    if (config.numClasses() != null && config.numClasses() != numClasses) {
      throw new JacktfException("--num-classes " + config.numClasses() + " disagrees with the dataset, which has "
          + numClasses + " classes " + data.train().classNames() + "; leave --num-classes out to use the dataset's");
    }
    if (numClasses < 2) {
      throw new JacktfException("The dataset has one class " + data.train().classNames()
          + "; a classifier needs at least two");
    }
    if (!config.cacheFeatures() && !InputPipeline.anyDecodable(data.train())) {
      throw new JacktfException("None of the " + data.train().size() + " training images in "
          + source.description() + " can be decoded by TensorFlow, although their headers look right (first: "
          + data.train().files().get(0) + "). Check that they are complete JPEG/PNG/BMP/GIF files.");
    }
    Files.createDirectories(trainDir);
    if (writer) {
      CheckpointSaver.removeTemporaries(trainDir);
      dir.writeLabels(data.train().classNames());
      dir.writeModelInfo(new ModelInfo(config.imageSize(), config.validationSplit(), config.seed()));
    }
    long maxSteps = config.maxNumberOfSteps() != null ? config.maxNumberOfSteps()
        : (long) Math.ceil((config.epochs() == null ? 10.0 : config.epochs()) * data.train().size() / config.batchSize());

    FeatureCache cache = null;
    if (config.cacheFeatures()) {
      String head = config.head().scope(config.model().scope());
      if (config.trainableScopes().isEmpty() || config.trainableScopes().stream().anyMatch(s -> !s.startsWith(head))) {
        throw new JacktfException("--cache-features trains the classifier alone on cached global_pool "
            + "features: pass --trainable-scopes " + head);
      }
      var resumeFrom = CheckpointSaver.latest(trainDir);
      cache = FeatureCache.compute(config, data, resumeFrom.orElse(config.checkpointPath()),
          resumeFrom.isPresent() ? RestoreOptions.all() : config.restoreOptions());
      FeatureCache cached = cache;
      listeners.forEach(l -> l.onFeaturesCached(cached.train.dataset().size() + cached.validation.dataset().size(),
          cached.seconds));
    }
    List<String> trainFiles = cache == null ? data.train().files() : cache.train.dataset().files();

    try (Graph graph = new Graph()) {
      TrainingGraph g = new TrainingGraph(graph, config, data, numClasses, maxSteps, cache);
      CheckpointSaver saver = new CheckpointSaver(g.model, g.saveTargets, trainDir, config.keepCheckpoints());
      Replicas replicas = config.replicas();
      boolean chief = replicas == null || replicas.isChief();
      if (replicas != null) {
        ClusterServer.ensureStarted(replicas.cluster());
      }
      try (Session session = Sessions.open(graph, replicas == null ? null : replicas.cluster())) {
        Start start = chief ? initializeOrRestore(session, g) : joinChief(session, g, replicas);
        long step = readStep(session, g);
        try (TInt64 consumed = TInt64.scalarOf(step * examplesPerStep())) {
          session.runner().feed(g.input.skip(), consumed).addTarget(g.input.initializer()).run();
        }
        // The graph of a cached run holds every feature vector: too large for an event file.
        if (chief) {
          g.summaries.open(session, cache == null ? graph.toGraphDef().toByteArray() : new byte[0]);
        }
        TrainingPlan plan = new TrainingPlan(data.train().classNames(), data.train().size(), data.validation().size(),
            step, maxSteps, names(g.trainable), names(g.frozen), start.warmStart(), start.resumedFrom(),
            data.train().rejected().stream().map(r -> r.file() + ": " + r.problem()).toList(), describe(replicas, g),
            !chief);
        if (writer) {
          dir.writePlan(plan);
        }
        listeners.forEach(l -> l.onStart(plan));
        TrainResult result = loop(session, g, chief ? saver : null, step, maxSteps, trainFiles);
        if (chief) {
          g.summaries.close(session);
        }
        if (g.reportCompleted != null && result.status() == TrainResult.Status.COMPLETED) {
          session.run(g.reportCompleted);
        }
        listeners.forEach(l -> l.onEnd(result));
        return result;
      }
    }
  }

  /** How a run began: from a warm-start plan, a resumed checkpoint, or neither (both null). */
  private record Start(RestorePlan warmStart, String resumedFrom) {}

  /**
   * Alone or as the chief: fresh values, then the train dir's latest checkpoint (resume) or the
   * warm-start checkpoint through its restore plan; on a cluster, then tells the others to go.
   */
  private Start initializeOrRestore(Session session, TrainingGraph g) {
    session.run(g.model.initializer());
    Start start = new Start(null, null);
    var latest = CheckpointSaver.latest(config.trainDir());
    if (latest.isPresent()) {
      try (Checkpoint ckpt = Checkpoint.open(latest.get())) {
        Restorer.restore(session, g.model, RestorePlan.create(g.saveTargets, ckpt, RestoreOptions.all()));
      }
      start = new Start(null, latest.get().toString());
    } else if (config.checkpointPath() != null) {
      try (Checkpoint ckpt = Checkpoint.open(config.checkpointPath())) {
        RestorePlan plan = RestorePlan.create(CheckpointVariable.modelVariables(g.model), ckpt, config.restoreOptions());
        Restorer.restore(session, g.model, plan);
        start = new Start(plan, null);
      }
    }
    if (g.sync != null) {
      session.run(g.sync.startAccumulators);
    }
    if (g.markChiefReady != null) {
      session.run(g.markChiefReady);
    }
    return start;
  }

  /** A worker that is not the chief uses the variables the chief initialised or restored on the ps tasks. */
  private static Start joinChief(Session session, TrainingGraph g, Replicas replicas) {
    ClusterRuns.awaitChief(session, g.chiefReady, replicas);
    if (g.sync != null) {
      ClusterRuns.drainStaleReleases(session, g.sync);
    }
    return new Start(null, null);
  }

  /** Examples the whole job consumes per global step. */
  private int examplesPerStep() {
    return config.replicas() == null ? config.batchSize() : config.replicas().examplesPerStep(config.batchSize());
  }

  /** {@code saver} is null on a worker that is not the chief: it neither saves, validates nor writes summaries. */
  private TrainResult loop(Session session, TrainingGraph g, CheckpointSaver saver, long startStep, long maxSteps,
      List<String> trainFiles) throws IOException {
    boolean chief = saver != null;
    ClusterRuns cluster = config.replicas() == null ? null : new ClusterRuns(config.replicas());
    int trainSize = trainFiles.size();
    SkipTracker skips = config.replicas() == null ? new SkipTracker(trainFiles)
        : new SkipTracker(trainFiles, config.replicas().workers(), config.replicas().cluster().taskIndex());
    long step = startStep;
    long lastSave = System.nanoTime();
    long lastSummary = 0;
    long lastEpoch = step * examplesPerStep() / trainSize;
    Path checkpoint = CheckpointSaver.latest(config.trainDir()).orElse(null);
    long savedStep = checkpoint == null ? -1 : step;
    StepEvent last = null;
    ValidationResult lastValidation = null;
    double stepsPerSecond = 0;
    while (step < maxSteps && !cancelled) {
      boolean summarize = chief && (System.nanoTime() - lastSummary >= config.saveSummariesSecs() * 1e9 || step + 1 == maxSteps);
      boolean scalarsOnly = chief && !summarize && (step + 1) % config.logEveryNSteps() == 0;
      long t0 = System.nanoTime();
      Session.Runner runner = session.runner().fetch(g.trainStep).fetch(g.totalLoss).fetch(g.crossEntropy)
          .fetch(g.regularization).fetch(g.accuracy).fetch(g.learningRate).fetch(g.input.indices())
          .fetch(g.input.files());
      if (cluster != null && chief) {
        runner.addTarget(g.chiefHeartbeat);
      } else if (cluster != null) {
        runner.fetch(g.chiefHeartbeatValue);
      }
      try (TInt64 summaryStep = TInt64.scalarOf(step + 1); TFloat32 rate = TFloat32.scalarOf((float) stepsPerSecond);
          TFloat32 skippedSoFar = TFloat32.scalarOf(skips.total())) {
        if (summarize || scalarsOnly) {
          runner.feed(g.summaries.step, summaryStep).feed(g.summaries.stepsPerSecond, rate)
              .feed(g.summaries.skippedImages, skippedSoFar)
              .addTarget(summarize ? g.summaries.trainOp() : g.summaries.scalarsOp());
        }
        try (Result r = cluster == null ? runDetectingNan(runner, step, checkpoint) : cluster.run(runner, step)) {
          step = ((TInt64) r.get(0)).getLong();
          if (cluster != null && !chief) {
            cluster.watchChief(((TInt64) r.get(8)).getLong(), step);
          }
          if (g.sync != null) {
            step = cluster.finishSyncStep(session, g.sync, step);
          }
          double seconds = (System.nanoTime() - t0) / 1e9;
          float loss = ((TFloat32) r.get(1)).getFloat();
          if (!Float.isFinite(loss)) {
            throw new TrainingDivergedException(step, loss, checkpoint == null ? null : checkpoint.toString());
          }
          stepsPerSecond = 1 / seconds;
          TInt64 indices = (TInt64) r.get(6);
          TString files = (TString) r.get(7);
          long[] batchIndices = new long[(int) indices.shape().get(0)];
          String[] batchFiles = new String[batchIndices.length];
          for (int i = 0; i < batchIndices.length; i++) {
            batchIndices[i] = indices.getLong(i);
            batchFiles[i] = files.getObject(i);
          }
          for (SkipTracker.Skipped s : skips.observe(batchIndices, batchFiles)) {
            listeners.forEach(l -> l.onSkippedImages(s.epoch(), s.files()));
          }
          last = new StepEvent(step, (double) step * examplesPerStep() / trainSize, loss, ((TFloat32) r.get(2)).getFloat(),
              ((TFloat32) r.get(3)).getFloat(), ((TFloat32) r.get(4)).getFloat(), ((TFloat32) r.get(5)).getFloat(),
              seconds, config.batchSize() / seconds, skips.total());
        }
      }
      if (summarize) {
        lastSummary = System.nanoTime();
      }
      StepEvent event = last;
      listeners.forEach(l -> l.onStep(event));
      long epoch = step * examplesPerStep() / trainSize;
      if (epoch > lastEpoch) {
        lastEpoch = epoch;
        listeners.forEach(l -> l.onEpoch(epoch, event));
      }
      if (!chief) {
        continue;
      }
      if (g.validation != null && config.validationEvery() > 0 && step % config.validationEvery() == 0) {
        lastValidation = validate(session, g, step);
      }
      boolean saveDue = config.saveEverySteps() != null ? step % config.saveEverySteps() == 0
          : System.nanoTime() - lastSave >= config.saveIntervalSecs() * 1e9;
      if (saveDue) {
        checkpoint = save(session, saver, step);
        savedStep = step;
        lastSave = System.nanoTime();
      }
    }
    if (chief && savedStep != step) {
      checkpoint = save(session, saver, step);
    }
    if (chief && g.validation != null && (lastValidation == null || lastValidation.step() != step)) {
      lastValidation = validate(session, g, step);
    }
    return new TrainResult(cancelled && step < maxSteps ? TrainResult.Status.CANCELLED : TrainResult.Status.COMPLETED,
        step, last, lastValidation, checkpoint);
  }

  /** A NaN reaching a histogram summary fails the run inside TF; it is the same divergence. */
  private static Result runDetectingNan(Session.Runner runner, long step, Path checkpoint) {
    try {
      return runner.run();
    } catch (TFInvalidArgumentException e) {
      if (e.getMessage() != null && e.getMessage().contains("Nan in summary")) {
        throw new TrainingDivergedException(step + 1, Float.NaN, checkpoint == null ? null : checkpoint.toString());
      }
      throw e;
    }
  }

  private Path save(Session session, CheckpointSaver saver, long step) throws IOException {
    Path checkpoint = saver.save(session, step);
    listeners.forEach(l -> l.onCheckpoint(checkpoint, step));
    return checkpoint;
  }

  private ValidationResult validate(Session session, TrainingGraph g, long step) {
    session.run(g.validation.initializer());
    double correct = 0;
    double loss = 0;
    int examples = 0;
    while (true) {
      try (Result r = session.runner().fetch(g.validationCorrect).fetch(g.validationLossSum).fetch(g.validationLabels).run()) {
        correct += ((TFloat32) r.get(0)).getFloat();
        loss += ((TFloat32) r.get(1)).getFloat();
        examples += (int) r.get(2).shape().get(0);
      } catch (TFOutOfRangeException end) {
        break;
      }
    }
    ValidationResult result = new ValidationResult(step, examples, examples == 0 ? 0 : (float) (correct / examples),
        examples == 0 ? 0 : (float) (loss / examples));
    try (TInt64 s = TInt64.scalarOf(step); TFloat32 a = TFloat32.scalarOf(result.accuracy());
        TFloat32 l = TFloat32.scalarOf(result.crossEntropy())) {
      session.runner().feed(g.summaries.step, s).feed(g.summaries.evalAccuracy, a)
          .feed(g.summaries.evalCrossEntropy, l).addTarget(g.summaries.evalOp()).run();
    }
    listeners.forEach(li -> li.onValidation(result));
    return result;
  }

  /** "worker 1 of 2 (synchronous); variables on ps 127.0.0.1:2222 (98.1 MB)", or null alone. */
  private static String describe(Replicas replicas, TrainingGraph g) {
    if (replicas == null) {
      return null;
    }
    var cluster = replicas.cluster();
    long[] bytes = g.model.placement().bytesPerTask();
    List<String> ps = new ArrayList<>();
    for (int k = 0; k < bytes.length; k++) {
      ps.add(String.format("%s (%.1f MB)", cluster.ps().get(k), bytes[k] / 1e6));
    }
    return String.format("worker %d of %d (%s%s); variables on ps %s", cluster.taskIndex(), cluster.workers().size(),
        replicas.synchronous() ? "synchronous" : "asynchronous", cluster.isChief() ? ", chief" : "", String.join(", ", ps));
  }

  private static long readStep(Session session, TrainingGraph g) {
    try (Result r = session.runner().fetch(g.globalStep).run()) {
      return ((TInt64) r.get(0)).getLong();
    }
  }

  private static List<String> names(List<ModelVariable> variables) {
    List<String> names = new ArrayList<>();
    variables.forEach(v -> names.add(v.name()));
    return names;
  }

}
