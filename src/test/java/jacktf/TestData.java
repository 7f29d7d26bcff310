package jacktf;

import java.nio.file.Files;
import java.nio.file.Path;

/** The real TensorFlow files in {@code ../shared/testdata}; read-only, never copied into the repo. */
public final class TestData {
    private TestData() {}

    public static Path root() {
        String configured = System.getProperty("jacktf.testdata");
        Path root = configured != null ? Path.of(configured) : Path.of("..", "shared", "testdata");
        if (!Files.isDirectory(root)) {
            throw new IllegalStateException("Test data not found at " + root.toAbsolutePath()
                    + ": integration tests need ../shared/testdata beside the checkout");
        }
        return root.toAbsolutePath().normalize();
    }

    public static Path checkpoints() {
        return root().resolve("checkpoints");
    }

    public static Path images() {
        return root().resolve("images");
    }

    public static Path savedModels() {
        return root().resolve("savedmodels");
    }
}
