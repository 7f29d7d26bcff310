package jacktf.data;

import java.io.StringWriter;

import jacktf.runtime.AtomicFiles;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;

/**
 * What a trained model needs besides its weights, written next to {@code labels.txt}: the image
 * size it was trained at (eval, predict, extract and export preprocess the same way) and how its
 * validation images were held out (eval picks the same ones).
 */
public record ModelInfo(int imageSize, double validationSplit, long splitSeed) {
  public static final String FILE_NAME = "jacktf.properties";

  public void write(Path dir) throws IOException {
    Properties p = new Properties();
    p.setProperty("image_size", Integer.toString(imageSize));
    p.setProperty("validation_split", Double.toString(validationSplit));
    p.setProperty("split_seed", Long.toString(splitSeed));
    StringWriter text = new StringWriter();
    p.store(text, "jacktf model information");
    AtomicFiles.writeString(dir.resolve(FILE_NAME), text.toString());
  }

  /** The info beside a checkpoint (its directory), or 224 when there is none (e.g. a slim zoo file). */
  public static ModelInfo near(Path checkpointOrDir) throws IOException {
    Path dir = Files.isDirectory(checkpointOrDir) ? checkpointOrDir : checkpointOrDir.toAbsolutePath().getParent();
    Path file = dir.resolve(FILE_NAME);
    if (!Files.isRegularFile(file)) {
      return new ModelInfo(VggPreprocessing.DEFAULT_IMAGE_SIZE, 0, 0);
    }
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    }
    try {
      return new ModelInfo(Integer.parseInt(p.getProperty("image_size", "224").trim()),
          Double.parseDouble(p.getProperty("validation_split", "0").trim()),
          Long.parseLong(p.getProperty("split_seed", "0").trim()));
    } catch (NumberFormatException e) {
      throw new IOException(file + ": a value is not a number");
    }
  }
}
