package jacktf.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The order of the durable write on a real file system: the new content is forced while it is still
 * the temporary sibling, then renamed over the target, then the directory is forced so the rename is
 * on disk too. Each force is recorded together with what the directory held at that moment, and still
 * runs the real fsync. A power loss cannot be simulated here; this shows the helper asks for everything
 * a file system that honours fsync needs.
 */
class AtomicFilesTest {
    /** One force: what was forced, and what the target and the temporary file held at that moment. */
    record Forced(Path path, boolean directory, String target, boolean tempExists) {}

    @AfterEach
    void realForcing() {
        AtomicFiles.forcing(null);
    }

    private static List<Forced> recordForces(Path target) {
        Path temp = target.resolveSibling(target.getFileName() + AtomicFiles.TEMP_SUFFIX);
        List<Forced> forced = new ArrayList<>();
        AtomicFiles.forcing((channel, path, directory) -> {
            forced.add(new Forced(path, directory, read(target), Files.exists(temp)));
            channel.force(true);
        });
        return forced;
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : null;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void forcesTheFileBeforeTheRenameAndTheDirectoryAfterIt(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("checkpoint");
        Files.writeString(target, "old");
        List<Forced> forced = recordForces(target);

        AtomicFiles.writeString(target, "new");

        Path temp = dir.resolve("checkpoint" + AtomicFiles.TEMP_SUFFIX);
        assertEquals(
                List.of(
                        // the temporary file, complete, while the target still holds the old content
                        new Forced(temp, false, "old", true),
                        // the directory, after the rename: the target holds the new content, no temporary left
                        new Forced(dir.toAbsolutePath(), true, "new", false)),
                forced);
        assertEquals("new", Files.readString(target, StandardCharsets.UTF_8));
    }

    @Test
    void aFirstWriteAlsoForcesTheNewDirectoryEntry(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("labels.txt");
        List<Forced> forced = recordForces(target);

        AtomicFiles.writeString(target, "0:cat\n");

        assertEquals(2, forced.size(), forced.toString());
        assertEquals(new Forced(dir.resolve("labels.txt.tmp"), false, null, true), forced.get(0));
        assertEquals(new Forced(dir.toAbsolutePath(), true, "0:cat\n", false), forced.get(1));
    }

    @Test
    void publishingADirectoryForcesItsParentAfterTheRename(@TempDir Path dir) throws IOException {
        Path staging = Files.createDirectories(dir.resolve("staging"));
        Files.writeString(staging.resolve("saved_model.pb"), "graph");
        Path target = dir.resolve("1");
        List<Path> forced = new ArrayList<>();
        List<Boolean> publishedThen = new ArrayList<>();
        AtomicFiles.forcing((channel, path, directory) -> {
            forced.add(path);
            publishedThen.add(Files.isDirectory(target) && !Files.exists(staging));
            channel.force(true);
        });

        AtomicFiles.publish(staging, target);

        assertEquals(List.of(dir.toAbsolutePath()), forced);
        assertEquals(List.of(true), publishedThen, "the parent is forced after the rename");
        assertTrue(Files.isRegularFile(target.resolve("saved_model.pb")));
        assertFalse(Files.exists(staging));
    }

    @Test
    void theRealForcingRunsOnThisFileSystem(@TempDir Path dir) throws IOException {
        // fsync on a file and on a directory opened read-only both work here (Linux): no exception
        Path target = dir.resolve("model.properties");
        AtomicFiles.writeString(target, "image_size=32\n");
        AtomicFiles.force(target);
        AtomicFiles.forceDirectory(dir);
        assertEquals("image_size=32\n", Files.readString(target));
    }
}
