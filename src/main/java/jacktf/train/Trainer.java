package jacktf.train;

import jacktf.checkpoint.Checkpoint;
import jacktf.checkpoint.CheckpointSaver;
import jacktf.checkpoint.CheckpointVariable;
import jacktf.checkpoint.RestoreOptions;
import jacktf.checkpoint.RestorePlan;
import jacktf.checkpoint.Restorer;
import jacktf.cluster.ClusterRuns;
import jacktf.cluster.ClusterServer;
import jacktf.cluster.Replicas;
import jacktf.config.ConfigException;
import jacktf.model.ModelVariable;
import jacktf.model.Precision;
import jacktf.runtime.Bf16SelfCheck;
import jacktf.runtime.Sessions;
import jacktf.runtime.StepProfile;
import jacktf.runtime.TensorFlowRuntime;
import jacktf.traindir.ModelInfo;
import jacktf.traindir.TrainDir;
import jacktf.traindir.TrainingPlan;
import jacktf.traindir.WriterLock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TFInvalidArgumentException;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Runs a training job: the Java form of slim's {@code train_image_classifier.py}. Resumes from the
 * train dir's checkpoint when there is one, else warm-starts from {@code checkpointPath} through a
 * restore plan; trains only the selected variables; saves crash-safe checkpoints and TensorBoard
 * summaries; stops cleanly on {@link #cancel()}. Never calls System.exit.
 *
 * <p>{@link #train()} reads top-down: check the data, cache features if asked, build the graph,
 * start (restore, or join the chief), {@link #loop} the steps, finish.
 */
public final class Trainer {
    private final TrainConfig config;
    private final List<TrainingListener> listeners = new CopyOnWriteArrayList<>();
    /** The profile of {@code config.profileSteps()}, on the graph being trained; null without. */
    private StepProfile profile;

    private boolean profileWritten;
    private volatile boolean cancelled;

    private Trainer(TrainConfig config) {
        this.config = config;
    }

    /** A trainer of {@code config}; nothing runs until {@link #train()}. */
    public static Trainer create(TrainConfig config) {
        return new Trainer(config);
    }

    /** Adds a listener, called on the training thread. */
    public Trainer addListener(TrainingListener listener) {
        listeners.add(listener);
        return this;
    }

    /** Asks the run to stop after the current step; it saves a checkpoint and returns CANCELLED. */
    public void cancel() {
        cancelled = true;
    }

    /**
     * Trains until {@code maxNumberOfSteps} (or the epochs) or {@link #cancel()}.
     *
     * @throws jacktf.config.JacktfException on a configuration or dataset the run cannot use, a
     *     diverging loss ({@link TrainingDivergedException}) or a lost cluster task
     */
    public TrainResult train() throws IOException {
        TensorFlowRuntime.ensureLoaded(); // a missing platform names its Maven classifier, not an UnsatisfiedLinkError
        Path trainDir = config.trainDir();
        if (Files.exists(trainDir) && !Files.isDirectory(trainDir)) {
            throw new ConfigException("trainDir", "a directory; the path given is a file", trainDir);
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
        TrainingData data = TrainingData.load(config);
        Files.createDirectories(trainDir);
        if (writer) {
            CheckpointSaver.removeTemporaries(trainDir);
            dir.writeLabels(data.classNames());
            dir.writeModelInfo(
                    new ModelInfo(config.imageSize(), config.preprocessing(), config.validationSplit(), config.seed()));
        }
        FeatureCache cache = config.cacheFeatures() ? cacheFeatures(data) : null;

        try (Graph graph = new Graph()) {
            TrainingGraph g = new TrainingGraph(graph, config, data, cache);
            if (config.precision() == Precision.BF16) {
                Bf16SelfCheck.requireAgreement(graph, "training"); // before any bf16 kernel runs for real
            }
            profile = config.profileSteps() == null ? null : new StepProfile(graph);
            profileWritten = false;
            Replicas replicas = config.replicas();
            boolean chief = replicas == null || replicas.isChief();
            ClusterRuns cluster = replicas == null ? null : new ClusterRuns(replicas, g.coordination, g.sync);
            if (replicas != null) {
                ClusterServer.ensureStarted(replicas);
            }
            try (Session session =
                    replicas == null ? Sessions.open(graph) : ClusterServer.openSession(graph, replicas.cluster())) {
                Start start = chief ? initializeOrRestore(session, g, cluster) : joinChief(session, cluster);
                Position position = readPosition(session, g);
                long step = position.step();
                try (TInt64 consumed = TInt64.scalarOf(position.consumed())) {
                    session.runner()
                            .feed(g.input.skip(), consumed)
                            .addTarget(g.input.initializer())
                            .run();
                }
                // The graph of a cached run holds every feature vector: too large for an event file.
                if (chief) {
                    g.summaries.open(session, cache == null ? graph.toGraphDef().toByteArray() : new byte[0]);
                }
                TrainingPlan plan = new TrainingPlan(
                        data.classNames(),
                        data.splits().train().size(),
                        data.splits().validation().size(),
                        step,
                        data.maxSteps(),
                        names(g.trainable),
                        names(g.frozen),
                        start.warmStart(),
                        start.resumedFrom(),
                        data.splits().train().rejected().stream()
                                .map(r -> r.file() + ": " + r.problem())
                                .toList(),
                        describe(replicas, g),
                        !chief);
                if (writer) {
                    dir.writePlan(plan);
                }
                listeners.forEach(l -> l.onStart(plan));
                List<String> trainFiles = cache == null
                        ? data.splits().train().files()
                        : cache.train.dataset().files();
                TrainResult result;
                try {
                    result = loop(
                            session,
                            g,
                            chief
                                    ? new CheckpointSaver(g.model, g.saveTargets, trainDir, config.keepCheckpoints())
                                    : null,
                            cluster,
                            step,
                            data.maxSteps(),
                            trainFiles);
                } catch (RuntimeException e) {
                    throw cluster == null ? e : cluster.explain(e, "Training");
                }
                if (chief) {
                    g.summaries.close(session);
                }
                if (cluster != null && result.status() == TrainResult.Status.COMPLETED) {
                    cluster.reportCompleted(session);
                }
                if (profile != null && profile.steps() > 0 && !profileWritten) {
                    writeProfile(); // the run ended inside the profiled range
                }
                listeners.forEach(l -> l.onEnd(result));
                return result;
            }
        }
    }

    /** {@code cacheFeatures}: runs the backbone once over the data, from where training will start. */
    private FeatureCache cacheFeatures(TrainingData data) {
        FeatureCache cache = FeatureCache.forRun(config, data.splits());
        listeners.forEach(l -> l.onFeaturesCached(cache.images(), cache.seconds));
        return cache;
    }

    /** How a run began: from a warm-start plan, a resumed checkpoint, or neither (both null). */
    record Start(RestorePlan warmStart, String resumedFrom) {}

    /**
     * Alone or as the chief: fresh values, then the train dir's latest checkpoint (resume) or the
     * warm-start checkpoint through its restore plan; on a cluster, then tells the others to go.
     */
    private Start initializeOrRestore(Session session, TrainingGraph g, ClusterRuns cluster) {
        Start start = initializeOrRestore(session, g, config);
        if (cluster != null) {
            cluster.chiefStarted(session);
        }
        return start;
    }

    /** Fresh values, then the train dir's latest checkpoint (resume) or the warm-start checkpoint. */
    static Start initializeOrRestore(Session session, TrainingGraph g, TrainConfig config) {
        session.run(g.model.initializer());
        Start start = new Start(null, null);
        var latest = CheckpointSaver.latest(config.trainDir());
        if (latest.isPresent()) {
            try (Checkpoint ckpt = Checkpoint.open(latest.get())) {
                // A checkpoint written before the input position was saved resumes at step x batch.
                List<CheckpointVariable> targets = g.saveTargets.stream()
                        .filter(t -> !t.name().equals(TrainingGraph.INPUT_POSITION)
                                || ckpt.find(t.name()).isPresent())
                        .toList();
                Restorer.restore(session, g.model, RestorePlan.create(targets, ckpt, RestoreOptions.all()));
            }
            start = new Start(null, latest.get().toString());
        } else if (config.checkpointPath() != null) {
            try (Checkpoint ckpt = Checkpoint.open(config.checkpointPath())) {
                RestorePlan plan =
                        RestorePlan.create(CheckpointVariable.modelVariables(g.model), ckpt, config.restoreOptions());
                Restorer.restore(session, g.model, plan);
                start = new Start(plan, null);
            }
        }
        return start;
    }

    /** A worker that is not the chief uses the variables the chief initialised or restored on the ps tasks. */
    private static Start joinChief(Session session, ClusterRuns cluster) {
        cluster.joinChief(session);
        return new Start(null, null);
    }

    /** Examples the whole job consumes per global step. */
    private int examplesPerStep() {
        return config.replicas() == null
                ? config.batchSize()
                : config.replicas().examplesPerStep(config.batchSize());
    }

    /**
     * The steps, slim's {@code slim.learning.train} loop. {@code saver} is null on a worker that is
     * not the chief: it neither saves, validates nor writes summaries.
     */
    private TrainResult loop(
            Session session,
            TrainingGraph g,
            CheckpointSaver saver,
            ClusterRuns cluster,
            long startStep,
            long maxSteps,
            List<String> trainFiles)
            throws IOException {
        boolean chief = saver != null;
        SkipTracker skips = config.replicas() == null
                ? new SkipTracker(trainFiles)
                : new SkipTracker(
                        trainFiles,
                        config.replicas().workers(),
                        config.replicas().cluster().taskIndex());
        long step = startStep;
        long lastSave = System.nanoTime();
        Long lastSummary = null; // the first step writes every summary
        long lastEpoch = epoch(step, trainFiles.size());
        Path checkpoint = CheckpointSaver.latest(config.trainDir()).orElse(null);
        long savedStep = checkpoint == null ? -1 : step;
        StepEvent last = null;
        ValidationResult lastValidation = null;
        while (step < maxSteps && !cancelled) {
            boolean summarize = chief
                    && (lastSummary == null
                            || System.nanoTime() - lastSummary >= config.saveSummariesSecs() * 1e9
                            || step + 1 == maxSteps);
            boolean scalarsOnly = chief && !summarize && (step + 1) % config.logEveryNSteps() == 0;
            Summaries summaries =
                    !chief ? null : summarize ? Summaries.ALL : scalarsOnly ? Summaries.SCALARS : Summaries.NONE;
            StepEvent event = runStep(session, g, cluster, step, summaries, last, skips, checkpoint, trainFiles.size());
            step = event.step();
            last = event;
            if (summarize) {
                lastSummary = System.nanoTime();
            }
            listeners.forEach(l -> l.onStep(event));
            long epoch = epoch(step, trainFiles.size());
            if (epoch > lastEpoch) {
                lastEpoch = epoch;
                listeners.forEach(l -> l.onEpoch(epoch, event));
            }
            if (!chief) {
                continue;
            }
            if (g.validation != null && config.validationEvery() > 0 && step % config.validationEvery() == 0) {
                lastValidation = validate(session, g, cluster, step);
            }
            boolean saveDue = config.saveEverySteps() != null
                    ? step % config.saveEverySteps() == 0
                    : System.nanoTime() - lastSave >= config.saveIntervalSecs() * 1e9;
            if (saveDue) {
                checkpoint = save(session, saver, cluster, step);
                savedStep = step;
                lastSave = System.nanoTime();
            }
        }
        if (chief && savedStep != step) {
            checkpoint = save(session, saver, cluster, step);
        }
        if (chief && g.validation != null && (lastValidation == null || lastValidation.step() != step)) {
            lastValidation = validate(session, g, cluster, step);
        }
        return new TrainResult(
                cancelled && step < maxSteps ? TrainResult.Status.CANCELLED : TrainResult.Status.COMPLETED,
                step,
                last,
                lastValidation,
                checkpoint);
    }

    /**
     * Which summaries a step of the chief writes: all (histograms, images), the scalars alone, or none. The
     * choice is fed, so every step of the chief is the same run (one executor for TensorFlow to prepare).
     */
    private enum Summaries {
        ALL,
        SCALARS,
        NONE
    }

    /**
     * Runs step {@code step + 1}: fetches its values, stops on a diverging loss, reports skipped
     * files, and (synchronous replicas) waits for the step's update.
     */
    private StepEvent runStep(
            Session session,
            TrainingGraph g,
            ClusterRuns cluster,
            long step,
            Summaries summaries,
            StepEvent previous,
            SkipTracker skips,
            Path checkpoint,
            int trainSize) {
        long t0 = System.nanoTime();
        double stepsPerSecond = previous == null ? 0 : 1 / previous.secondsPerStep();
        Session.Runner runner = StepFetches.addTo(session.runner(), g);
        try (TInt64 summaryStep = TInt64.scalarOf(step + 1);
                TFloat32 rate = TFloat32.scalarOf((float) stepsPerSecond);
                TFloat32 skippedSoFar = TFloat32.scalarOf(skips.total());
                TBool writeScalars = TBool.scalarOf(summaries != null && summaries != Summaries.NONE);
                TBool writeAll = TBool.scalarOf(summaries == Summaries.ALL)) {
            if (summaries != null) {
                runner.feed(g.summaries.step, summaryStep)
                        .feed(g.summaries.stepsPerSecond, rate)
                        .feed(g.summaries.skippedImages, skippedSoFar)
                        .feed(g.summaries.writeScalars, writeScalars)
                        .feed(g.summaries.writeAll, writeAll)
                        .addTarget(g.summaries.stepOp());
            }
            if (g.numericsChecks != null) {
                runner.addTarget(g.numericsChecks.target());
            }
            boolean profiled = profile != null && config.profileSteps().contains(step + 1);
            if (profiled) {
                runner.setOptions(StepProfile.RUN_OPTIONS);
            }
            StepFetches.Values v;
            try (Result r = cluster == null
                    ? runDetectingNan(runner, step, checkpoint, profiled)
                    : cluster.runStep(runner, step)) {
                v = StepFetches.decode(r);
                if (profiled) {
                    profile.add(r.getMetadata().orElseThrow(() -> new IllegalStateException("no run metadata")));
                    if (step + 1 == config.profileSteps().last()) {
                        writeProfile();
                    }
                }
            }
            long newStep = cluster == null ? v.step() : cluster.finishStep(session, v.step());
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (!Float.isFinite(v.totalLoss())) {
                throw new TrainingDivergedException(
                        newStep, v.totalLoss(), checkpoint == null ? null : checkpoint.toString());
            }
            for (SkipTracker.Skipped s : skips.observe(v.batchIndices(), v.batchFiles())) {
                listeners.forEach(l -> l.onSkippedImages(s.epoch(), s.files()));
            }
            return new StepEvent(
                    newStep,
                    (double) newStep * examplesPerStep() / trainSize,
                    v.totalLoss(),
                    v.crossEntropy(),
                    v.regularization(),
                    v.accuracy(),
                    v.learningRate(),
                    seconds,
                    config.batchSize() / seconds,
                    skips.total());
        }
    }

    /** A NaN reaching a histogram summary fails the run inside TF; it is the same divergence. */
    private static Result runDetectingNan(Session.Runner runner, long step, Path checkpoint, boolean traced) {
        try {
            return traced ? runner.runAndFetchMetadata() : runner.run();
        } catch (TFInvalidArgumentException e) {
            NumericsChecks.rethrowNamed(e, step + 1);
            if (e.getMessage() != null && e.getMessage().contains("Nan in summary")) {
                throw new TrainingDivergedException(
                        step + 1, Float.NaN, checkpoint == null ? null : checkpoint.toString());
            }
            throw e;
        }
    }

    /** Writes the profile of the steps traced so far to the train dir's {@code profile/}. */
    private void writeProfile() {
        Path dir = TrainDir.of(config.trainDir()).profileDir();
        try {
            profile.writeTo(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Writing the profile to " + dir + " failed: " + e.getMessage(), e);
        }
        profileWritten = true;
        listeners.forEach(l -> l.onProfile(profile, dir));
    }

    private long epoch(long step, int trainSize) {
        return step * examplesPerStep() / trainSize;
    }

    private Path save(Session session, CheckpointSaver saver, ClusterRuns cluster, long step) throws IOException {
        if (cluster != null) {
            cluster.beforeFirst("checkpoint", "Checkpoint of step " + step);
        }
        Path checkpoint = saver.save(session, step);
        listeners.forEach(l -> l.onCheckpoint(checkpoint, step));
        return checkpoint;
    }

    private ValidationResult validate(Session session, TrainingGraph g, ClusterRuns cluster, long step) {
        if (cluster != null) {
            cluster.beforeFirst("validation", "Validation at step " + step);
        }
        ValidationResult result = Validator.validate(session, g, step);
        listeners.forEach(l -> l.onValidation(result));
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
        return String.format(
                "worker %d of %d (%s%s); variables on ps %s",
                cluster.taskIndex(),
                cluster.workers().size(),
                replicas.synchronous() ? "synchronous" : "asynchronous",
                cluster.isChief() ? ", chief" : "",
                String.join(", ", ps));
    }

    /** Where a run starts: its global step and the elements of the input stream consumed before it. */
    private record Position(long step, long consumed) {}

    /**
     * The global step and how many elements of the input stream the run has consumed (the saved position, or, on a
     * cluster or from a checkpoint without one, the step times the examples per step, exact only when every file
     * decodes), read in one run.
     */
    private Position readPosition(Session session, TrainingGraph g) {
        Session.Runner runner = session.runner().fetch(g.globalStep);
        if (g.inputPosition != null) {
            runner.fetch(g.inputPosition);
        }
        try (Result r = runner.run()) {
            long step = ((TInt64) r.get(0)).getLong();
            long position = g.inputPosition == null ? TrainingGraph.UNKNOWN_POSITION : ((TInt64) r.get(1)).getLong();
            return new Position(step, position != TrainingGraph.UNKNOWN_POSITION ? position : step * examplesPerStep());
        }
    }

    private static List<String> names(List<ModelVariable> variables) {
        List<String> names = new ArrayList<>();
        variables.forEach(v -> names.add(v.name()));
        return names;
    }
}
