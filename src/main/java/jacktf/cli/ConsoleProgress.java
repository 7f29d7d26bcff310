package jacktf.cli;

import jacktf.runtime.StepProfile;
import jacktf.train.StepEvent;
import jacktf.train.TrainResult;
import jacktf.train.TrainingListener;
import jacktf.train.ValidationResult;
import jacktf.traindir.TrainingPlan;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * What a person watching a run sees: the plan, a progress bar on a terminal (step, epoch, loss,
 * accuracy, img/s, ETA) and slim's log line every N steps.
 */
final class ConsoleProgress implements TrainingListener {
    private final PrintWriter out;
    private final int logEvery;
    private ProgressBar bar;

    ConsoleProgress(PrintWriter out, int logEvery) {
        this.out = out;
        this.logEvery = logEvery;
    }

    @Override
    public void onStart(TrainingPlan plan) {
        out.printf(
                "Classes: %s; %d training and %d validation images%n",
                plan.classNames(), plan.trainExamples(), plan.validationExamples());
        if (!plan.skippedFiles().isEmpty()) {
            out.printf("Skipping %d unusable files:%n", plan.skippedFiles().size());
            plan.skippedFiles().forEach(f -> out.println("  " + f));
        }
        if (plan.cluster() != null) {
            out.println("Cluster: " + plan.cluster());
        }
        if (plan.joinedChief()) {
            out.printf("Joined at step %d; the chief restores and saves%n", plan.startStep());
        } else if (plan.resumedFrom() != null) {
            out.printf(
                    "Resuming from %s (step %d); --checkpoint-path is ignored when the train dir has a checkpoint%n",
                    plan.resumedFrom(), plan.startStep());
        } else if (plan.restorePlan() != null) {
            out.print(plan.restorePlan().format(false));
        } else {
            out.println("Starting from freshly initialised variables (no --checkpoint-path)");
        }
        out.printf(
                "Training %d variables, %d frozen; steps %d -> %d%n",
                plan.trainableVariables().size(), plan.frozenVariables().size(), plan.startStep(), plan.maxSteps());
        out.flush();
        if (System.console() != null && plan.maxSteps() > plan.startStep()) {
            bar = new ProgressBarBuilder()
                    .setTaskName("train")
                    .setInitialMax(plan.maxSteps())
                    .setStyle(ProgressBarStyle.ASCII)
                    .showSpeed()
                    .build();
            bar.stepTo(plan.startStep());
        }
    }

    @Override
    public void onFeaturesCached(int images, double seconds) {
        println(String.format(
                "Cached global_pool features of %d images in %.1f s; the head trains on them", images, seconds));
    }

    @Override
    public void onStep(StepEvent e) {
        if (bar != null) {
            bar.stepTo(e.step());
            bar.setExtraMessage(String.format(
                    " epoch %.1f loss %.3f acc %.2f %.1f img/s",
                    e.epoch(), e.totalLoss(), e.accuracy(), e.imagesPerSecond()));
        }
        if (e.step() % logEvery == 0) {
            println(String.format(
                    "global step %d: loss = %.4f (%.3f sec/step)%s",
                    e.step(),
                    e.totalLoss(),
                    e.secondsPerStep(),
                    e.skippedImages() == 0 ? "" : ", " + e.skippedImages() + " images skipped so far"));
        }
    }

    @Override
    public void onProfile(StepProfile profile, Path dir) {
        println("Profile of steps " + profile.steps() + " -> " + dir + "\n" + profile.format(StepProfile.TOP));
    }

    @Override
    public void onCheckpoint(Path checkpoint, long step) {
        println("Saved " + checkpoint);
    }

    @Override
    public void onValidation(ValidationResult r) {
        println(String.format(
                "validation at step %d: accuracy = %.4f, loss = %.4f (%d images)",
                r.step(), r.accuracy(), r.crossEntropy(), r.examples()));
    }

    @Override
    public void onSkippedImages(long epoch, List<String> files) {
        println(String.format("warning: epoch %d skipped %d images that failed to decode:", epoch + 1, files.size()));
        files.forEach(f -> println("  " + f));
    }

    @Override
    public void onEnd(TrainResult result) {
        if (bar != null) {
            bar.close();
        }
    }

    private void println(String line) {
        if (bar != null) {
            System.err.print("\r");
        }
        out.println(line);
        out.flush();
    }
}
