package jacktf.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.abort;

import jacktf.cli.JacktfCommand;
import jacktf.data.SyntheticImages;
import jacktf.model.ModelGraph;
import jacktf.runtime.Sessions;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;

/** A save that runs out of disk is a clear error and leaves the previous checkpoint as it was. */
@Tag("slow")
class DiskFullTest {

    static boolean run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor() == 0;
    }

    /**
     * Mounts a tmpfs on {@code dir}, or skips the test with a printed SKIPPED line saying which check did
     * not run and why: BENCHMARKS.md's disk-full row holds only where this ran.
     */
    static void mountTmpfsOrSkip(Path dir, String options, String check) throws Exception {
        String problem;
        try {
            problem = run("mount", "-t", "tmpfs", "-o", options, "tmpfs", dir.toString())
                    ? null
                    : "`mount -t tmpfs` failed (it needs root or CAP_SYS_ADMIN; CI runs as root)";
        } catch (IOException e) {
            problem = "there is no `mount` command (" + e.getMessage() + ")";
        }
        if (problem != null) {
            String reason = "SKIPPED: DiskFullTest's " + check + " check did not run: " + problem;
            System.out.println(reason);
            abort(reason);
        }
    }

    @Test
    void aReadOnlyTrainDirIsAClearError(@TempDir Path dir) throws Exception {
        Path readOnly = Files.createDirectories(dir.resolve("ro"));
        mountTmpfsOrSkip(readOnly, "ro,size=1m", "read-only train dir");
        try {
            Path data = dir.resolve("data");
            SyntheticImages.generate(data, 2, 2, 32, 1, 0, SyntheticImages.Layout.FOLDERS);
            StringWriter err = new StringWriter();
            int code = JacktfCommand.execute(
                    new String[] {
                        "train",
                        "--dataset-dir",
                        data.toString(),
                        "--train-dir",
                        readOnly.resolve("run").toString(),
                        "--max-number-of-steps",
                        "1"
                    },
                    new PrintWriter(new StringWriter(), true),
                    new PrintWriter(err, true));
            assertEquals(1, code, err.toString());
            assertTrue(
                    err.toString().startsWith("jacktf train: error: ")
                            && err.toString().contains(readOnly.toString())
                            && err.toString().contains("Read-only file system"),
                    err.toString());
        } finally {
            run("umount", readOnly.toString());
        }
    }

    @Test
    void savingIntoAFullDiskKeepsThePreviousCheckpoint(@TempDir Path dir) throws Exception {
        Path tiny = Files.createDirectories(dir.resolve("tiny"));
        mountTmpfsOrSkip(tiny, "size=6m", "disk-full");
        try (Graph g = new Graph()) {
            ModelGraph mg = ModelGraph.local(g);
            Ops tf = mg.ops("");
            Variable<TFloat32> v = tf.withName("weights").variable(Shape.of(1_000_000), TFloat32.class); // 4 MB
            try (Session s = Sessions.open(g)) {
                s.run(tf.assign(v, tf.fill(tf.constant(new long[] {1_000_000}), tf.constant(1.5f))));
                CheckpointSaver saver =
                        new CheckpointSaver(mg, List.of(CheckpointVariable.of(v, DataType.DT_FLOAT)), tiny, 5);
                saver.save(s, 1);
                byte[] goodIndex = Files.readAllBytes(tiny.resolve("model.ckpt-1.index"));
                IOException full = assertThrows(IOException.class, () -> saver.save(s, 2));
                assertTrue(
                        full.getMessage().contains("Saving checkpoint " + tiny.resolve("model.ckpt-2") + " failed"),
                        full.getMessage());
                assertTrue(
                        full.getMessage().contains("The previous checkpoint model.ckpt-1 is intact"),
                        full.getMessage());
                assertEquals(
                        "model.ckpt-1", CheckpointState.read(tiny).orElseThrow().latest());
                assertArrayEquals(goodIndex, Files.readAllBytes(tiny.resolve("model.ckpt-1.index")));
                try (Checkpoint c = Checkpoint.open(tiny)) {
                    assertEquals(1.5f, c.read("weights").floats()[999_999]);
                }
                try (var files = Files.list(tiny)) {
                    assertTrue(
                            files.noneMatch(f -> f.getFileName().toString().contains("tempstate")),
                            "no half-written files left");
                }
            }
        } finally {
            run("umount", tiny.toString());
        }
    }
}
