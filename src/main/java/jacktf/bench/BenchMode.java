package jacktf.bench;

import jacktf.config.JacktfException;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Supplier;

/** What {@code jacktf bench MODE} measures, each mode with its measurement. */
public enum BenchMode {
    /** A full training step (forward, gradients, momentum update) of every trainable variable. */
    TRAIN(() -> new TrainStepMeasurement(TrainStepMeasurement.Trained.ALL)),
    /** A training step of the logits layer only, batch norm in inference mode. */
    HEAD(() -> new TrainStepMeasurement(TrainStepMeasurement.Trained.HEAD)),
    /** The forward pass to the predictions. */
    INFER(InferMeasurement::new),
    /** The JPEG input pipeline on photo-sized images. */
    PIPELINE(PipelineMeasurement::new),
    /** Graph build plus a full checkpoint restore. */
    RESTORE(RestoreMeasurement::new),
    /** A SavedModel through the {@code Classifier} API. */
    SERVE(ServeMeasurement::new),
    /** The REST server under concurrent clients. */
    HTTP(HttpMeasurement::new),
    /** The gRPC PredictionService under concurrent clients. */
    GRPC(GrpcMeasurement::new),
    /** The REST server well above its limits: admitted latency and time to refuse. */
    OVERLOAD(OverloadMeasurement::new),
    /** The machine's MatMul peak alone. */
    PEAK(PeakMeasurement::new);

    private final Supplier<Measurement> measurement;

    BenchMode(Supplier<Measurement> measurement) {
        this.measurement = measurement;
    }

    /** The name on the command line and in results: {@code train}, {@code head}, ... */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** A new measurement of this mode. */
    Measurement measurement() {
        return measurement.get();
    }

    /** The mode of a command-line name; an unknown one is refused with the valid names. */
    public static BenchMode byName(String name) {
        for (BenchMode mode : values()) {
            if (mode.label().equals(name)) {
                return mode;
            }
        }
        throw new JacktfException("Unknown mode '" + name + "'. Valid: "
                + String.join(
                        ", ", Arrays.stream(values()).map(BenchMode::label).toList()));
    }
}
