package jacktf.eval;

import java.util.List;

/**
 * Metrics as slim's eval reports them plus what people look at next.
 *
 * @param confusion rows: true class, columns: predicted class
 * @param samples a few images with their predictions, for reports
 * @param undecodable files of the dataset that failed to decode and were left out
 */
public record EvalReport(String checkpoint, long globalStep, List<String> classNames, int examples, float accuracy,
    float recallAt5, int[][] confusion, float[] precision, float[] recall, List<Sample> samples,
    List<String> undecodable) {

  /** One evaluated image. */
  public record Sample(String file, int label, int predicted, float probability) {}
}
