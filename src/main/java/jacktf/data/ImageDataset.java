package jacktf.data;

import java.util.ArrayList;
import java.util.List;

/**
 * Labelled image files and the class names their labels index; the bad files found while
 * scanning are kept aside with their reasons.
 */
public record ImageDataset(List<String> classNames, List<Example> examples, List<ImageFiles.ImageInfo> rejected) {

    public ImageDataset {
        classNames = List.copyOf(classNames);
        examples = List.copyOf(examples);
        rejected = List.copyOf(rejected);
        long records = examples.stream().filter(e -> e.record() != null).count();
        if (records != 0 && records != examples.size()) {
            throw new IllegalArgumentException("A dataset holds image files or TFRecords, not both: " + records + " of "
                    + examples.size() + " examples are records");
        }
    }

    /** Whether the examples are records of TFRecord shards ({@link Example#record()}) rather than image files. */
    public boolean fromRecords() {
        return !examples.isEmpty() && examples.get(0).record() != null;
    }

    public int numClasses() {
        return classNames.size();
    }

    public int size() {
        return examples.size();
    }

    public int[] countsPerClass() {
        int[] counts = new int[classNames.size()];
        examples.forEach(e -> counts[e.label()]++);
        return counts;
    }

    /** A dataset with the same classes and a subset of the examples. */
    public ImageDataset withExamples(List<Example> subset) {
        return new ImageDataset(classNames, subset, List.of());
    }

    /** Each example's {@link Example#id()}: the file's path, or {@code SHARD@OFFSET} for a record. */
    public List<String> files() {
        List<String> files = new ArrayList<>(examples.size());
        examples.forEach(e -> files.add(e.id()));
        return files;
    }
}
