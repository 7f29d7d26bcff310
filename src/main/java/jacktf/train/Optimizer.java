package jacktf.train;

import jacktf.checkpoint.CheckpointVariable;
import jacktf.config.ConfigException;
import jacktf.config.Defaults;
import jacktf.config.OptimizerType;
import jacktf.model.ModelGraph;
import jacktf.model.ModelVariable;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;

/**
 * slim's optimizers on TF's raw apply ops, with slots named as TF1 names them
 * ({@code <var>/Momentum}, {@code <var>/RMSProp}, {@code <var>/Adam}, {@code <var>/Adam_1}, ...),
 * so checkpoints carry optimizer state the way TF1 checkpoints do, and the learning rate is a
 * tensor computed by the schedule.
 */
public abstract class Optimizer {
    /**
     * slim's optimizer flags ({@code --momentum}, {@code --rmsprop_decay}, {@code --opt_epsilon},
     * ...), checked as TF1's optimizers check them: a value out of range throws a
     * {@link ConfigException} naming it.
     */
    public record Params(
            float momentum,
            float rmspropDecay,
            float rmspropMomentum,
            float epsilon,
            float adamBeta1,
            float adamBeta2,
            float adagradInitialAccumulator,
            float adadeltaRho,
            float ftrlLearningRatePower,
            float ftrlInitialAccumulator,
            float ftrlL1,
            float ftrlL2) {
        public Params {
            check("momentum", momentum >= 0 && Float.isFinite(momentum), "a finite number >= 0", momentum);
            check("rmspropDecay", rmspropDecay >= 0 && rmspropDecay <= 1, "in [0, 1]", rmspropDecay);
            check(
                    "rmspropMomentum",
                    rmspropMomentum >= 0 && Float.isFinite(rmspropMomentum),
                    "a finite number >= 0",
                    rmspropMomentum);
            check("epsilon", epsilon > 0 && Float.isFinite(epsilon), "a finite number > 0", epsilon);
            check("adamBeta1", adamBeta1 >= 0 && adamBeta1 < 1, "in [0, 1)", adamBeta1);
            check("adamBeta2", adamBeta2 >= 0 && adamBeta2 < 1, "in [0, 1)", adamBeta2);
            check(
                    "adagradInitialAccumulator",
                    adagradInitialAccumulator > 0 && Float.isFinite(adagradInitialAccumulator),
                    "a finite number > 0",
                    adagradInitialAccumulator);
            check("adadeltaRho", adadeltaRho >= 0 && adadeltaRho <= 1, "in [0, 1]", adadeltaRho);
            check("ftrlLearningRatePower", ftrlLearningRatePower <= 0, "<= 0", ftrlLearningRatePower);
            check(
                    "ftrlInitialAccumulator",
                    ftrlInitialAccumulator >= 0 && Float.isFinite(ftrlInitialAccumulator),
                    "a finite number >= 0",
                    ftrlInitialAccumulator);
            check("ftrlL1", ftrlL1 >= 0 && Float.isFinite(ftrlL1), "a finite number >= 0", ftrlL1);
            check("ftrlL2", ftrlL2 >= 0 && Float.isFinite(ftrlL2), "a finite number >= 0", ftrlL2);
        }

        private static void check(String field, boolean valid, String expected, float received) {
            if (!valid) {
                throw new ConfigException(field, expected, received);
            }
        }

        /** slim's defaults for every optimizer ({@link Defaults}). */
        public static Params slimDefaults() {
            return new Params(
                    Defaults.MOMENTUM_DEFAULT,
                    Defaults.RMSPROP_DECAY_DEFAULT,
                    Defaults.RMSPROP_MOMENTUM_DEFAULT,
                    Defaults.OPT_EPSILON_DEFAULT,
                    Defaults.ADAM_BETA1_DEFAULT,
                    Defaults.ADAM_BETA2_DEFAULT,
                    Defaults.ADAGRAD_INITIAL_ACCUMULATOR_DEFAULT,
                    Defaults.ADADELTA_RHO_DEFAULT,
                    Defaults.FTRL_LEARNING_RATE_POWER_DEFAULT,
                    Defaults.FTRL_INITIAL_ACCUMULATOR_DEFAULT,
                    Defaults.FTRL_L1_DEFAULT,
                    Defaults.FTRL_L2_DEFAULT);
        }

        /** slim's {@code --opt_epsilon} (adam, rmsprop, adadelta). */
        public Params withEpsilon(float v) {
            return new Params(
                    momentum,
                    rmspropDecay,
                    rmspropMomentum,
                    v,
                    adamBeta1,
                    adamBeta2,
                    adagradInitialAccumulator,
                    adadeltaRho,
                    ftrlLearningRatePower,
                    ftrlInitialAccumulator,
                    ftrlL1,
                    ftrlL2);
        }

        /** slim's {@code --momentum}, which momentum and rmsprop share. */
        public Params withMomentum(float v) {
            return new Params(
                    v,
                    rmspropDecay,
                    v,
                    epsilon,
                    adamBeta1,
                    adamBeta2,
                    adagradInitialAccumulator,
                    adadeltaRho,
                    ftrlLearningRatePower,
                    ftrlInitialAccumulator,
                    ftrlL1,
                    ftrlL2);
        }
    }

    /** A trainable variable and its gradient. */
    public record GradientAndVariable(ModelVariable variable, Operand<TFloat32> gradient) {}

    private final String slotPrefix;
    protected final Params params;
    private final List<CheckpointVariable> state = new ArrayList<>();
    protected ModelGraph graph;
    protected Ops ops;

    protected Optimizer(String slotPrefix, Params params) {
        this.slotPrefix = slotPrefix;
        this.params = params;
    }

    /** The optimizer of {@code type} with {@code params}' settings. */
    public static Optimizer create(OptimizerType type, Params params) {
        return switch (type) {
            case SGD -> new Sgd(params);
            case MOMENTUM -> new Momentum(params);
            case RMSPROP -> new RmsProp(params);
            case ADAM -> new Adam(params);
            case ADAGRAD -> new Adagrad(params);
            case ADADELTA -> new Adadelta(params);
            case FTRL -> new Ftrl(params);
        };
    }

    /** The apply ops for every variable; they read gradients of the same step. */
    public final List<Op> applyGradients(ModelGraph graph, List<GradientAndVariable> gradients, Operand<TFloat32> lr) {
        this.graph = graph;
        this.ops = graph.ops(slotPrefix);
        List<Op> updates = new ArrayList<>();
        for (GradientAndVariable gv : gradients) {
            updates.add(apply(gv.variable(), gv.gradient(), lr));
        }
        return finish(updates);
    }

    /** Optimizer state to save and restore with the model (slots and non-slot variables). */
    public List<CheckpointVariable> state() {
        return List.copyOf(state);
    }

    protected abstract Op apply(ModelVariable v, Operand<TFloat32> gradient, Operand<TFloat32> lr);

    /** Hook for ops that run once per step after all updates (Adam's beta powers). */
    protected List<Op> finish(List<Op> updates) {
        return updates;
    }

    protected Variable<TFloat32> slot(ModelVariable v, String suffix, float initial) {
        return stateVariable(v.name() + "/" + slotPrefix + suffix, v.shape(), initial);
    }

    protected Variable<TFloat32> stateVariable(String name, Shape shape, float initial) {
        Variable<TFloat32> variable = graph.variables()
                .createState(
                        name,
                        shape,
                        TFloat32.class,
                        slotPrefix,
                        init -> init.fill(init.constant(shape.asArray()), init.constant(initial)));
        state.add(new CheckpointVariable(name, shape, DataType.DT_FLOAT, variable));
        return variable;
    }

    protected Operand<TFloat32> constant(float value) {
        return ops.constant(value);
    }

    static final class Sgd extends Optimizer {
        Sgd(Params p) {
            super("GradientDescent", p);
        }

        @Override
        protected Op apply(ModelVariable v, Operand<TFloat32> g, Operand<TFloat32> lr) {
            return ops.train.applyGradientDescent(v.variable(), lr, g);
        }
    }

    static final class Momentum extends Optimizer {
        Momentum(Params p) {
            super("Momentum", p);
        }

        @Override
        protected Op apply(ModelVariable v, Operand<TFloat32> g, Operand<TFloat32> lr) {
            return ops.train.applyMomentum(v.variable(), slot(v, "", 0f), lr, g, constant(params.momentum()));
        }
    }

    static final class RmsProp extends Optimizer {
        RmsProp(Params p) {
            super("RMSProp", p);
        }

        @Override
        protected Op apply(ModelVariable v, Operand<TFloat32> g, Operand<TFloat32> lr) {
            // TF1 starts the mean square at ones
            return ops.train.applyRmsProp(
                    v.variable(),
                    slot(v, "", 1f),
                    slot(v, "_1", 0f),
                    lr,
                    constant(params.rmspropDecay()),
                    constant(params.rmspropMomentum()),
                    constant(params.epsilon()),
                    g);
        }
    }

    static final class Adam extends Optimizer {
        private Variable<TFloat32> beta1Power;
        private Variable<TFloat32> beta2Power;

        Adam(Params p) {
            super("Adam", p);
        }

        @Override
        protected Op apply(ModelVariable v, Operand<TFloat32> g, Operand<TFloat32> lr) {
            if (beta1Power == null) {
                beta1Power = stateVariable("beta1_power", Shape.scalar(), params.adamBeta1());
                beta2Power = stateVariable("beta2_power", Shape.scalar(), params.adamBeta2());
            }
            return ops.train.applyAdam(
                    v.variable(),
                    slot(v, "", 0f),
                    slot(v, "_1", 0f),
                    beta1Power,
                    beta2Power,
                    lr,
                    constant(params.adamBeta1()),
                    constant(params.adamBeta2()),
                    constant(params.epsilon()),
                    g);
        }

        @Override
        protected List<Op> finish(List<Op> updates) {
            if (beta1Power == null) {
                return updates;
            }
            // The powers advance only after every variable used this step's values.
            Ops after = ops.withControlDependencies(updates);
            List<Op> all = new ArrayList<>(updates);
            all.add(after.assign(beta1Power, after.math.mul(after.identity(beta1Power), constant(params.adamBeta1()))));
            all.add(after.assign(beta2Power, after.math.mul(after.identity(beta2Power), constant(params.adamBeta2()))));
            return all;
        }
    }

    static final class Adagrad extends Optimizer {
        Adagrad(Params p) {
            super("Adagrad", p);
        }

        @Override
        protected Op apply(ModelVariable v, Operand<TFloat32> g, Operand<TFloat32> lr) {
            return ops.train.applyAdagrad(v.variable(), slot(v, "", params.adagradInitialAccumulator()), lr, g);
        }
    }

    static final class Adadelta extends Optimizer {
        Adadelta(Params p) {
            super("Adadelta", p);
        }

        @Override
        protected Op apply(ModelVariable v, Operand<TFloat32> g, Operand<TFloat32> lr) {
            return ops.train.applyAdadelta(
                    v.variable(),
                    slot(v, "", 0f),
                    slot(v, "_1", 0f),
                    lr,
                    constant(params.adadeltaRho()),
                    constant(params.epsilon()),
                    g);
        }
    }

    static final class Ftrl extends Optimizer {
        Ftrl(Params p) {
            super("Ftrl", p);
        }

        @Override
        protected Op apply(ModelVariable v, Operand<TFloat32> g, Operand<TFloat32> lr) {
            return ops.train.applyFtrl(
                    v.variable(),
                    slot(v, "", params.ftrlInitialAccumulator()),
                    slot(v, "_1", 0f),
                    g,
                    lr,
                    constant(params.ftrlL1()),
                    constant(params.ftrlL2()),
                    constant(0f),
                    constant(params.ftrlLearningRatePower()));
        }
    }
}
