package jacktf.train;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds the images an epoch never delivered: the pipeline skips a file that fails to decode, and
 * every file comes once per epoch, so what is missing when the next epoch starts was skipped.
 */
final class SkipTracker {
  /** Files skipped in one epoch. */
  record Skipped(long epoch, List<String> files) {}

  private final List<String> files;
  private final Set<String> seen = new HashSet<>();
  private long epoch = -1;
  private boolean partial;
  private long total;

  SkipTracker(List<String> files) {
    this.files = files;
  }

  /** Takes one batch's element numbers and files; returns the epochs it completed that lost images. */
  List<Skipped> observe(long[] indices, String[] batchFiles) {
    List<Skipped> completed = new ArrayList<>();
    for (int i = 0; i < indices.length; i++) {
      long e = indices[i] / files.size();
      if (epoch < 0) {
        epoch = e;
        partial = indices[i] % files.size() != 0; // a resumed run starts inside an epoch
      }
      if (e > epoch) {
        if (!partial) {
          List<String> missing = files.stream().filter(f -> !seen.contains(f)).toList();
          if (!missing.isEmpty()) {
            total += missing.size();
            completed.add(new Skipped(epoch, missing));
          }
        }
        epoch = e;
        partial = false;
        seen.clear();
      }
      seen.add(batchFiles[i]);
    }
    return completed;
  }

  long total() {
    return total;
  }
}
