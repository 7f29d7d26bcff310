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
    private final int shards;
    private final int shard;
    private final Set<String> seen = new HashSet<>();
    private long epoch = -1;
    private boolean partial;
    private long total;

    SkipTracker(List<String> files) {
        this(files, 1, 0);
    }

    /**
     * A worker reading every {@code shards}-th element: it cannot know which files the others got,
     * so it counts the elements of its share that never arrived (TF's warning log names them).
     */
    SkipTracker(List<String> files, int shards, int shard) {
        this.files = files;
        this.shards = shards;
        this.shard = shard;
    }

    /** Takes one batch's element numbers and files; returns the epochs it completed that lost images. */
    List<Skipped> observe(long[] indices, String[] batchFiles) {
        List<Skipped> completed = new ArrayList<>();
        for (int i = 0; i < indices.length; i++) {
            long e = indices[i] / files.size();
            if (epoch < 0) {
                epoch = e;
                long start = e * files.size();
                partial = indices[i]
                        != start + Math.floorMod(shard - start, shards); // a resumed run starts inside an epoch
            }
            if (e > epoch) {
                if (!partial && shards == 1) {
                    List<String> missing =
                            files.stream().filter(f -> !seen.contains(f)).toList();
                    if (!missing.isEmpty()) {
                        total += missing.size();
                        completed.add(new Skipped(epoch, missing));
                    }
                } else if (!partial) {
                    long size = files.size();
                    long lost = ofShard(epoch * size + size) - ofShard(epoch * size) - seen.size();
                    if (lost > 0) {
                        total += lost;
                        completed.add(new Skipped(
                                epoch,
                                List.of(lost + " image(s) of this worker's share failed to decode "
                                        + "(TF's warnings name them)")));
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

    /** How many element numbers in [0, end) fall to this worker. */
    private long ofShard(long end) {
        return end <= shard ? 0 : (end - shard - 1) / shards + 1;
    }

    long total() {
        return total;
    }
}
