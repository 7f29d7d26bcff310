package jacktf.train;

import java.nio.file.Path;
import jacktf.traindir.TrainingPlan;

/** Callbacks of a training run, on the training thread; keep them quick. */
public interface TrainingListener {
  default void onStart(TrainingPlan plan) {}

  default void onStep(StepEvent event) {}

  /** {@code --cache-features}: the backbone ran once over {@code images} in {@code seconds}. */
  default void onFeaturesCached(int images, double seconds) {}

  default void onEpoch(long epoch, StepEvent last) {}

  default void onCheckpoint(Path checkpoint, long step) {}

  default void onValidation(ValidationResult result) {}

  /** Files of an epoch that failed to decode and were skipped. */
  default void onSkippedImages(long epoch, java.util.List<String> files) {}

  default void onEnd(TrainResult result) {}
}
