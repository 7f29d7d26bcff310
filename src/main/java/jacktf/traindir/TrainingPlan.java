package jacktf.traindir;

import jacktf.checkpoint.RestorePlan;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a run is about to do, known once the graph is built. {@link TrainDir#writePlan} stores its
 * {@link #summary()} as {@code train_plan.json} at the start of every run, for reports.
 *
 * @param restorePlan the warm start, or null when resuming or starting from scratch
 * @param resumedFrom the train-dir checkpoint being resumed, or null
 * @param cluster this process's part in a cluster run, or null when training alone
 * @param joinedChief true on a cluster worker that is not the chief: it uses the variables the chief
 *     initialised or restored, and saves nothing
 */
public record TrainingPlan(
        List<String> classNames,
        int trainExamples,
        int validationExamples,
        long startStep,
        long maxSteps,
        List<String> trainableVariables,
        List<String> frozenVariables,
        RestorePlan restorePlan,
        String resumedFrom,
        List<String> skippedFiles,
        String cluster,
        boolean joinedChief) {

    /** What a report shows: the split of the network and the warm start, as plain data (the JSON's fields). */
    public record Summary(
            List<String> classNames,
            int trainExamples,
            int validationExamples,
            long startStep,
            long maxSteps,
            List<String> trainableVariables,
            List<String> frozenVariables,
            String restorePlan,
            Map<String, Integer> restoreCounts,
            String resumedFrom,
            List<String> skippedFiles,
            String cluster) {}

    /** The plan as a report reads it back: the restore plan as text and its counts by status. */
    public Summary summary() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        if (restorePlan != null) {
            restorePlan.counts().forEach((status, n) -> counts.put(status.name().toLowerCase(), n));
            counts.put("unused", restorePlan.unused().size());
        }
        return new Summary(
                classNames,
                trainExamples,
                validationExamples,
                startStep,
                maxSteps,
                trainableVariables,
                frozenVariables,
                restorePlan == null ? null : restorePlan.format(false),
                counts,
                resumedFrom,
                skippedFiles,
                cluster);
    }
}
