package jacktf.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import jacktf.config.JacktfException;
import jacktf.runtime.Bf16SelfCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TBfloat16;
import org.tensorflow.types.TFloat32;

/**
 * The server runs the bf16 self-check on a bf16 SavedModel before serving it (issue 27), as {@code Classifier} and
 * export do: a model whose bf16 kernels agree with float32 is served; one whose check disagrees (made to, on
 * purpose, through {@link Bf16SelfCheck#DISAGREE_PROPERTY}) is a one-line user error at start-up and, after
 * start-up, a version in state END with FAILED_PRECONDITION and the check's message while the served one keeps
 * serving.
 */
class Bf16ServingTest {
    /** conv(x) with a 1x1 filter w[c][j] = [[1, 2], [3, 4]] on 2 channels: x = [1, 1] gives [4, 6]. */
    private static final String PREDICT = "{\"signature_name\": \"conv\", \"instances\": [[[[1.0, 1.0]]]]}";

    @AfterEach
    void noDisagreementLeftOn() {
        System.clearProperty(Bf16SelfCheck.DISAGREE_PROPERTY);
    }

    /** "bf16": conv(x: float[-1, 1, 1, 2]) -> y, a bf16 1x1 convolution on 2 channels (exact in bf16). */
    static void exportBf16(Path versionDir) throws IOException {
        try (Graph g = new Graph();
                Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            var x = tf.withName("x").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 1, 1, 2)));
            var w = tf.dtypes.cast(tf.constant(Shape.of(1, 1, 2, 2), DataBuffers.of(1f, 2f, 3f, 4f)), TBfloat16.class);
            var conv = tf.nn.conv2d(tf.dtypes.cast(x, TBfloat16.class), w, java.util.List.of(1L, 1L, 1L, 1L), "VALID");
            var y = tf.withName("y").dtypes.cast(conv, TFloat32.class);
            SavedModelBundle.exporter(versionDir.toString())
                    .withTags(SavedModelBundle.DEFAULT_TAG)
                    .withFunctions(SessionFunction.create(
                            Signature.builder()
                                    .key("conv")
                                    .input("x", x)
                                    .output("y", y)
                                    .build(),
                            s))
                    .export();
        }
    }

    @Test
    void aBf16ModelWhoseKernelsAgreeIsServed(@TempDir Path dir) throws Exception {
        Path base = dir.resolve("m");
        exportBf16(base.resolve("1"));
        try (ModelServer server = ModelServer.start(
                ModelServer.Config.defaults(base).withModelName("m").withPorts(0, -1))) {
            ModelServerTest.Reply r = ModelServerTest.send(server, "POST", "/v1/models/m:predict", PREDICT);
            assertEquals(200, r.status(), r.text());
            assertEquals(
                    JsonParser.parseString("{\"predictions\": [[[[4.0, 6.0]]]]}"),
                    JsonParser.parseString(r.text()),
                    r.text());
        }
    }

    @Test
    void atStartUpABf16ModelThatDisagreesIsOneUserError(@TempDir Path dir) throws Exception {
        Path base = dir.resolve("m");
        exportBf16(base.resolve("1"));
        System.setProperty(Bf16SelfCheck.DISAGREE_PROPERTY, "Conv2D:1.5");
        JacktfException e = assertThrows(JacktfException.class, () -> ModelServer.start(
                        ModelServer.Config.defaults(base).withModelName("m").withPorts(0, -1))
                .close());
        String m = e.getMessage();
        assertTrue(m.startsWith("Model m cannot be served: version 1 in " + base), m);
        assertTrue(m.contains("failed to load (FAILED_PRECONDITION): bf16 refused for serving " + base), m);
        assertTrue(m.contains("Disagreed: Conv2D [[2, 1, 1, 2], [1, 1, 2, 2]]"), m);
        assertTrue(m.contains("--precision fp32"), m);
        assertFalse(m.contains("\n"), m);
    }

    @Test
    void afterStartUpABf16VersionThatDisagreesIsAStateAndTheServedOneKeepsServing(@TempDir Path dir) throws Exception {
        Path base = dir.resolve("m");
        TinyModels.exportTiny(base.resolve("1"), 1f);
        try (ModelServer server = ModelServer.start(ModelServer.Config.defaults(base)
                .withModelName("m")
                .withPorts(0, -1)
                .withThreads(1, 8, 1))) {
            System.setProperty(Bf16SelfCheck.DISAGREE_PROPERTY, "Conv2D:1.5");
            exportBf16(dir.resolve("staging"));
            Files.move(dir.resolve("staging"), base.resolve("2"));
            AvailabilityTest.waitFor(
                    "version 2 is reported failed",
                    () -> server.service().registry().model("m").states().size() == 2);
            assertEquals(Set.of(1L), server.servedVersions("m"), "version 1 keeps serving");
            JsonObject failed = ModelServerTest.send(server, "GET", "/v1/models/m/versions/2", null)
                    .json()
                    .getAsJsonObject()
                    .getAsJsonArray("model_version_status")
                    .get(0)
                    .getAsJsonObject();
            assertEquals("END", failed.get("state").getAsString());
            JsonObject status = failed.getAsJsonObject("status");
            assertEquals("FAILED_PRECONDITION", status.get("error_code").getAsString());
            String message = status.get("error_message").getAsString();
            assertTrue(message.startsWith("bf16 refused for serving " + base.resolve("2")), message);
            assertTrue(message.contains("Disagreed: Conv2D "), message);
            ModelServerTest.Reply r = ModelServerTest.send(
                    server,
                    "POST",
                    "/v1/models/m:predict",
                    "{\"signature_name\": \"double\", \"instances\": [[1.0, 2.0]]}");
            assertEquals(
                    JsonParser.parseString("{\"predictions\": [[2.0, 4.0]]}"),
                    JsonParser.parseString(r.text()),
                    r.text());
        }
    }
}
