package jacktf.train;

import jacktf.model.ScopeSet;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import jacktf.checkpoint.RestoreOptions;
import jacktf.cluster.Replicas;
import jacktf.model.Architecture;
import jacktf.model.BatchNormMode;
import jacktf.model.Head;
import jacktf.model.Precision;

/**
 * Everything a training run needs, with slim's {@code train_image_classifier.py} defaults.
 * Built with {@link #builder(Path, Path)}.
 */
public record TrainConfig(
    Path datasetDir,
    Path trainDir,
    Architecture model,
    Head head,
    Integer numClasses,
    Precision precision,
    int imageSize,
    double validationSplit,
    long seed,
    Path checkpointPath,
    RestoreOptions restoreOptions,
    List<String> trainableScopes,
    List<String> freezeScopes,
    BatchNormMode frozenBatchNorm,
    float batchNormDecay,
    String optimizer,
    Optimizer.Params optimizerParams,
    float learningRate,
    String learningRateDecayType,
    float learningRateDecayFactor,
    float numEpochsPerDecay,
    float endLearningRate,
    long warmupSteps,
    float weightDecay,
    float labelSmoothing,
    int batchSize,
    Long maxNumberOfSteps,
    Double epochs,
    Long saveEverySteps,
    int saveIntervalSecs,
    int saveSummariesSecs,
    int logEveryNSteps,
    int validationEvery,
    int keepCheckpoints,
    boolean cacheFeatures,
    Replicas replicas) {

  public TrainConfig {
    Objects.requireNonNull(datasetDir, "datasetDir");
    if (replicas != null && cacheFeatures) {
      throw new IllegalArgumentException("--cache-features trains the head in one process; leave out --cluster");
    }
    Objects.requireNonNull(trainDir, "trainDir");
    if (!trainableScopes.isEmpty() && !freezeScopes.isEmpty()) {
      throw new IllegalArgumentException("Give --trainable-scopes or --freeze-scopes, not both");
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("--batch-size must be at least 1, got " + batchSize);
    }
    if (maxNumberOfSteps != null && epochs != null) {
      throw new IllegalArgumentException("Give --max-number-of-steps or --epochs, not both");
    }
    if (maxNumberOfSteps != null && maxNumberOfSteps < 0 || epochs != null && !(epochs > 0)) {
      throw new IllegalArgumentException("--max-number-of-steps must be >= 0 and --epochs > 0");
    }
    if (weightDecay < 0 || labelSmoothing < 0 || labelSmoothing >= 1) {
      throw new IllegalArgumentException("--weight-decay must be >= 0 and --label-smoothing in [0, 1)");
    }
    if (logEveryNSteps < 1 || keepCheckpoints < 1 || validationEvery < 0 || saveIntervalSecs < 0
        || saveSummariesSecs < 0 || (saveEverySteps != null && saveEverySteps < 1)) {
      throw new IllegalArgumentException("--log-every-n-steps and --keep-checkpoints must be >= 1, "
          + "--save-every-steps >= 1, intervals >= 0");
    }
  }

  public static Builder builder(Path datasetDir, Path trainDir) {
    return new Builder(datasetDir, trainDir);
  }

  public Builder toBuilder() {
    Builder b = new Builder(datasetDir, trainDir);
    b.model = model;
    b.head = head;
    b.numClasses = numClasses;
    b.precision = precision;
    b.imageSize = imageSize;
    b.validationSplit = validationSplit;
    b.seed = seed;
    b.checkpointPath = checkpointPath;
    b.restoreOptions = restoreOptions;
    b.trainableScopes = trainableScopes;
    b.freezeScopes = freezeScopes;
    b.frozenBatchNorm = frozenBatchNorm;
    b.batchNormDecay = batchNormDecay;
    b.optimizer = optimizer;
    b.optimizerParams = optimizerParams;
    b.learningRate = learningRate;
    b.learningRateDecayType = learningRateDecayType;
    b.learningRateDecayFactor = learningRateDecayFactor;
    b.numEpochsPerDecay = numEpochsPerDecay;
    b.endLearningRate = endLearningRate;
    b.warmupSteps = warmupSteps;
    b.weightDecay = weightDecay;
    b.labelSmoothing = labelSmoothing;
    b.batchSize = batchSize;
    b.maxNumberOfSteps = maxNumberOfSteps;
    b.epochs = epochs;
    b.saveEverySteps = saveEverySteps;
    b.saveIntervalSecs = saveIntervalSecs;
    b.saveSummariesSecs = saveSummariesSecs;
    b.logEveryNSteps = logEveryNSteps;
    b.validationEvery = validationEvery;
    b.keepCheckpoints = keepCheckpoints;
    b.cacheFeatures = cacheFeatures;
    b.replicas = replicas;
    return b;
  }

  /** Whether a variable is trained: under a trainable scope (default all) and under no freeze scope. */
  public boolean isTrainable(String variableName) {
    boolean selected = trainableScopes.isEmpty() || ScopeSet.of(trainableScopes).contains(variableName);
    return selected && !ScopeSet.of(freezeScopes).contains(variableName);
  }

  /** Builder with slim's defaults. */
  public static final class Builder {
    private final Path datasetDir;
    private final Path trainDir;
    private Architecture model = Architecture.RESNET_V1_50;
    private Head head = Head.SLIM;
    private Integer numClasses;
    private Precision precision = Precision.FP32;
    private int imageSize = 224;
    private double validationSplit = 0;
    private long seed = 42;
    private Path checkpointPath;
    private RestoreOptions restoreOptions = RestoreOptions.all();
    private List<String> trainableScopes = List.of();
    private List<String> freezeScopes = List.of();
    private BatchNormMode frozenBatchNorm = BatchNormMode.INFERENCE;
    private float batchNormDecay = 0.997f;
    private String optimizer = "rmsprop";
    private Optimizer.Params optimizerParams = Optimizer.Params.slimDefaults();
    private float learningRate = 0.01f;
    private String learningRateDecayType = "exponential";
    private float learningRateDecayFactor = 0.94f;
    private float numEpochsPerDecay = 2.0f;
    private float endLearningRate = 0.0001f;
    private long warmupSteps = 0;
    private float weightDecay = 0.00004f;
    private float labelSmoothing = 0f;
    private int batchSize = 32;
    private Long maxNumberOfSteps;
    private Double epochs;
    private Long saveEverySteps;
    private int saveIntervalSecs = 600;
    private int saveSummariesSecs = 600;
    private int logEveryNSteps = 10;
    private int validationEvery = 0;
    private int keepCheckpoints = 5;
    private boolean cacheFeatures;
    private Replicas replicas;

    private Builder(Path datasetDir, Path trainDir) {
      this.datasetDir = datasetDir;
      this.trainDir = trainDir;
    }

    public Builder model(Architecture v) { this.model = v; return this; }
    public Builder head(Head v) { this.head = v; return this; }
    public Builder numClasses(Integer v) { this.numClasses = v; return this; }
    public Builder precision(Precision v) { this.precision = v; return this; }
    public Builder imageSize(int v) { this.imageSize = v; return this; }
    public Builder validationSplit(double v) { this.validationSplit = v; return this; }
    public Builder seed(long v) { this.seed = v; return this; }
    public Builder checkpointPath(Path v) { this.checkpointPath = v; return this; }
    public Builder restoreOptions(RestoreOptions v) { this.restoreOptions = v; return this; }
    public Builder trainableScopes(List<String> v) { this.trainableScopes = List.copyOf(v); return this; }
    public Builder freezeScopes(List<String> v) { this.freezeScopes = List.copyOf(v); return this; }
    public Builder frozenBatchNorm(BatchNormMode v) { this.frozenBatchNorm = v; return this; }
    public Builder batchNormDecay(float v) { this.batchNormDecay = v; return this; }
    public Builder optimizer(String v) { this.optimizer = v; return this; }
    public Builder optimizerParams(Optimizer.Params v) { this.optimizerParams = v; return this; }
    public Builder learningRate(float v) { this.learningRate = v; return this; }
    public Builder learningRateDecayType(String v) { this.learningRateDecayType = v; return this; }
    public Builder learningRateDecayFactor(float v) { this.learningRateDecayFactor = v; return this; }
    public Builder numEpochsPerDecay(float v) { this.numEpochsPerDecay = v; return this; }
    public Builder endLearningRate(float v) { this.endLearningRate = v; return this; }
    public Builder warmupSteps(long v) { this.warmupSteps = v; return this; }
    public Builder weightDecay(float v) { this.weightDecay = v; return this; }
    public Builder labelSmoothing(float v) { this.labelSmoothing = v; return this; }
    public Builder batchSize(int v) { this.batchSize = v; return this; }
    public Builder maxNumberOfSteps(Long v) { this.maxNumberOfSteps = v; return this; }
    public Builder epochs(Double v) { this.epochs = v; return this; }
    public Builder saveEverySteps(Long v) { this.saveEverySteps = v; return this; }
    public Builder saveIntervalSecs(int v) { this.saveIntervalSecs = v; return this; }
    public Builder saveSummariesSecs(int v) { this.saveSummariesSecs = v; return this; }
    public Builder logEveryNSteps(int v) { this.logEveryNSteps = v; return this; }
    public Builder validationEvery(int v) { this.validationEvery = v; return this; }
    public Builder keepCheckpoints(int v) { this.keepCheckpoints = v; return this; }
    public Builder cacheFeatures(boolean v) { this.cacheFeatures = v; return this; }
    /** Train as one worker of a cluster; null (the default) trains in this process alone. */
    public Builder replicas(Replicas v) { this.replicas = v; return this; }

    public TrainConfig build() {
      return new TrainConfig(datasetDir, trainDir, model, head, numClasses, precision, imageSize, validationSplit,
          seed, checkpointPath, restoreOptions, trainableScopes, freezeScopes, frozenBatchNorm, batchNormDecay, optimizer,
          optimizerParams, learningRate, learningRateDecayType, learningRateDecayFactor, numEpochsPerDecay,
          endLearningRate, warmupSteps, weightDecay, labelSmoothing, batchSize, maxNumberOfSteps, epochs,
          saveEverySteps, saveIntervalSecs, saveSummariesSecs, logEveryNSteps, validationEvery, keepCheckpoints,
          cacheFeatures, replicas);
    }
  }
}
