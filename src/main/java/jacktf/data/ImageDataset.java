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

    public List<String> files() {
        List<String> files = new ArrayList<>(examples.size());
        examples.forEach(e -> files.add(e.file().toString()));
        return files;
    }
}
