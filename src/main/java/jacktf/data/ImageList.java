package jacktf.data;

import jacktf.config.JacktfException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.TreeSet;

/**
 * A dataset given as a list of labelled image files instead of a folder layout, e.g. from a CSV
 * or a database. The files are checked as a folder's are (unusable ones are set aside with the
 * reason) and, without a hold-out, trained on in the given order; a validation hold-out is taken as
 * {@link ImageFolder} takes it (stratified, by seed, both parts then in file order).
 */
public final class ImageList implements DatasetSource {
    /** One image file and the name of its class. */
    public record Entry(Path file, String label) {}

    private final List<String> classNames;
    private final List<Example> examples;

    private ImageList(List<String> classNames, List<Example> examples) {
        this.classNames = List.copyOf(classNames);
        this.examples = List.copyOf(examples);
    }

    /**
     * Files with class names; the class ids follow the sorted names, as an image folder's do (so the
     * same images as {@code DIR/<class>/*} get the same ids).
     */
    public static ImageList of(List<Entry> entries) {
        requireNonEmpty(entries.size());
        TreeSet<String> names = new TreeSet<>();
        for (Entry e : entries) {
            requireUsableName(e.label(), e.file());
            names.add(e.label());
        }
        List<String> classNames = List.copyOf(names);
        List<Example> examples = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            examples.add(new Example(e.file(), classNames.indexOf(e.label())));
        }
        return new ImageList(classNames, examples);
    }

    /** Files with class ids into {@code classNames} (id = index). */
    public static ImageList of(List<String> classNames, List<Example> examples) {
        requireNonEmpty(examples.size());
        if (new HashSet<>(classNames).size() != classNames.size()) {
            throw new JacktfException("Class names must be distinct. Received: " + classNames);
        }
        classNames.forEach(name -> requireUsableName(name, null));
        for (Example e : examples) {
            if (e.label() < 0 || e.label() >= classNames.size()) {
                throw new JacktfException("Class id of " + e.file() + " must be in [0, " + classNames.size()
                        + ") (one per " + "class name " + classNames + "). Received: " + e.label());
            }
        }
        return new ImageList(classNames, examples);
    }

    @Override
    public DatasetSplits load(double validationSplit, long seed) {
        List<Example> usable = new ArrayList<>();
        List<ImageFiles.ImageInfo> rejected = new ArrayList<>();
        for (Example e : examples) {
            ImageFiles.ImageInfo info = ImageFiles.inspect(e.file());
            if (info.usable()) {
                usable.add(e);
            } else {
                rejected.add(info);
            }
        }
        return ImageFolder.holdOut(new ImageDataset(classNames, usable, rejected), validationSplit, seed);
    }

    @Override
    public String description() {
        return "a list of " + examples.size() + " images";
    }

    private static void requireNonEmpty(int size) {
        if (size == 0) {
            throw new JacktfException("A dataset list needs at least one (file, label) pair. Received: an empty list");
        }
    }

    /** labels.txt stores one {@code id:name} per line: a name must be one non-blank line. */
    private static void requireUsableName(String name, Path file) {
        if (name == null || name.isBlank() || name.contains("\n") || name.contains("\r")) {
            throw new JacktfException(
                    "A class name must be non-blank text on one line" + (file == null ? "" : " (label of " + file + ")")
                            + ". Received: " + (name == null ? "null" : "'" + name.replace("\n", "\\n") + "'"));
        }
    }
}
