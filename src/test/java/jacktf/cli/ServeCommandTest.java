package jacktf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jacktf serve}'s flags as a person meets them: the help's compatibility notes and the flag errors. */
class ServeCommandTest {
    @Test
    void helpSaysWhatIsTfServingCompatibleAndWhatIsNot() {
        CliTest.Run help = CliTest.run("serve", "--help");
        assertEquals(0, help.exitCode());
        String text = help.out().replaceAll("\\s+", " ");
        for (String part : new String[] {
            "TF Serving-compatible:",
            "tensorflow.serving.PredictionService",
            "Not compatible:",
            "TF Serving's own --port is its gRPC port",
            "--rest-api-port",
            "--port",
            "--grpc-port",
            "--model-config-file",
            "--max-in-flight",
            "--max-queued-requests",
            "--request-timeout-ms"
        }) {
            assertTrue(text.contains(part), "'" + part + "' in: " + text);
        }
    }

    @Test
    void exactlyOneOfBasePathAndConfigFile(@TempDir Path dir) throws Exception {
        CliTest.Run neither = CliTest.run("serve");
        assertEquals(1, neither.exitCode(), neither.err());
        assertTrue(neither.err().contains("--model-base-path"), neither.err());
        assertTrue(neither.err().contains("exactly one of --model-base-path and --model-config-file"), neither.err());
        assertTrue(neither.err().contains("neither"), neither.err());
        Path config = Files.writeString(dir.resolve("m.config"), "model_config_list { }");
        CliTest.Run both =
                CliTest.run("serve", "--model-base-path", dir.toString(), "--model-config-file", config.toString());
        assertEquals(1, both.exitCode(), both.err());
        assertTrue(both.err().contains("both"), both.err());
        CliTest.Run empty =
                CliTest.run("serve", "--model-config-file", config.toString(), "--grpc-port", "-1", "--port", "0");
        assertEquals(1, empty.exitCode(), empty.err());
        assertTrue(empty.err().contains("--model-config-file"), empty.err());
        assertTrue(empty.err().contains("a model_config_list with at least one config"), empty.err());
    }

    @Test
    void aModelThatCannotLoadAtStartUpIsOneLineNamingItAndExit1(@TempDir Path dir) throws Exception {
        Path version = Files.createDirectories(dir.resolve("m/1"));
        Files.write(version.resolve("saved_model.pb"), new byte[] {0x0a, (byte) 0xff, 0x01}); // a field cut short
        CliTest.Run run = CliTest.run(
                "serve",
                "--model-base-path",
                dir.resolve("m").toString(),
                "--model-name",
                "m",
                "--port",
                "0",
                "--grpc-port",
                "-1");
        assertEquals(1, run.exitCode(), run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertTrue(run.err().startsWith("jacktf serve: error: Model m cannot be served: version 1 in "), run.err());
        assertTrue(run.err().contains("failed to load (DATA_LOSS): Can't parse "), run.err());
        assertTrue(!run.err().contains("internal error"), run.err());
    }
}
