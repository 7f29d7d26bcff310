package jacktf.data;

import jacktf.runtime.AtomicFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** slim's {@code labels.txt} ({@code 0:cat} per line), written next to every trained model. */
public final class Labels {
  public static final String FILE_NAME = "labels.txt";

  private Labels() {}

  public static void write(Path dir, List<String> classNames) throws IOException {
    Files.createDirectories(dir);
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < classNames.size(); i++) {
      text.append(i).append(':').append(classNames.get(i)).append('\n');
    }
    AtomicFiles.writeString(dir.resolve(FILE_NAME), text);
  }

  /** Class names by id from {@code dir/labels.txt} (or the file itself). */
  public static List<String> read(Path dirOrFile) throws IOException {
    Path file = Files.isDirectory(dirOrFile) ? dirOrFile.resolve(FILE_NAME) : dirOrFile;
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
        throw new IOException(file + ": class ids must be 0.." + (byId.size() - 1) + ", id " + names.size() + " is missing");
      }
      names.add(e.getValue());
    }
    return names;
  }

  /** The labels of a model: next to its checkpoint, or in its train dir. */
  public static Path locate(Path checkpointOrDir) {
    Path dir = Files.isDirectory(checkpointOrDir) ? checkpointOrDir : checkpointOrDir.toAbsolutePath().getParent();
    return dir.resolve(FILE_NAME);
  }
}
