package jacktf;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Assumptions;

/**
 * The real TensorFlow files in {@code ../shared/testdata} that only older TensorFlow (or TF Serving) wrote: the
 * Snappy-compressed V2 index, the TF2 object-graph checkpoint with a string tensor, TF Serving's SavedModels, and
 * real photos. Read-only, never copied into the repo. Everything TF 2.18 can write itself, tests generate with
 * TensorFlow's own ops instead ({@code jacktf.testing.TfCheckpoints}, {@code jacktf.data.TestImages}), so a clone
 * with nothing beside it passes its own tests.
 *
 * <p>When the folder is absent, a test that asks for it is skipped (a JUnit assumption, never a failure) and the
 * test JVM prints one line naming the folder.
 */
public final class TestData {
    private static final AtomicBoolean REPORTED = new AtomicBoolean();

    private TestData() {}

    /** Whether {@code ../shared/testdata} is there (for a test that checks more when it is). */
    public static boolean present() {
        return Files.isDirectory(configured());
    }

    public static Path root() {
        Path root = configured();
        if (!Files.isDirectory(root)) {
            String reason = "SKIPPED: no real TensorFlow test data at "
                    + root.toAbsolutePath().normalize()
                    + " (../shared/testdata beside the checkout); the tests that read files only older TensorFlow"
                    + " wrote are skipped";
            if (REPORTED.compareAndSet(false, true)) {
                System.out.println(reason);
            }
            Assumptions.abort(reason);
        }
        return root.toAbsolutePath().normalize();
    }

    private static Path configured() {
        String configured = System.getProperty("jacktf.testdata");
        return configured != null ? Path.of(configured) : Path.of("..", "shared", "testdata");
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
