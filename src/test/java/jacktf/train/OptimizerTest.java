package jacktf.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jacktf.checkpoint.CheckpointVariable;
import jacktf.config.ConfigException;
import jacktf.config.OptimizerType;
import jacktf.model.ModelGraph;
import jacktf.model.ModelVariable;
import jacktf.model.VariableRole;
import jacktf.runtime.Sessions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Each optimizer against TF1's update rule (the kernels of training_ops.cc, as documented for
 * tf.raw_ops.Apply*), computed here by hand in doubles: one 3-element variable, a constant
 * gradient, two steps, slim's defaults, then the variable and every slot and non-slot variable by
 * the name TF1 gives it.
 *
 * <p>Hyperparameters enter the hand computation as the float32 values TF sees ({@code (double) 0.9f}),
 * and Adam's beta powers are rounded to float32 after each step as TF1 stores them in float32
 * variables: {@code 1 - beta2^t} would otherwise differ by 1e-5 relative from float32 rounding alone.
 */
@Tag("numerics")
class OptimizerTest {
    private static final double[] VAR = {1.0, 2.0, -3.0};
    private static final double[] GRAD = {0.1, -0.2, 0.3};
    private static final float LR = 0.01f;
    private static final Optimizer.Params SLIM = Optimizer.Params.slimDefaults();

    /** Runs two steps of {@code type} and returns every variable the optimizer touches, by name. */
    private static Map<String, double[]> twoSteps(OptimizerType type) {
        try (Graph g = new Graph()) {
            ModelGraph mg = ModelGraph.local(g);
            float[] initial = floats(VAR);
            ModelVariable v = mg.variables()
                    .getOrCreate("net", "w", Shape.of(3), VariableRole.WEIGHTS, init -> init.ops()
                            .constant(initial));
            Ops tf = mg.ops("");
            Optimizer optimizer = Optimizer.create(type, SLIM);
            List<Op> updates = optimizer.applyGradients(
                    mg, List.of(new Optimizer.GradientAndVariable(v, tf.constant(floats(GRAD)))), tf.constant(LR));
            Op init = mg.initializer();
            List<String> names = new ArrayList<>(List.of("net/w"));
            for (CheckpointVariable state : optimizer.state()) {
                names.add(state.name());
            }
            try (Session s = Sessions.open(g)) {
                s.runner().addTarget(init).run();
                for (int step = 0; step < 2; step++) {
                    Session.Runner run = s.runner();
                    updates.forEach(run::addTarget);
                    run.run();
                }
                Map<String, double[]> values = new LinkedHashMap<>();
                for (String name : names) {
                    try (Result r = s.runner().fetch(name).run()) {
                        TFloat32 t = (TFloat32) r.get(0);
                        float[] out = new float[(int) t.shape().size()];
                        t.copyTo(DataBuffers.of(out));
                        double[] d = new double[out.length];
                        for (int i = 0; i < out.length; i++) {
                            d[i] = out[i];
                        }
                        values.put(name, d);
                    }
                }
                return values;
            }
        }
    }

    private static float[] floats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    private static double[] fill(double value) {
        return new double[] {value, value, value};
    }

    /** The values after two steps of a rule that updates element {@code i} of every array in place. */
    private interface Rule {
        void step(int i, double[] var, double[]... slots);
    }

    private static Map<String, double[]> byHand(Map<String, double[]> start, Rule rule) {
        Map<String, double[]> state = new LinkedHashMap<>();
        start.forEach((k, val) -> state.put(k, val.clone()));
        List<double[]> arrays = new ArrayList<>(state.values());
        double[] var = arrays.get(0);
        double[][] slots = arrays.subList(1, arrays.size()).toArray(double[][]::new);
        for (int step = 0; step < 2; step++) {
            for (int i = 0; i < var.length; i++) {
                rule.step(i, var, slots);
            }
        }
        return state;
    }

    private static void assertMatches(Map<String, double[]> expected, Map<String, double[]> actual) {
        assertEquals(new TreeSet<>(expected.keySet()), new TreeSet<>(actual.keySet()), "variables by TF1's names");
        expected.forEach((name, e) -> {
            double[] a = actual.get(name);
            assertEquals(e.length, a.length, name);
            for (int i = 0; i < e.length; i++) {
                double tolerance = Math.max(1e-6 * Math.abs(e[i]), 1e-9);
                assertTrue(
                        Math.abs(a[i] - e[i]) <= tolerance, name + "[" + i + "]: expected " + e[i] + ", got " + a[i]);
            }
        });
    }

    private static Map<String, double[]> start(Object... nameThenValues) {
        Map<String, double[]> m = new LinkedHashMap<>();
        m.put("net/w", VAR.clone());
        for (int i = 0; i < nameThenValues.length; i += 2) {
            m.put((String) nameThenValues[i], (double[]) nameThenValues[i + 1]);
        }
        return m;
    }

    @Test
    void sgd() {
        // var -= lr * g
        Map<String, double[]> expected = byHand(start(), (i, var, s) -> var[i] -= LR * GRAD[i]);
        assertMatches(expected, twoSteps(OptimizerType.SGD));
    }

    @Test
    void momentum() {
        double mu = SLIM.momentum();
        // accum = accum * momentum + g; var -= lr * accum
        Map<String, double[]> expected = byHand(start("net/w/Momentum", fill(0)), (i, var, s) -> {
            s[0][i] = s[0][i] * mu + GRAD[i];
            var[i] -= LR * s[0][i];
        });
        assertMatches(expected, twoSteps(OptimizerType.MOMENTUM));
    }

    @Test
    void rmsPropStartsTheMeanSquareAtOne() {
        double rho = SLIM.rmspropDecay();
        double mu = SLIM.rmspropMomentum();
        double eps = SLIM.epsilon();
        // ms = rho * ms + (1 - rho) * g^2; mom = momentum * mom + lr * g / sqrt(ms + eps); var -= mom
        Map<String, double[]> expected =
                byHand(start("net/w/RMSProp", fill(1), "net/w/RMSProp_1", fill(0)), (i, var, s) -> {
                    s[0][i] = rho * s[0][i] + (1 - rho) * GRAD[i] * GRAD[i];
                    s[1][i] = mu * s[1][i] + LR * GRAD[i] / Math.sqrt(s[0][i] + eps);
                    var[i] -= s[1][i];
                });
        assertMatches(expected, twoSteps(OptimizerType.RMSPROP));
    }

    @Test
    void adamWithItsBetaPowers() {
        double b1 = SLIM.adamBeta1();
        double b2 = SLIM.adamBeta2();
        double eps = SLIM.epsilon();
        Map<String, double[]> expected = start(
                "net/w/Adam",
                fill(0),
                "net/w/Adam_1",
                fill(0),
                "beta1_power",
                new double[] {b1},
                "beta2_power",
                new double[] {b2});
        double[] var = expected.get("net/w");
        double[] m = expected.get("net/w/Adam");
        double[] v = expected.get("net/w/Adam_1");
        double[] b1Power = expected.get("beta1_power");
        double[] b2Power = expected.get("beta2_power");
        for (int step = 0; step < 2; step++) {
            // lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t); m, v moving averages; var -= lr_t * m / (sqrt(v) + eps)
            double lrT = LR * Math.sqrt(1 - b2Power[0]) / (1 - b1Power[0]);
            for (int i = 0; i < 3; i++) {
                m[i] = b1 * m[i] + (1 - b1) * GRAD[i];
                v[i] = b2 * v[i] + (1 - b2) * GRAD[i] * GRAD[i];
                var[i] -= lrT * m[i] / (Math.sqrt(v[i]) + eps);
            }
            b1Power[0] = (float) (b1Power[0] * b1);
            b2Power[0] = (float) (b2Power[0] * b2);
        }
        assertMatches(expected, twoSteps(OptimizerType.ADAM));
    }

    @Test
    void adagrad() {
        // accum += g^2; var -= lr * g / sqrt(accum)
        Map<String, double[]> expected =
                byHand(start("net/w/Adagrad", fill(SLIM.adagradInitialAccumulator())), (i, var, s) -> {
                    s[0][i] += GRAD[i] * GRAD[i];
                    var[i] -= LR * GRAD[i] / Math.sqrt(s[0][i]);
                });
        assertMatches(expected, twoSteps(OptimizerType.ADAGRAD));
    }

    @Test
    void adadelta() {
        double rho = SLIM.adadeltaRho();
        double eps = SLIM.epsilon();
        // accum = rho*accum + (1-rho)*g^2; update = sqrt(accum_update + eps) / sqrt(accum + eps) * g;
        // accum_update = rho*accum_update + (1-rho)*update^2; var -= lr * update
        Map<String, double[]> expected =
                byHand(start("net/w/Adadelta", fill(0), "net/w/Adadelta_1", fill(0)), (i, var, s) -> {
                    s[0][i] = rho * s[0][i] + (1 - rho) * GRAD[i] * GRAD[i];
                    double update = Math.sqrt(s[1][i] + eps) / Math.sqrt(s[0][i] + eps) * GRAD[i];
                    s[1][i] = rho * s[1][i] + (1 - rho) * update * update;
                    var[i] -= LR * update;
                });
        assertMatches(expected, twoSteps(OptimizerType.ADADELTA));
    }

    @Test
    void ftrl() {
        double power = SLIM.ftrlLearningRatePower();
        double l1 = SLIM.ftrlL1();
        double l2 = SLIM.ftrlL2();
        // accum_new = accum + g^2; linear += g - (accum_new^-p - accum^-p) / lr * var;
        // quadratic = accum_new^-p / lr + 2*l2; var = |linear| > l1 ? (sign(linear)*l1 - linear) / quadratic : 0
        Map<String, double[]> expected = byHand(
                start("net/w/Ftrl", fill(SLIM.ftrlInitialAccumulator()), "net/w/Ftrl_1", fill(0)), (i, var, s) -> {
                    double accum = s[0][i];
                    double accumNew = accum + GRAD[i] * GRAD[i];
                    s[1][i] += GRAD[i] - (Math.pow(accumNew, -power) - Math.pow(accum, -power)) / LR * var[i];
                    double quadratic = Math.pow(accumNew, -power) / LR + 2 * l2;
                    double linear = s[1][i];
                    var[i] = Math.abs(linear) > l1 ? (Math.signum(linear) * l1 - linear) / quadratic : 0;
                    s[0][i] = accumNew;
                });
        assertMatches(expected, twoSteps(OptimizerType.FTRL));
    }

    @Test
    void slimsDefaults() {
        // train_image_classifier.py's flags
        assertEquals(
                new Optimizer.Params(0.9f, 0.9f, 0.9f, 1.0f, 0.9f, 0.999f, 0.1f, 0.95f, -0.5f, 0.1f, 0f, 0f), SLIM);
    }

    @Test
    void paramsOutOfRangeNameTheField() {
        ConfigException e = assertThrows(ConfigException.class, () -> SLIM.withEpsilon(0f));
        assertEquals("epsilon must be a finite number > 0. Received: 0.0", e.getMessage());
    }
}
