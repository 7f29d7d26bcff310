package jacktf.train;

import java.util.List;
import jacktf.checkpoint.RestorePlan;

/**
 * What a run is about to do, known once the graph is built.
 *
 * @param restorePlan the warm start, or null when resuming or starting from scratch
 * @param resumedFrom the train-dir checkpoint being resumed, or null
 */
public record TrainingPlan(List<String> classNames, int trainExamples, int validationExamples, long startStep,
    long maxSteps, List<String> trainableVariables, List<String> frozenVariables, RestorePlan restorePlan,
    String resumedFrom, List<String> skippedFiles) {}
