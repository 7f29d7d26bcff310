package jacktf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jacktf.checkpoint.ZooCheckpoint;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jacktf download}'s user errors: offline, a bad hash, an unknown model. Successful downloads
 * and every failure of the archive itself are PretrainedCheckpointsTest's, against a local server.
 */
class DownloadCommandTest {
    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = JacktfCommand.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void offlineIsOneLineNamingTheArchiveAndWhereToPutIt(@TempDir Path dir) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Path models = dir.resolve("models");
        Run r = run(
                "download",
                "resnet_v1_101",
                "--models-dir",
                models.toString(),
                "--base-url",
                "http://127.0.0.1:" + port + "/models");
        assertEquals(1, r.code(), r.err());
        assertTrue(
                r.err()
                        .startsWith("jacktf download: error: Cannot reach http://127.0.0.1:" + port
                                + "/models/resnet_v1_101_2016_08_28.tar.gz"),
                r.err());
        assertTrue(r.err().contains("put it at " + models.resolve("resnet_v1_101_2016_08_28.tar.gz")), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(Files.isDirectory(models), "the models directory exists for the archive to be put there");
    }

    @Test
    void aMalformedHashIsRefusedByItsFlagName(@TempDir Path dir) {
        Run r = run("download", "resnet_v1_50", "--models-dir", dir.toString(), "--sha256", "12ab");
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("--sha256 must be 64 hexadecimal digits"), r.err());
        assertTrue(r.err().contains("Received: '12ab'"), r.err());
    }

    @Test
    void anUnknownModelListsTheZoos(@TempDir Path dir) {
        Run r = run("download", "resnet_v1_200", "--models-dir", dir.toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(
                r.err().contains("Received: 'resnet_v1_200', expected one of: inception_v1, inception_v3,"), r.err());
        assertTrue(r.err().contains("mobilenet_v1_025, mobilenet_v2, mobilenet_v2_140"), r.err());
    }

    @Test
    void helpListsTheModels() {
        assertTrue(run("--help").out().contains("  download "), "jacktf --help lists download");
        Run r = run("download", "--help");
        assertEquals(0, r.code());
        String help = r.out().replaceAll("\\s+", " "); // picocli wraps the list
        for (ZooCheckpoint z : ZooCheckpoint.slim()) {
            assertTrue(help.contains(z.name()), z.name() + " in: " + r.out());
        }
        assertTrue(help.contains("resnet_v1_50, resnet_v1_101, resnet_v1_152, resnet_v2_50"), r.out());
        assertTrue(r.out().contains("--sha256"), r.out());
    }
}
