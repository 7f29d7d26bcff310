package jacktf.runtime;

import org.tensorflow.DeviceSpec;
import org.tensorflow.op.Ops;

/**
 * The one place that decides where ops run. Everything that builds graph ops asks this class
 * for its {@link Ops}, so GPU natives or TF's distributed runtime (variables on
 * {@code /job:ps}, compute on {@code /job:worker}) can later be introduced here alone.
 */
public final class Placement {
  private final DeviceSpec variables;
  private final DeviceSpec compute;

  private Placement(DeviceSpec variables, DeviceSpec compute) {
    this.variables = variables;
    this.compute = compute;
  }

  /** Soft placement on the local machine: TF picks CPU (or a GPU when the GPU natives are used). */
  public static Placement local() {
    return new Placement(null, null);
  }

  public static Placement of(DeviceSpec variables, DeviceSpec compute) {
    return new Placement(variables, compute);
  }

  public Ops forVariables(Ops ops) {
    return variables == null ? ops : ops.withDevice(variables);
  }

  public Ops forCompute(Ops ops) {
    return compute == null ? ops : ops.withDevice(compute);
  }
}
