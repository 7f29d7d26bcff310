package jacktf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        Run r = run("download", "inception_v3", "--models-dir", dir.toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(
                r.err()
                        .contains(
                                "Received: 'inception_v3', expected one of: resnet_v1_50, resnet_v1_101, resnet_v1_152"),
                r.err());
    }

    @Test
    void helpListsTheModels() {
        assertTrue(run("--help").out().contains("  download "), "jacktf --help lists download");
        Run r = run("download", "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("resnet_v1_50, resnet_v1_101, resnet_v1_152"), r.out());
        assertTrue(r.out().contains("--sha256"), r.out());
    }
}
