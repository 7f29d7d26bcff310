package jacktf.data;

import jacktf.runtime.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * slim's {@code labels.txt} format ({@code 0:cat} per line, ids 0..n-1): the reader and writer of
 * the file. Where the file lives is decided elsewhere: {@code jacktf.traindir.TrainDir} for a train
 * dir, the exporter for a SavedModel's {@code assets/}.
 */
public final class Labels {
    /** slim's name for the file. */
    public static final String FILE_NAME = "labels.txt";

    private Labels() {}

    /** Writes {@code classNames} (index = class id) to {@code file}, atomically; creates its directory. */
    public static void writeFile(Path file, List<String> classNames) throws IOException {
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException(file + " is a directory; expected the path of a " + FILE_NAME + " file");
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < classNames.size(); i++) {
            text.append(i).append(':').append(classNames.get(i)).append('\n');
        }
        AtomicFiles.writeString(file, text);
    }

    /** Class names by id from a {@code labels.txt} file. */
    public static List<String> readFile(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("No " + FILE_NAME + " at " + file + " (it is written next to every trained model)");
        }
        TreeMap<Integer, String> byId = new TreeMap<>();
        int lineNumber = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            lineNumber++;
            if (line.isBlank()) {
                continue;
            }
            int colon = line.indexOf(':');
            try {
                if (colon < 0) {
                    throw new NumberFormatException();
                }
                int id = Integer.parseInt(line.substring(0, colon).trim());
                if (byId.put(id, line.substring(colon + 1)) != null) {
                    throw new IOException(file + " line " + lineNumber + ": class id " + id + " appears twice");
                }
            } catch (NumberFormatException e) {
                throw new IOException(file + " line " + lineNumber + ": expected 'ID:NAME', got '" + line + "'");
            }
        }
        List<String> names = new ArrayList<>();
        for (var e : byId.entrySet()) {
            if (e.getKey() != names.size()) {
                throw new IOException(
                        file + ": class ids must be 0.." + (byId.size() - 1) + ", id " + names.size() + " is missing");
            }
            names.add(e.getValue());
        }
        return names;
    }
}
