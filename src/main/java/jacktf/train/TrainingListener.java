package jacktf.train;

import jacktf.runtime.StepProfile;
import jacktf.traindir.TrainingPlan;
import java.nio.file.Path;
import java.util.List;

/** Callbacks of a training run, on the training thread; keep them quick. */
public interface TrainingListener {
    /** The run is set up: what trains, where it starts, what was skipped. */
    default void onStart(TrainingPlan plan) {}

    /** A step finished. */
    default void onStep(StepEvent event) {}

    /** {@code cacheFeatures}: the backbone ran once over {@code images} in {@code seconds}. */
    default void onFeaturesCached(int images, double seconds) {}

    /** The job passed into epoch {@code epoch} with the step {@code last}. */
    default void onEpoch(long epoch, StepEvent last) {}

    /** A checkpoint was written (by the chief). */
    default void onCheckpoint(Path checkpoint, long step) {}

    /** The validation split was evaluated (by the chief). */
    default void onValidation(ValidationResult result) {}

    /** Files of an epoch that failed to decode and were skipped. */
    default void onSkippedImages(long epoch, List<String> files) {}

    /** The run ended without an exception. */
    default void onEnd(TrainResult result) {}

    /** The profiled steps' op-type table and Chrome trace were written to {@code dir}. */
    default void onProfile(StepProfile profile, Path dir) {}
}
