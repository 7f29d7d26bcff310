package jacktf.train;

import jacktf.checkpoint.RestoreOptions;
import jacktf.checkpoint.ZooCheckpoint;
import jacktf.cluster.Replicas;
import jacktf.config.ConfigException;
import jacktf.config.Defaults;
import jacktf.config.FrozenBatchNorm;
import jacktf.config.LearningRateDecayType;
import jacktf.config.OptimizerType;
import jacktf.config.Preprocessing;
import jacktf.data.DatasetSource;
import jacktf.model.Head;
import jacktf.model.Network;
import jacktf.model.NetworkOptions;
import jacktf.model.NetworkType;
import jacktf.model.Networks;
import jacktf.model.Precision;
import jacktf.model.ScopeSet;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything a training run needs, with slim's {@code train_image_classifier.py} defaults
 * ({@link Defaults}). Built with {@link #builder(Path, Path)}; every field is checked on construction.
 */
public record TrainConfig(
        Path datasetDir,
        Path trainDir,
        NetworkType model,
        Head head,
        Integer numClasses,
        Precision precision,
        int imageSize,
        Preprocessing preprocessing,
        double validationSplit,
        long seed,
        Path checkpointPath,
        RestoreOptions restoreOptions,
        List<String> trainableScopes,
        List<String> freezeScopes,
        FrozenBatchNorm frozenBatchNorm,
        float batchNormDecay,
        OptimizerType optimizer,
        Optimizer.Params optimizerParams,
        float learningRate,
        LearningRateDecayType learningRateDecayType,
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
        Replicas replicas,
        DatasetSource dataset,
        StepRange profileSteps,
        boolean auxLogits,
        boolean checkNumerics) {

    /**
     * Checks every field, so a bad configuration fails here, naming the field and its valid range,
     * rather than deep inside graph construction.
     *
     * @throws ConfigException for a value out of range or two fields that exclude each other
     */
    public TrainConfig {
        if (datasetDir == null && dataset == null) {
            throw new ConfigException("datasetDir", "set, or a dataset given", null);
        }
        required("trainDir", trainDir);
        required("model", model);
        required("head", head);
        required("precision", precision);
        required("preprocessing", preprocessing);
        required("restoreOptions", restoreOptions);
        required("frozenBatchNorm", frozenBatchNorm);
        required("optimizer", optimizer);
        required("optimizerParams", optimizerParams);
        required("learningRateDecayType", learningRateDecayType);
        trainableScopes = List.copyOf(required("trainableScopes", trainableScopes));
        freezeScopes = List.copyOf(required("freezeScopes", freezeScopes));
        if (numClasses != null && numClasses < 1) {
            throw new ConfigException("numClasses", "at least 1 (or null: the dataset's classes)", numClasses);
        }
        check("imageSize", imageSize >= 32, "at least 32 (the network's total stride)", imageSize);
        // the network's own minimum (VGG's 224, the Inceptions' 75, or 107 with AuxLogits), before any op is built
        model.build(NetworkOptions.defaults().withNumClasses(1).withAuxLogits(auxLogits))
                .checkImageSize(imageSize);
        check("validationSplit", validationSplit >= 0 && validationSplit < 1, "in [0, 1)", validationSplit);
        check("batchNormDecay", batchNormDecay >= 0 && batchNormDecay < 1, "in [0, 1)", batchNormDecay);
        check("learningRate", learningRate > 0 && Float.isFinite(learningRate), "a finite number > 0", learningRate);
        check(
                "learningRateDecayFactor",
                learningRateDecayFactor > 0 && learningRateDecayFactor <= 1,
                "in (0, 1]",
                learningRateDecayFactor);
        check(
                "numEpochsPerDecay",
                numEpochsPerDecay > 0 && Float.isFinite(numEpochsPerDecay),
                "a finite number > 0",
                numEpochsPerDecay);
        check(
                "endLearningRate",
                endLearningRate >= 0 && Float.isFinite(endLearningRate),
                "a finite number >= 0",
                endLearningRate);
        check("warmupSteps", warmupSteps >= 0, ">= 0", warmupSteps);
        check("weightDecay", weightDecay >= 0 && Float.isFinite(weightDecay), "a finite number >= 0", weightDecay);
        check("labelSmoothing", labelSmoothing >= 0 && labelSmoothing < 1, "in [0, 1)", labelSmoothing);
        check("batchSize", batchSize >= 1, "at least 1", batchSize);
        if (maxNumberOfSteps != null && maxNumberOfSteps < 0) {
            throw new ConfigException("maxNumberOfSteps", ">= 0 (or null: train for epochs)", maxNumberOfSteps);
        }
        if (epochs != null && !(epochs > 0 && Double.isFinite(epochs))) {
            throw new ConfigException("epochs", "a finite number > 0 (or null)", epochs);
        }
        if (maxNumberOfSteps != null && epochs != null) {
            throw ConfigException.conflict("epochs", "maxNumberOfSteps", epochs);
        }
        if (saveEverySteps != null && saveEverySteps < 1) {
            throw new ConfigException(
                    "saveEverySteps", "at least 1 (or null: save every saveIntervalSecs)", saveEverySteps);
        }
        check("saveIntervalSecs", saveIntervalSecs >= 0, ">= 0", saveIntervalSecs);
        check("saveSummariesSecs", saveSummariesSecs >= 0, ">= 0", saveSummariesSecs);
        check("logEveryNSteps", logEveryNSteps >= 1, "at least 1", logEveryNSteps);
        check("validationEvery", validationEvery >= 0, ">= 0 (0: only at the end)", validationEvery);
        if (profileSteps != null && replicas != null) {
            throw new ConfigException(
                    "profileSteps", "null on a cluster: profiles are of single-process runs", profileSteps);
        }
        check("keepCheckpoints", keepCheckpoints >= 1, "at least 1", keepCheckpoints);
        if (!trainableScopes.isEmpty() && !freezeScopes.isEmpty()) {
            throw ConfigException.conflict("freezeScopes", "trainableScopes", freezeScopes);
        }
        if (replicas != null && cacheFeatures) {
            // The feature cache lives in one process's memory.
            throw ConfigException.conflict("cacheFeatures", "replicas", true);
        }
    }

    private static <T> T required(String field, T value) {
        if (value == null) {
            throw new ConfigException(field, "set", null);
        }
        return value;
    }

    private static void check(String field, boolean valid, String expected, Object received) {
        if (!valid) {
            throw new ConfigException(field, expected, received);
        }
    }

    /** A builder with slim's defaults ({@link Defaults}) for every other field. */
    public static Builder builder(Path datasetDir, Path trainDir) {
        return new Builder(datasetDir, trainDir);
    }

    /**
     * The preprocessing a network trains with unless told otherwise: its zoo entry's ({@link ZooCheckpoint}, the
     * one table of slim's conventions: inception for the Inceptions, MobileNet and ResNet-v2 as slim's README
     * says, vgg for ResNet-v1 and VGG), else {@link Defaults#PREPROCESSING_DEFAULT} (any other ResNet-v1
     * {@link jacktf.model.Architecture}).
     */
    public static Preprocessing defaultPreprocessing(NetworkType model) {
        return ZooCheckpoint.find(model == null ? null : model.name())
                .map(ZooCheckpoint::preprocessing)
                .orElse(Defaults.PREPROCESSING_DEFAULT);
    }

    /**
     * The restore options a warm start of {@code network} applies, the one place this is decided (training, and
     * {@code jacktf restore-plan}, which shows what training would do): without head scopes, the network's
     * ({@link Network#headScopes()}, logits first), which a checkpoint whose logits have other classes leaves out
     * when no exclude scope is given, as slim's fine-tuning scripts exclude them by hand; given ones are kept.
     */
    public static RestoreOptions withHeadDefault(RestoreOptions options, Network network) {
        return options.headScopes().isEmpty() ? options.withHeadScopes(network.headScopes()) : options;
    }

    /** Whether a variable is trained: under a trainable scope (default all) and under no freeze scope. */
    public boolean isTrainable(String variableName) {
        boolean selected =
                trainableScopes.isEmpty() || ScopeSet.of(trainableScopes).contains(variableName);
        return selected && !ScopeSet.of(freezeScopes).contains(variableName);
    }

    /**
     * The network this run trains, with {@code numClasses} (the dataset's) and this configuration's head,
     * precision, batch-norm decay and auxiliary logits.
     */
    public Network network(Integer numClasses) {
        return model.build(NetworkOptions.defaults()
                .withNumClasses(numClasses)
                .withHead(head)
                .withPrecision(precision)
                .withBatchNormDecay(batchNormDecay)
                .withAuxLogits(auxLogits));
    }

    /** Builder with slim's defaults. */
    public static final class Builder {
        private final Path datasetDir;
        private final Path trainDir;
        private NetworkType model = Networks.byName("resnet_v1_50");
        private Head head = Head.SLIM;
        private Integer numClasses;
        private Precision precision = Precision.FP32;
        private Integer imageSize;
        private Preprocessing preprocessing;
        private double validationSplit = Defaults.VALIDATION_SPLIT_DEFAULT;
        private long seed = Defaults.SEED_DEFAULT;
        private Path checkpointPath;
        private RestoreOptions restoreOptions = RestoreOptions.all();
        private List<String> trainableScopes = List.of();
        private List<String> freezeScopes = List.of();
        private FrozenBatchNorm frozenBatchNorm = Defaults.FROZEN_BATCH_NORM_DEFAULT;
        private Float batchNormDecay;
        private OptimizerType optimizer = Defaults.OPTIMIZER_DEFAULT;
        private Optimizer.Params optimizerParams = Optimizer.Params.slimDefaults();
        private float learningRate = Defaults.LEARNING_RATE_DEFAULT;
        private LearningRateDecayType learningRateDecayType = Defaults.LEARNING_RATE_DECAY_TYPE_DEFAULT;
        private float learningRateDecayFactor = Defaults.LEARNING_RATE_DECAY_FACTOR_DEFAULT;
        private float numEpochsPerDecay = Defaults.NUM_EPOCHS_PER_DECAY_DEFAULT;
        private float endLearningRate = Defaults.END_LEARNING_RATE_DEFAULT;
        private long warmupSteps = Defaults.WARMUP_STEPS_DEFAULT;
        private float weightDecay = Defaults.WEIGHT_DECAY_DEFAULT;
        private float labelSmoothing = Defaults.LABEL_SMOOTHING_DEFAULT;
        private int batchSize = Defaults.BATCH_SIZE_DEFAULT;
        private Long maxNumberOfSteps;
        private Double epochs;
        private Long saveEverySteps;
        private int saveIntervalSecs = Defaults.SAVE_INTERVAL_SECS_DEFAULT;
        private int saveSummariesSecs = Defaults.SAVE_SUMMARIES_SECS_DEFAULT;
        private int logEveryNSteps = Defaults.LOG_EVERY_N_STEPS_DEFAULT;
        private int validationEvery = Defaults.VALIDATION_EVERY_DEFAULT;
        private StepRange profileSteps;
        private boolean checkNumerics;
        private int keepCheckpoints = Defaults.KEEP_CHECKPOINTS_DEFAULT;
        private boolean cacheFeatures;
        private Replicas replicas;
        private DatasetSource dataset;
        private boolean auxLogits = true;

        private Builder(Path datasetDir, Path trainDir) {
            this.datasetDir = datasetDir;
            this.trainDir = trainDir;
        }

        /**
         * The network: one of {@link Networks} (slim's nets_factory names) or any ResNet-v1
         * {@link jacktf.model.Architecture}. Unless set, the image size and the batch-norm decay follow it
         * (slim's {@code default_image_size} and its arg scope's decay).
         */
        public Builder model(NetworkType v) {
            this.model = v;
            return this;
        }

        public Builder head(Head v) {
            this.head = v;
            return this;
        }

        public Builder numClasses(Integer v) {
            this.numClasses = v;
            return this;
        }

        public Builder precision(Precision v) {
            this.precision = v;
            return this;
        }

        /** The crop size; null (the default) is the network's {@code default_image_size}. */
        public Builder imageSize(Integer v) {
            this.imageSize = v;
            return this;
        }

        /**
         * slim's preprocessing function ({@code --preprocessing_name}): vgg or inception; null (the default) is
         * the network's zoo convention ({@link #defaultPreprocessing}: inception for the Inceptions, MobileNet and
         * ResNet-v2, vgg for ResNet-v1 and VGG). The train dir records it, so eval, predict, extract, export and
         * serve apply it too.
         */
        public Builder preprocessing(Preprocessing v) {
            this.preprocessing = v;
            return this;
        }

        public Builder validationSplit(double v) {
            this.validationSplit = v;
            return this;
        }

        public Builder seed(long v) {
            this.seed = v;
            return this;
        }

        public Builder checkpointPath(Path v) {
            this.checkpointPath = v;
            return this;
        }

        /**
         * What to take from {@link #checkpointPath}. Options without {@link RestoreOptions#headScopes()} get the
         * network's ({@link Network#headScopes()}): with no exclude scope given, a checkpoint whose logits have
         * other classes than the model's restores all but the head, as {@code jacktf train} and
         * {@code restore-plan} do.
         */
        public Builder restoreOptions(RestoreOptions v) {
            this.restoreOptions = v;
            return this;
        }

        public Builder trainableScopes(List<String> v) {
            this.trainableScopes = List.copyOf(v);
            return this;
        }

        public Builder freezeScopes(List<String> v) {
            this.freezeScopes = List.copyOf(v);
            return this;
        }

        public Builder frozenBatchNorm(FrozenBatchNorm v) {
            this.frozenBatchNorm = v;
            return this;
        }

        /** The moving averages' decay; null (the default) is the network's arg scope's. */
        public Builder batchNormDecay(Float v) {
            this.batchNormDecay = v;
            return this;
        }

        public Builder optimizer(OptimizerType v) {
            this.optimizer = v;
            return this;
        }

        public Builder optimizerParams(Optimizer.Params v) {
            this.optimizerParams = v;
            return this;
        }

        public Builder learningRate(float v) {
            this.learningRate = v;
            return this;
        }

        public Builder learningRateDecayType(LearningRateDecayType v) {
            this.learningRateDecayType = v;
            return this;
        }

        public Builder learningRateDecayFactor(float v) {
            this.learningRateDecayFactor = v;
            return this;
        }

        public Builder numEpochsPerDecay(float v) {
            this.numEpochsPerDecay = v;
            return this;
        }

        public Builder endLearningRate(float v) {
            this.endLearningRate = v;
            return this;
        }

        public Builder warmupSteps(long v) {
            this.warmupSteps = v;
            return this;
        }

        public Builder weightDecay(float v) {
            this.weightDecay = v;
            return this;
        }

        public Builder labelSmoothing(float v) {
            this.labelSmoothing = v;
            return this;
        }

        public Builder batchSize(int v) {
            this.batchSize = v;
            return this;
        }

        public Builder maxNumberOfSteps(Long v) {
            this.maxNumberOfSteps = v;
            return this;
        }

        public Builder epochs(Double v) {
            this.epochs = v;
            return this;
        }

        public Builder saveEverySteps(Long v) {
            this.saveEverySteps = v;
            return this;
        }

        public Builder saveIntervalSecs(int v) {
            this.saveIntervalSecs = v;
            return this;
        }

        public Builder saveSummariesSecs(int v) {
            this.saveSummariesSecs = v;
            return this;
        }

        public Builder logEveryNSteps(int v) {
            this.logEveryNSteps = v;
            return this;
        }

        public Builder validationEvery(int v) {
            this.validationEvery = v;
            return this;
        }

        public Builder keepCheckpoints(int v) {
            this.keepCheckpoints = v;
            return this;
        }

        public Builder cacheFeatures(boolean v) {
            this.cacheFeatures = v;
            return this;
        }
        /** Train as one worker of a cluster; null (the default) trains in this process alone. */
        public Builder replicas(Replicas v) {
            this.replicas = v;
            return this;
        }
        /**
         * Traces these global steps with TF's step statistics and writes where their time went (by op
         * type, and a Chrome trace) to the train dir's {@code profile/}; null (the default) traces none.
         */
        /**
         * Checks every float output of the training step for Inf/NaN, as {@code tf.debugging.enable_check_numerics}
         * does, and names the first op, its scope and the step that produced one ({@link NonFiniteValueException}).
         */
        public Builder checkNumerics(boolean v) {
            this.checkNumerics = v;
            return this;
        }

        public Builder profileSteps(StepRange v) {
            this.profileSteps = v;
            return this;
        }

        /**
         * Whether the Inceptions build and train {@code AuxLogits} (default true, as slim; their variables'
         * shapes depend on the image size, so a zoo checkpoint's restore only at 299).
         */
        public Builder auxLogits(boolean v) {
            this.auxLogits = v;
            return this;
        }

        /** Where the images come from, instead of {@code datasetDir} (which may then be null). */
        public Builder dataset(DatasetSource v) {
            this.dataset = v;
            return this;
        }

        /** {@link #withHeadDefault} for this builder's network (null stays null, for the check to name the field). */
        private RestoreOptions withNetworksHead(RestoreOptions options) {
            if (options == null || model == null) {
                return options;
            }
            return withHeadDefault(
                    options,
                    model.build(NetworkOptions.defaults()
                            .withNumClasses(1)
                            .withHead(head == null ? Head.SLIM : head)
                            .withAuxLogits(auxLogits)));
        }

        /**
         * The configuration, checked.
         *
         * @throws ConfigException naming the first field out of range
         */
        public TrainConfig build() {
            return new TrainConfig(
                    datasetDir,
                    trainDir,
                    model,
                    head,
                    numClasses,
                    precision,
                    imageSize != null
                            ? imageSize
                            : model == null ? Defaults.IMAGE_SIZE_DEFAULT : model.defaultImageSize(),
                    preprocessing != null ? preprocessing : defaultPreprocessing(model),
                    validationSplit,
                    seed,
                    checkpointPath,
                    withNetworksHead(restoreOptions),
                    trainableScopes,
                    freezeScopes,
                    frozenBatchNorm,
                    batchNormDecay != null
                            ? batchNormDecay
                            : model == null
                                    ? Defaults.BATCH_NORM_DECAY_DEFAULT
                                    : model.build(NetworkOptions.defaults()).batchNormDecay(),
                    optimizer,
                    optimizerParams,
                    learningRate,
                    learningRateDecayType,
                    learningRateDecayFactor,
                    numEpochsPerDecay,
                    endLearningRate,
                    warmupSteps,
                    weightDecay,
                    labelSmoothing,
                    batchSize,
                    maxNumberOfSteps,
                    epochs,
                    saveEverySteps,
                    saveIntervalSecs,
                    saveSummariesSecs,
                    logEveryNSteps,
                    validationEvery,
                    keepCheckpoints,
                    cacheFeatures,
                    replicas,
                    dataset,
                    profileSteps,
                    auxLogits,
                    checkNumerics);
        }
    }
}
