package jacktf.data;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * ImageNet's class names as slim's {@code datasets/imagenet.py} ({@code
 * create_readable_names_for_imagenet_labels}) makes them from two public files: the ILSVRC synset list
 * (1000 WordNet ids, one a line, in class order) and the metadata file (every ImageNet synset and its
 * human-readable name, tab-separated). Class {@code i} of the 1000 is the synset on line {@code i}; a
 * checkpoint with a background class 0 ({@code labels_offset} 1) shifts them by one.
 */
public final class ImageNetLabels {
    /** Where {@code imagenet.py} fetches both files from ({@code base_url} there). */
    public static final URI BASE_URL =
            URI.create("https://raw.githubusercontent.com/tensorflow/models/master/research/inception/inception/data/");
    /** The synset list's file name ({@code synset_url}). */
    public static final String SYNSETS_FILE = "imagenet_lsvrc_2015_synsets.txt";
    /** The metadata file's name ({@code synset_to_human_url}). */
    public static final String METADATA_FILE = "imagenet_metadata.txt";
    /** The synset list's address. */
    public static final URI SYNSETS_URL = BASE_URL.resolve(SYNSETS_FILE);
    /** The metadata file's address. */
    public static final URI METADATA_URL = BASE_URL.resolve(METADATA_FILE);
    /** ILSVRC-2012-CLS's classes. */
    public static final int CLASSES = 1000;
    /** slim's name of class 0 in the 1001-class checkpoints. */
    public static final String BACKGROUND = "background";

    private ImageNetLabels() {}

    /**
     * The 1000 names in class order, from the two files as {@code imagenet.py} reads them: lines stripped,
     * each metadata line exactly {@code synset<TAB>name}.
     *
     * @throws IOException naming the file and line when a file is not what slim's are (not 1000 distinct
     *     synsets, a malformed metadata line, a synset without a name)
     */
    public static List<String> read(Path synsets, Path metadata) throws IOException {
        List<String> ids = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int lineNumber = 0;
        for (String line : Files.readAllLines(synsets, StandardCharsets.UTF_8)) {
            lineNumber++;
            String id = line.strip();
            if (id.isEmpty()) {
                continue;
            }
            if (!seen.add(id)) {
                throw new IOException(synsets + " line " + lineNumber + ": synset " + id + " appears twice");
            }
            ids.add(id);
        }
        if (ids.size() != CLASSES) {
            throw new IOException(synsets + " lists " + ids.size() + " synsets, expected ImageNet's " + CLASSES
                    + " (slim's " + SYNSETS_FILE + ")");
        }
        Map<String, String> names = new HashMap<>();
        lineNumber = 0;
        for (String line : Files.readAllLines(metadata, StandardCharsets.UTF_8)) {
            lineNumber++;
            String text = line.strip();
            if (text.isEmpty()) {
                continue;
            }
            String[] parts = text.split("\t", -1);
            if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
                throw new IOException(metadata + " line " + lineNumber + ": expected 'SYNSET<TAB>NAME', got '" + text
                        + "'; delete it and run again to fetch it afresh");
            }
            names.put(parts[0], parts[1]);
        }
        List<String> classNames = new ArrayList<>(CLASSES);
        for (String id : ids) {
            String name = names.get(id);
            if (name == null) {
                throw new IOException(metadata + " has no name for synset " + id + " of " + synsets);
            }
            classNames.add(name);
        }
        return List.copyOf(classNames);
    }

    /**
     * The names of a checkpoint's classes: {@code labelsOffset} background classes (0 or 1) before
     * ImageNet's 1000, so that class {@code c} of the logits is named {@code classNames.get(c)}.
     */
    public static List<String> withOffset(List<String> imagenet, int labelsOffset) {
        if (labelsOffset != 0 && labelsOffset != 1) {
            throw new IllegalArgumentException("labelsOffset is 0 or 1, got " + labelsOffset);
        }
        List<String> names = new ArrayList<>(imagenet.size() + labelsOffset);
        if (labelsOffset == 1) {
            names.add(BACKGROUND);
        }
        names.addAll(imagenet);
        return List.copyOf(names);
    }
}
