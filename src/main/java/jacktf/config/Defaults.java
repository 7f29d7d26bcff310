package jacktf.config;

/**
 * The defaults of training, in one place: slim's {@code train_image_classifier.py} flags (and its
 * {@code resnet_arg_scope}) unless a line says otherwise. {@code TrainConfig.Builder},
 * {@code Optimizer.Params}, {@code ResNetV1}, {@code ModelGraph} and the CLI's options (and so
 * {@code --help}) all read these.
 */
public final class Defaults {
    private Defaults() {}

    // The network

    /** Crop size of training images: slim's {@code resnet_v1.default_image_size} ({@code --train_image_size None}). */
    public static final int IMAGE_SIZE_DEFAULT = 224;
    /**
     * How images become the network's input when the network has no entry in slim's zoo table
     * ({@code checkpoint.ZooCheckpoint}; e.g. a custom ResNet-v1 {@code Architecture}): vgg, as slim's
     * {@code preprocessing_factory} picks for resnet_v1. A zoo network's default is its entry's
     * ({@code train.TrainConfig.defaultPreprocessing}): inception for the Inceptions, MobileNet and ResNet-v2
     * (slim's README footnote), vgg for ResNet-v1 and VGG ({@code --preprocessing_name None} falls back to the
     * model's).
     */
    public static final Preprocessing PREPROCESSING_DEFAULT = Preprocessing.VGG;
    /** Moving-average decay of batch norm: slim's {@code resnet_arg_scope(batch_norm_decay=0.997)}. */
    public static final float BATCH_NORM_DECAY_DEFAULT = 0.997f;
    /** Batch norm of frozen layers: jacktf's choice (slim has one {@code is_training} for all layers). */
    public static final FrozenBatchNorm FROZEN_BATCH_NORM_DEFAULT = FrozenBatchNorm.INFERENCE;
    /** Seed of initial values and shuffling: jacktf's ({@code --seed}; slim leaves TF's graph seed unset). */
    public static final long SEED_DEFAULT = 42;

    // Loss

    /** L2 on trainable weights: slim's {@code --weight_decay 0.00004}. */
    public static final float WEIGHT_DECAY_DEFAULT = 0.00004f;
    /** slim's {@code --label_smoothing 0.0}. */
    public static final float LABEL_SMOOTHING_DEFAULT = 0f;

    // Optimizer

    /** slim's {@code --optimizer rmsprop}. */
    public static final OptimizerType OPTIMIZER_DEFAULT = OptimizerType.RMSPROP;
    /** slim's {@code --momentum 0.9} (the momentum optimizer). */
    public static final float MOMENTUM_DEFAULT = 0.9f;
    /** slim's {@code --rmsprop_momentum 0.9}. */
    public static final float RMSPROP_MOMENTUM_DEFAULT = 0.9f;
    /** slim's {@code --rmsprop_decay 0.9}. */
    public static final float RMSPROP_DECAY_DEFAULT = 0.9f;
    /** slim's {@code --opt_epsilon 1.0} (adam, rmsprop, adadelta). */
    public static final float OPT_EPSILON_DEFAULT = 1.0f;
    /** slim's {@code --adam_beta1 0.9}. */
    public static final float ADAM_BETA1_DEFAULT = 0.9f;
    /** slim's {@code --adam_beta2 0.999}. */
    public static final float ADAM_BETA2_DEFAULT = 0.999f;
    /** slim's {@code --adagrad_initial_accumulator_value 0.1}. */
    public static final float ADAGRAD_INITIAL_ACCUMULATOR_DEFAULT = 0.1f;
    /** slim's {@code --adadelta_rho 0.95}. */
    public static final float ADADELTA_RHO_DEFAULT = 0.95f;
    /** slim's {@code --ftrl_learning_rate_power -0.5}. */
    public static final float FTRL_LEARNING_RATE_POWER_DEFAULT = -0.5f;
    /** slim's {@code --ftrl_initial_accumulator_value 0.1}. */
    public static final float FTRL_INITIAL_ACCUMULATOR_DEFAULT = 0.1f;
    /** slim's {@code --ftrl_l1 0.0}. */
    public static final float FTRL_L1_DEFAULT = 0f;
    /** slim's {@code --ftrl_l2 0.0}. */
    public static final float FTRL_L2_DEFAULT = 0f;

    // Learning rate

    /** slim's {@code --learning_rate 0.01}. */
    public static final float LEARNING_RATE_DEFAULT = 0.01f;
    /** slim's {@code --learning_rate_decay_type exponential}. */
    public static final LearningRateDecayType LEARNING_RATE_DECAY_TYPE_DEFAULT = LearningRateDecayType.EXPONENTIAL;
    /** slim's {@code --learning_rate_decay_factor 0.94}. */
    public static final float LEARNING_RATE_DECAY_FACTOR_DEFAULT = 0.94f;
    /** slim's {@code --num_epochs_per_decay 2.0}. */
    public static final float NUM_EPOCHS_PER_DECAY_DEFAULT = 2.0f;
    /** slim's {@code --end_learning_rate 0.0001} (polynomial; jacktf's cosine too). */
    public static final float END_LEARNING_RATE_DEFAULT = 0.0001f;
    /** Linear warm-up steps: none (slim has no warm-up). */
    public static final long WARMUP_STEPS_DEFAULT = 0;

    // The run

    /** slim's {@code --batch_size 32}. */
    public static final int BATCH_SIZE_DEFAULT = 32;
    /** Epochs when neither steps nor epochs are given: jacktf's (slim's {@code --max_number_of_steps None} runs on). */
    public static final double EPOCHS_DEFAULT = 10;
    /** Fraction held out per class when the dataset has no validation folder: none. */
    public static final double VALIDATION_SPLIT_DEFAULT = 0;
    /** Validate every so many steps: 0, only at the end (jacktf's; slim validates in eval_image_classifier.py). */
    public static final int VALIDATION_EVERY_DEFAULT = 0;

    // Logging and checkpoints

    /** slim's {@code --log_every_n_steps 10}. */
    public static final int LOG_EVERY_N_STEPS_DEFAULT = 10;
    /** slim's {@code --save_summaries_secs 600}. */
    public static final int SAVE_SUMMARIES_SECS_DEFAULT = 600;
    /** slim's {@code --save_interval_secs 600}. */
    public static final int SAVE_INTERVAL_SECS_DEFAULT = 600;
    /** Newest checkpoints kept: {@code tf.train.Saver(max_to_keep=5)}, which slim's training uses. */
    public static final int KEEP_CHECKPOINTS_DEFAULT = 5;
    /** How long a worker waits for the others before it stops with a message: jacktf's. */
    public static final int REPLICA_TIMEOUT_SECS_DEFAULT = 600;
}
