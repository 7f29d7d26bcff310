package jacktf.runtime;

import java.util.HashMap;
import java.util.Map;
import org.tensorflow.DeviceSpec;
import org.tensorflow.op.Ops;

/**
 * The one place that decides where ops run. Locally TF picks (CPU, or a GPU when the GPU natives
 * are used). On a cluster only the variables are placed, on the ps tasks, each new one on the
 * least-loaded task by bytes (replica_device_setter's greedy strategy); an optimizer slot goes
 * with its variable. Every other op is left unplaced: the session's own worker runs it, and TF's
 * placer moves ops that update a variable (Assign, Apply*) next to that variable.
 */
public final class Placement {
    /** The job that holds the variables on a cluster, TF's {@code ps}. */
    public static final String PS_JOB = "ps";

    private final int psTasks;
    private final long[] psBytes;
    private final Map<String, Integer> taskOfVariable = new HashMap<>();

    private Placement(int psTasks) {
        this.psTasks = psTasks;
        this.psBytes = new long[psTasks];
    }

    public static Placement local() {
        return new Placement(0);
    }

    /** Variables spread over {@code psTasks} parameter servers. */
    public static Placement parameterServers(int psTasks) {
        if (psTasks < 1) {
            throw new IllegalArgumentException("need at least one ps task");
        }
        return new Placement(psTasks);
    }

    public boolean distributed() {
        return psTasks > 0;
    }

    /**
     * Where to create variable {@code fullName} of {@code bytes} bytes. A name under an existing
     * variable ({@code <var>/Momentum}) lands on that variable's task: apply ops need both together.
     */
    public Ops forVariable(Ops ops, String fullName, long bytes) {
        if (!distributed()) {
            return ops;
        }
        Integer task = null;
        for (String owner = fullName; task == null && owner.lastIndexOf('/') > 0; ) {
            owner = owner.substring(0, owner.lastIndexOf('/'));
            task = taskOfVariable.get(owner);
        }
        if (task == null) {
            task = 0;
            for (int i = 1; i < psTasks; i++) {
                if (psBytes[i] < psBytes[task]) {
                    task = i;
                }
            }
        }
        psBytes[task] += bytes;
        taskOfVariable.put(fullName, task);
        return ops.withDevice(psDevice(task));
    }

    /** Shared state that belongs to no variable (queues, accumulators, flags) on ps task {@code task}. */
    public Ops onParameterServer(Ops ops, int task) {
        return distributed() ? ops.withDevice(psDevice(task % psTasks)) : ops;
    }

    /** The ps task holding {@code fullName}, or -1 locally. */
    public int taskOf(String fullName) {
        return taskOfVariable.getOrDefault(fullName, -1);
    }

    /** Bytes of variables per ps task, for logs and benchmarks. */
    public long[] bytesPerTask() {
        return psBytes.clone();
    }

    public Ops forCompute(Ops ops) {
        return ops;
    }

    /** CPU 0 of ps task {@code task}. */
    public static DeviceSpec psDevice(int task) {
        return DeviceSpec.newBuilder()
                .job(PS_JOB)
                .task(task)
                .deviceType(DeviceSpec.DeviceType.CPU)
                .deviceIndex(0)
                .build();
    }
}
