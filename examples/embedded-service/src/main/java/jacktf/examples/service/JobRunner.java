package jacktf.examples.service;

import jacktf.checkpoint.RestoreOptions;
import jacktf.config.LearningRateDecayType;
import jacktf.export.SavedModelExporter;
import jacktf.model.Precision;
import jacktf.serve.Classifier;
import jacktf.train.TrainConfig;
import jacktf.train.TrainResult;
import jacktf.train.Trainer;
import jacktf.traindir.TrainDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Runs fine-tuning jobs one at a time on a background thread (a model trains best with every core),
 * exports each finished one as the next version under {@code workDir/models} and swaps it into the
 * {@link ModelSlot} that {@code POST /classify} reads.
 */
public final class JobRunner implements AutoCloseable {
    private final Path workDir;
    private final ModelSlot<Classifier> slot;
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fine-tuning");
        t.setDaemon(true);
        return t;
    });

    /** Jobs train into {@code workDir/jobs/<id>} and export to {@code workDir/models/<version>}. */
    public JobRunner(Path workDir, ModelSlot<Classifier> slot) {
        this.workDir = workDir;
        this.slot = slot;
    }

    /** Queues a job and returns it. */
    public Job submit(JobRequest request) {
        Job job = new Job("job-" + ids.incrementAndGet(), request);
        jobs.put(job.id(), job);
        executor.execute(() -> run(job));
        return job;
    }

    /** The job, or null. */
    public Job get(String id) {
        return jobs.get(id);
    }

    /** Every job, in no particular order. */
    public Collection<Job> all() {
        return jobs.values();
    }

    /** The base path versions are exported to. */
    public Path modelsDir() {
        return workDir.resolve("models");
    }

    private void run(Job job) {
        if (job.cancelRequested()) {
            job.finish(Job.State.CANCELLED, 0, null);
            return;
        }
        try {
            JobRequest r = job.request();
            TrainConfig config = TrainConfig.builder(
                            r.datasetDir(), workDir.resolve("jobs").resolve(job.id()))
                    .imageSize(TrainDir.containing(r.checkpoint()).modelInfo().imageSize())
                    .checkpointPath(r.checkpoint())
                    .restoreOptions(RestoreOptions.excluding(r.excludeScopes().toArray(String[]::new)))
                    .trainableScopes(r.trainableScopes())
                    .batchSize(r.batchSize())
                    .learningRate(r.learningRate())
                    .learningRateDecayType(LearningRateDecayType.FIXED)
                    .maxNumberOfSteps(r.steps())
                    .saveSummariesSecs(3600)
                    .build();
            Trainer trainer = Trainer.create(config).addListener(job);
            job.started(trainer);
            TrainResult result = trainer.train();
            if (result.status() == TrainResult.Status.CANCELLED) {
                job.finish(Job.State.CANCELLED, 0, null);
                return;
            }
            job.exporting();
            // Versions count on from the model serving now (the startup model may be version 1 of another base path).
            int number = (int) Math.max(slot.version(), highestVersion(modelsDir())) + 1;
            Path version =
                    SavedModelExporter.export(result.checkpoint(), modelsDir(), number, Precision.FP32, "global_pool");
            slot.swap(Classifier.load(version), number);
            job.finish(Job.State.SUCCEEDED, number, null);
        } catch (IOException | RuntimeException e) {
            job.finish(Job.State.FAILED, 0, e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    private static long highestVersion(Path base) throws IOException {
        if (!Files.isDirectory(base)) {
            return 0;
        }
        try (Stream<Path> children = Files.list(base)) {
            return children.map(p -> p.getFileName().toString())
                    .filter(n -> n.matches("\\d{1,9}"))
                    .mapToLong(Long::parseLong)
                    .max()
                    .orElse(0);
        }
    }

    /** Cancels every job and waits up to a minute for the running one to save and stop. */
    @Override
    public void close() throws InterruptedException {
        jobs.values().forEach(Job::cancel);
        executor.shutdown();
        executor.awaitTermination(60, TimeUnit.SECONDS);
    }
}
