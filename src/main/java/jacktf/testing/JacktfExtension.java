package jacktf.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 support for tests of jacktf models. With {@code @ExtendWith(JacktfExtension.class)} on a
 * test class, test methods, {@code @BeforeEach}/{@code @BeforeAll} methods and constructors can
 * declare parameters of these types:
 * <ul>
 *   <li>{@link PretrainedCheckpoint}: a small pretrained resnet_v1_50 checkpoint and its SavedModel,
 *       made once per JVM and cached under {@code target/};</li>
 *   <li>{@code @}{@link TempTrainDir} {@link Path}: a fresh train directory, deleted afterwards;</li>
 *   <li>{@link SampleImages}: synthetic JPEG/PNG files and image-folder datasets, deleted afterwards.</li>
 * </ul>
 * What a test method receives is deleted after that test; what a constructor or {@code @BeforeAll}
 * method receives, after the test class.
 *
 * <pre>{@code
 * @ExtendWith(JacktfExtension.class)
 * class MyFineTuningTest {
 *   @Test
 *   void newHeadTrains(PretrainedCheckpoint pretrained, SampleImages images, @TempTrainDir Path trainDir) throws Exception {
 *     Path data = images.dataset(List.of("circle", "square"), 8, 40);
 *     TrainResult r = Trainer.create(TrainConfig.builder(data, trainDir).imageSize(pretrained.imageSize())
 *         .checkpointPath(pretrained.checkpoint()).restoreOptions(RestoreOptions.excluding("resnet_v1_50/logits"))
 *         .maxNumberOfSteps(2L).build()).train();
 *     CheckpointAssertions.assertFrozenScopesIdentical(pretrained.checkpoint(), r.checkpoint(), "resnet_v1_50/block1");
 *   }
 * }
 * }</pre>
 */
public final class JacktfExtension implements ParameterResolver, AfterEachCallback, AfterAllCallback {
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(JacktfExtension.class);

    /** Creates the extension; JUnit calls this for {@code @ExtendWith}, users for {@code @RegisterExtension}. */
    public JacktfExtension() {}

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == PretrainedCheckpoint.class
                || type == SampleImages.class
                || type == Path.class && parameter.isAnnotated(TempTrainDir.class);
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        if (type == PretrainedCheckpoint.class) {
            return PretrainedCheckpoint.get();
        }
        try {
            if (type == SampleImages.class) {
                return new SampleImages(tempDir(context, "jacktf-images"));
            }
            if (type == Path.class && parameter.isAnnotated(TempTrainDir.class)) {
                return tempDir(context, "jacktf-train").resolve("train");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Creating a temporary directory for " + parameter.getParameter() + " failed", e);
        }
        throw new ParameterResolutionException("JacktfExtension cannot supply " + parameter.getParameter()
                + "; it supplies PretrainedCheckpoint, SampleImages and @TempTrainDir Path");
    }

    @Override
    public void afterEach(ExtensionContext context) {
        deleteTempDirs(context);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        deleteTempDirs(context);
    }

    /** A new temporary directory owned by {@code context}: deleted when that test or class finishes. */
    private static Path tempDir(ExtensionContext context, String prefix) throws IOException {
        Path dir = Files.createTempDirectory(prefix);
        ownedBy(context).add(dir);
        return dir;
    }

    @SuppressWarnings("unchecked")
    private static List<Path> ownedBy(ExtensionContext context) {
        // Keyed by the context's id: a plain key would find the enclosing class's list through the store's parent.
        return (List<Path>) context.getStore(NAMESPACE)
                .getOrComputeIfAbsent("dirs:" + context.getUniqueId(), k -> new CopyOnWriteArrayList<Path>());
    }

    private static void deleteTempDirs(ExtensionContext context) {
        List<Path> dirs = ownedBy(context);
        for (Path dir : dirs) {
            TempDirs.deleteRecursively(dir);
        }
        dirs.clear();
    }
}
