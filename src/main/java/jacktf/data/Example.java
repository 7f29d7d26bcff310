package jacktf.data;

import java.nio.file.Path;

/** One labelled image file. */
public record Example(Path file, int label) {}
