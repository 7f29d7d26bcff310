package jacktf.train;

import jacktf.runtime.AtomicFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import com.google.gson.GsonBuilder;
import jacktf.checkpoint.RestorePlan;

/**
 * What a run is about to do, known once the graph is built.
 *
 * @param restorePlan the warm start, or null when resuming or starting from scratch
 * @param resumedFrom the train-dir checkpoint being resumed, or null
 * @param cluster this process's part in a cluster run, or null when training alone
 * @param joinedChief true on a cluster worker that is not the chief: it uses the variables the chief
 *     initialised or restored, and saves nothing
 */
public record TrainingPlan(List<String> classNames, int trainExamples, int validationExamples, long startStep,
    long maxSteps, List<String> trainableVariables, List<String> frozenVariables, RestorePlan restorePlan,
    String resumedFrom, List<String> skippedFiles, String cluster, boolean joinedChief) {
  /** Written into the train dir at the start of every run, for reports. */
  public static final String FILE_NAME = "train_plan.json";

  /** What a report shows: the split of the network and the warm start, as plain data. */
  public record Summary(List<String> classNames, int trainExamples, int validationExamples, long startStep,
      long maxSteps, List<String> trainableVariables, List<String> frozenVariables, String restorePlan,
      Map<String, Integer> restoreCounts, String resumedFrom, List<String> skippedFiles, String cluster) {

    public static Summary read(Path file) throws IOException {
      return new GsonBuilder().create().fromJson(Files.readString(file, StandardCharsets.UTF_8), Summary.class);
    }
  }

  void write(Path dir) throws IOException {
    Map<String, Integer> counts = new java.util.LinkedHashMap<>();
    if (restorePlan != null) {
      restorePlan.counts().forEach((status, n) -> counts.put(status.name().toLowerCase(), n));
      counts.put("unused", restorePlan.unused().size());
    }
    Summary summary = new Summary(classNames, trainExamples, validationExamples, startStep, maxSteps,
        trainableVariables, frozenVariables, restorePlan == null ? null : restorePlan.format(false), counts, resumedFrom,
        skippedFiles, cluster);
    AtomicFiles.writeString(dir.resolve(FILE_NAME), new GsonBuilder().setPrettyPrinting().create().toJson(summary));
  }
}
