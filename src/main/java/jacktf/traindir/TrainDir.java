package jacktf.traindir;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import jacktf.checkpoint.CheckpointState;
import jacktf.config.JacktfException;
import jacktf.data.Labels;
import jacktf.runtime.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A train dir: the one place that knows its layout and reads and writes its files. Every file is
 * written through {@link AtomicFiles}, so a reader sees the old file or the new one.
 *
 * <table>
 * <caption>The layout of a train dir</caption>
 * <tr><th>Path</th><th>Written by</th><th>Content</th></tr>
 * <tr><td>{@code model.ckpt-STEP.index}, {@code model.ckpt-STEP.data-00000-of-00001}</td>
 *     <td>the trainer ({@code CheckpointSaver})</td><td>V2 checkpoints, the newest few kept</td></tr>
 * <tr><td>{@code checkpoint}</td><td>the trainer ({@code CheckpointState})</td>
 *     <td>TF's state file naming the latest complete checkpoint ({@link #latestCheckpoint()})</td></tr>
 * <tr><td>{@code labels.txt}</td><td>the trainer ({@link #writeLabels})</td>
 *     <td>slim's {@code 0:name} per class ({@link #labels()})</td></tr>
 * <tr><td>{@code jacktf.properties}</td><td>the trainer ({@link #writeModelInfo})</td>
 *     <td>image size, preprocessing and validation hold-out ({@link #modelInfo()})</td></tr>
 * <tr><td>{@code train_plan.json}</td><td>the trainer, at every start ({@link #writePlan})</td>
 *     <td>classes, split, trainable/frozen variables, restore plan ({@link #plan()})</td></tr>
 * <tr><td>{@code events.out.tfevents.*}</td><td>the trainer's summaries</td>
 *     <td>TensorBoard training curves ({@link #eventsDir()})</td></tr>
 * <tr><td>{@code eval/events.out.tfevents.*}</td><td>validation during training, {@code jacktf eval}</td>
 *     <td>TensorBoard eval curves ({@link #evalDir()})</td></tr>
 * <tr><td>{@code eval/metrics.json}</td><td>{@code jacktf eval}</td>
 *     <td>the last evaluation: accuracy, confusion, samples ({@link #metricsFile()})</td></tr>
 * <tr><td>{@code report.html}</td><td>{@code jacktf report}</td><td>the HTML report ({@link #reportFile()})</td></tr>
 * <tr><td>{@code jacktf.lock}</td><td>the writing process ({@link #lockForWriting()})</td>
 *     <td>pid, host and start time of the process holding the writer lock</td></tr>
 * </table>
 *
 * <p>Only one process writes a train dir: the single trainer, or the chief of a cluster; it holds
 * {@link #lockForWriting()} while it runs. Readers (eval, export, report, predict) take no lock.
 */
public final class TrainDir {
    /** The evaluation summaries' subdirectory. */
    public static final String EVAL_DIR = "eval";
    /** The last evaluation's metrics, inside {@link #EVAL_DIR}. */
    public static final String METRICS_FILE = "metrics.json";
    /** The run's plan. */
    public static final String PLAN_FILE = "train_plan.json";
    /** The HTML report's default name. */
    public static final String REPORT_FILE = "report.html";
    /** The writer lock. */
    public static final String LOCK_FILE = "jacktf.lock";

    /** Where a run's {@code --profile-steps} profile goes. */
    public static final String PROFILE_DIR = "profile";

    private static final Gson PLAN_JSON = new GsonBuilder().setPrettyPrinting().create();

    private final Path path;

    private TrainDir(Path path) {
        this.path = path;
    }

    /** The train dir at {@code dir} (which need not exist yet). */
    public static TrainDir of(Path dir) {
        return new TrainDir(dir);
    }

    /**
     * The directory a model's files sit in, given what a user passes as a checkpoint: a train dir
     * itself, a checkpoint prefix inside one ({@code train/x/model.ckpt-100}), or a bare checkpoint
     * file with no train dir (a slim zoo {@code resnet_v1_50.ckpt}; its directory then has no labels
     * and {@link #modelInfo()} gives the defaults).
     */
    public static TrainDir containing(Path checkpointOrDir) {
        return new TrainDir(
                Files.isDirectory(checkpointOrDir)
                        ? checkpointOrDir
                        : checkpointOrDir.toAbsolutePath().getParent());
    }

    /** The directory. */
    public Path path() {
        return path;
    }

    /** The latest complete checkpoint named by the {@code checkpoint} file, if there is one. */
    public Optional<Path> latestCheckpoint() {
        return CheckpointState.latest(path);
    }

    /** {@code labels.txt}. */
    public Path labelsFile() {
        return path.resolve(Labels.FILE_NAME);
    }

    /** The class names by id, from {@code labels.txt}; fails naming the file when it is missing. */
    public List<String> labels() throws IOException {
        return Labels.readFile(labelsFile());
    }

    /** Writes {@code labels.txt}. */
    public void writeLabels(List<String> classNames) throws IOException {
        Labels.writeFile(labelsFile(), classNames);
    }

    /** {@code jacktf.properties}. */
    public Path modelInfoFile() {
        return path.resolve(ModelInfo.FILE_NAME);
    }

    /** The model's info, or {@link ModelInfo#defaults()} when the directory has none (e.g. a slim zoo file's). */
    public ModelInfo modelInfo() throws IOException {
        return modelInfo(null);
    }

    /**
     * The model's info; when the directory has none (a slim zoo file unpacked by hand), what a checkpoint of the
     * network {@code networkName} (slim's nets_factory name, null if unknown) is taken to be: its zoo entry's
     * eval size and preprocessing ({@link ModelInfo#defaultsFor}), else {@link ModelInfo#defaults()}.
     */
    public ModelInfo modelInfo(String networkName) throws IOException {
        Path file = modelInfoFile();
        return Files.isRegularFile(file) ? ModelInfo.readFile(file) : ModelInfo.defaultsFor(networkName);
    }

    /** Writes {@code jacktf.properties}. */
    public void writeModelInfo(ModelInfo info) throws IOException {
        Files.createDirectories(path);
        info.writeFile(modelInfoFile());
    }

    /** {@code train_plan.json}. */
    public Path planFile() {
        return path.resolve(PLAN_FILE);
    }

    /** The last run's plan, if one was written. */
    public Optional<TrainingPlan.Summary> plan() throws IOException {
        Path file = planFile();
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        return Optional.of(
                PLAN_JSON.fromJson(Files.readString(file, StandardCharsets.UTF_8), TrainingPlan.Summary.class));
    }

    /** Writes {@code train_plan.json} (the plan's {@link TrainingPlan#summary()}). */
    public void writePlan(TrainingPlan plan) throws IOException {
        Files.createDirectories(path);
        AtomicFiles.writeString(planFile(), PLAN_JSON.toJson(plan.summary()));
    }

    /** Where the training summaries (TensorBoard event files) go: the train dir itself, as in slim. */
    public Path eventsDir() {
        return path;
    }

    /** {@code eval/}: evaluation summaries and {@link #metricsFile()}. */
    public Path evalDir() {
        return path.resolve(EVAL_DIR);
    }

    /** {@code eval/metrics.json}. */
    public Path metricsFile() {
        return evalDir().resolve(METRICS_FILE);
    }

    /** {@code report.html}. */
    public Path reportFile() {
        return path.resolve(REPORT_FILE);
    }

    /** {@code profile/}: the op-type table and Chrome trace of profiled steps. */
    public Path profileDir() {
        return path.resolve(PROFILE_DIR);
    }

    /** {@code jacktf.lock}. */
    public Path lockFile() {
        return path.resolve(LOCK_FILE);
    }

    /**
     * Takes the writer lock, creating the directory if needed. Held until closed; the operating
     * system drops it when the process dies (even by {@code kill -9}), so a killed run leaves no
     * stale lock and the next run takes over.
     *
     * @throws TrainDirInUseException when another process, or another trainer in this one, holds it
     * @throws JacktfException when the path is a file
     */
    public WriterLock lockForWriting() throws IOException {
        if (Files.exists(path) && !Files.isDirectory(path)) {
            throw new JacktfException("Train dir " + path + " is a file, not a directory; choose a directory "
                    + "(it is created when missing)");
        }
        Files.createDirectories(path);
        return WriterLock.acquire(this);
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
