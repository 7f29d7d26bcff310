package jacktf.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** Sets and reads model variables in tests. */
public final class TestVariables {
    private TestVariables() {}

    /** Random values for every variable (variances positive); returns them by name. */
    public static Map<String, float[]> randomize(Session session, ModelGraph mg, long seed) {
        Random random = new Random(seed);
        Map<String, float[]> values = new HashMap<>();
        List<Op> assigns = new ArrayList<>();
        Ops tf = mg.ops("test_values");
        for (ModelVariable v : mg.variables().variables()) {
            float[] data = new float[(int) v.shape().size()];
            for (int i = 0; i < data.length; i++) {
                data[i] = v.role() == VariableRole.BN_MOVING_VARIANCE
                        ? 0.5f + random.nextFloat()
                        : (float) random.nextGaussian() * 0.5f;
            }
            values.put(v.name(), data);
            assigns.add(tf.assign(v.variable(), tf.constant(v.shape(), DataBuffers.of(data))));
        }
        session.run(tf.withControlDependencies(assigns).noOp());
        return values;
    }

    /** Every variable's current value by name. */
    public static Map<String, float[]> snapshot(Session session, ModelGraph mg) {
        List<ModelVariable> vars = mg.variables().variables();
        Session.Runner runner = session.runner();
        vars.forEach(v -> runner.fetch(v.variable()));
        Map<String, float[]> values = new HashMap<>();
        try (Result result = runner.run()) {
            for (int i = 0; i < vars.size(); i++) {
                values.put(vars.get(i).name(), toArray((TFloat32) result.get(i)));
            }
        }
        return values;
    }

    public static float[] toArray(Tensor t) {
        TFloat32 f = (TFloat32) t;
        float[] out = new float[(int) f.shape().size()];
        f.copyTo(DataBuffers.of(out));
        return out;
    }
}
