package jacktf.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.Int64Value;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import jacktf.config.JacktfException;
import jacktf.serve.apis.GetModelStatusRequest;
import jacktf.serve.apis.GetModelStatusResponse;
import jacktf.serve.apis.ModelServiceGrpc;
import jacktf.serve.apis.ModelSpec;
import jacktf.serve.apis.ModelVersionStatus;
import jacktf.serve.apis.PredictLog;
import jacktf.serve.apis.PredictRequest;
import jacktf.serve.apis.PredictionLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.error.Code;

/**
 * Availability first, as TF Serving's model server (its AvailabilityPreservingPolicy): a new
 * version replaces the served one only once it has loaded; a corrupt one leaves the previous one
 * serving, under client load without a single failed request, and is a state (END, its error)
 * in the status over REST and gRPC and a count in the metrics. At start-up the same failure is a
 * one-line user error. Models are tiny ones the tests write; the corrupt version is a real
 * saved_model.pb cut in half, as an interrupted upload leaves it.
 */
class AvailabilityTest {
    /** The longest any wait for the poller may take; polls are every second. */
    private static final long WAIT_MILLIS = 30_000;

    static void waitFor(String what, BooleanSupplier done) throws InterruptedException {
        long until = System.currentTimeMillis() + WAIT_MILLIS;
        while (!done.getAsBoolean()) {
            if (System.currentTimeMillis() > until) {
                throw new AssertionError("Timed out waiting until " + what);
            }
            Thread.sleep(100);
        }
    }

    /** A version directory whose saved_model.pb is the first half of a real one: no proto at all. */
    static void writeCorruptVersion(Path base, long version, Path staging) throws Exception {
        TinyModels.exportTiny(staging, 1f);
        byte[] pb = Files.readAllBytes(staging.resolve("saved_model.pb"));
        Files.write(staging.resolve("saved_model.pb"), Arrays.copyOf(pb, pb.length / 2));
        Files.move(staging, base.resolve(Long.toString(version)));
    }

    /** {@code double} of "tiny": y = 2x, so [[1, 2]] gives [[2, 4]] in every version. */
    private static final String DOUBLE = "{\"signature_name\": \"double\", \"instances\": [[1.0, 2.0]]}";

    private static final JsonObject DOUBLED =
            JsonParser.parseString("{\"predictions\": [[2.0, 4.0]]}").getAsJsonObject();

    @Test
    void aCorruptNewVersionUnderLoadFailsNoRequestAndIsAStateInTheStatus(@TempDir Path dir) throws Exception {
        Path base = dir.resolve("m");
        TinyModels.exportTiny(base.resolve("1"), 1f);
        ManagedChannel channel = null;
        try (ModelServer server = ModelServer.start(ModelServer.Config.defaults(base)
                .withModelName("m")
                .withPorts(0, 0)
                .withBatching(1, 0)
                .withThreads(1, 8, 1))) {
            channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.grpcPort())
                    .usePlaintext()
                    .build();
            // a bounded client load: two clients, each at most 4000 requests, stopped once the checks are done
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger answered = new AtomicInteger();
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < 2; c++) {
                Thread t = new Thread(() -> {
                    for (int i = 0; i < 4000 && !stop.get(); i++) {
                        try {
                            ModelServerTest.Reply r =
                                    ModelServerTest.send(server, "POST", "/v1/models/m:predict", DOUBLE);
                            if (r.status() != 200 || !r.json().equals(DOUBLED)) {
                                failures.add(r.status() + " " + r.text());
                            }
                        } catch (Exception e) {
                            failures.add(e.toString());
                        }
                        answered.incrementAndGet();
                    }
                });
                t.start();
                clients.add(t);
            }
            try {
                waitFor("the clients are answered", () -> answered.get() >= 20);
                writeCorruptVersion(base, 2, dir.resolve("staging2"));
                waitFor(
                        "version 2 is reported failed",
                        () -> server.service().registry().model("m").states().size() == 2);
                int atFailure = answered.get();
                waitFor("more requests are answered", () -> answered.get() >= atFailure + 50);
                assertEquals(Set.of(1L), server.servedVersions("m"), "version 1 keeps serving");

                JsonObject status = ModelServerTest.send(server, "GET", "/v1/models/m", null)
                        .json()
                        .getAsJsonObject();
                var versions = status.getAsJsonArray("model_version_status");
                assertEquals(2, versions.size(), status.toString());
                JsonObject failed = versions.get(0).getAsJsonObject();
                assertEquals("2", failed.get("version").getAsString());
                assertEquals("END", failed.get("state").getAsString());
                assertEquals(
                        "DATA_LOSS",
                        failed.getAsJsonObject("status").get("error_code").getAsString());
                String message =
                        failed.getAsJsonObject("status").get("error_message").getAsString();
                assertTrue(message.contains("saved_model.pb"), message);
                assertFalse(message.contains("\n"), "one line: " + message);
                JsonObject serving = versions.get(1).getAsJsonObject();
                assertEquals("1", serving.get("version").getAsString());
                assertEquals("AVAILABLE", serving.get("state").getAsString());
                assertEquals(
                        "OK",
                        serving.getAsJsonObject("status").get("error_code").getAsString());
                assertEquals(
                        failed,
                        ModelServerTest.send(server, "GET", "/v1/models/m/versions/2", null)
                                .json()
                                .getAsJsonObject()
                                .getAsJsonArray("model_version_status")
                                .get(0),
                        "the failed version's own status is the same");

                GetModelStatusResponse grpc = ModelServiceGrpc.newBlockingStub(channel)
                        .getModelStatus(GetModelStatusRequest.newBuilder()
                                .setModelSpec(
                                        ModelSpec.newBuilder().setName("m").setVersion(Int64Value.of(2)))
                                .build());
                assertEquals(1, grpc.getModelVersionStatusCount());
                ModelVersionStatus g = grpc.getModelVersionStatus(0);
                assertEquals(ModelVersionStatus.State.END, g.getState());
                assertEquals(Code.DATA_LOSS, g.getStatus().getErrorCode());
                assertEquals(message, g.getStatus().getErrorMessage());

                String metrics = ModelServerTest.send(server, "GET", RequestRouter.METRICS_PATH, null)
                        .text();
                assertTrue(
                        metrics.lines()
                                .anyMatch(l -> l.startsWith("jacktf_serving_model_events_total")
                                        && l.contains("event=\"load_failed\"")
                                        && l.contains("version=\"2\"")
                                        && l.endsWith(" 1.0")),
                        metrics);

                // a good version 3 replaces 1 once loaded, still without a failed request
                TinyModels.exportTiny(dir.resolve("staging3"), 1f);
                Files.move(dir.resolve("staging3"), base.resolve("3"));
                waitFor("version 3 replaces version 1", () -> server.servedVersions("m")
                        .equals(Set.of(3L)));
                int atSwap = answered.get();
                waitFor("more requests are answered", () -> answered.get() >= atSwap + 50);
            } finally {
                stop.set(true);
                for (Thread t : clients) {
                    t.join(WAIT_MILLIS);
                }
            }
            assertEquals(List.of(), List.copyOf(failures), "no request failed");
            assertTrue(answered.get() >= 120, "requests answered: " + answered.get());
        } finally {
            if (channel != null) {
                channel.shutdownNow();
            }
        }
    }

    @Test
    void atStartUpAVersionThatCannotLoadIsOneUserErrorNamingTheModel(@TempDir Path dir) throws Exception {
        Path base = dir.resolve("m");
        Files.createDirectories(base);
        writeCorruptVersion(base, 1, dir.resolve("staging"));
        JacktfException e = assertThrows(JacktfException.class, () -> ModelServer.start(
                        ModelServer.Config.defaults(base).withModelName("m").withPorts(0, -1))
                .close());
        assertTrue(e.getMessage().startsWith("Model m cannot be served: version 1 in " + base), e.getMessage());
        assertTrue(e.getMessage().contains("failed to load (DATA_LOSS)"), e.getMessage());
        assertTrue(e.getMessage().contains("saved_model.pb"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());

        JacktfException empty = assertThrows(
                JacktfException.class, () -> ModelServer.start(ModelServer.Config.defaults(dir.resolve("staging-none"))
                                .withModelName("none")
                                .withPorts(0, -1))
                        .close());
        assertTrue(empty.getMessage().startsWith("Model none cannot be served"), empty.getMessage());
    }

    /** A TFRecord file of the given records: length, masked CRC-32C of it, data, masked CRC-32C of it. */
    static void writeTfRecords(Path file, byte[]... records) throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] r : records) {
            byte[] length = java.nio.ByteBuffer.allocate(8)
                    .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                    .putLong(r.length)
                    .array();
            out.writeBytes(length);
            out.writeBytes(maskedCrc(length));
            out.writeBytes(r);
            out.writeBytes(maskedCrc(r));
        }
        Files.createDirectories(file.getParent());
        Files.write(file, out.toByteArray());
    }

    /** TFRecord's checksum, from its format description: CRC-32C, rotated right by 15, plus 0xa282ead8. */
    static byte[] maskedCrc(byte[] data) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(data);
        int c = (int) crc.getValue();
        int masked = ((c >>> 15) | (c << 17)) + 0xa282ead8;
        return java.nio.ByteBuffer.allocate(4)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .putInt(masked)
                .array();
    }

    static byte[] predictLog(String signature) {
        return PredictionLog.newBuilder()
                .setPredictLog(PredictLog.newBuilder()
                        .setRequest(PredictRequest.newBuilder()
                                .setModelSpec(ModelSpec.newBuilder().setSignatureName(signature))
                                .putInputs("x", TfServingModelsTest.floats(new long[] {1, 2}, 1, 2))))
                .build()
                .toByteArray();
    }

    @Test
    void aVersionServesOnlyOnceItsWarmUpRequestsRan(@TempDir Path dir) throws Exception {
        Path base = dir.resolve("w");
        TinyModels.exportTiny(base.resolve("1"), 1f);
        try (ModelVersions versions = new ModelVersions(
                "w",
                base,
                VersionPolicy.latest(),
                java.util.Map.of(),
                new SignatureRunner.Options(1, 0, 1, 4),
                new ServingMetrics())) {
            versions.refresh();
            assertEquals(Set.of(1L), versions.servedVersions());

            // a warm-up request that fails fails the load, as in TF Serving: version 1 keeps serving
            TinyModels.exportTiny(dir.resolve("s2"), 1f);
            writeTfRecords(dir.resolve("s2/" + Warmup.FILE), predictLog("double"), predictLog("nope"));
            Files.move(dir.resolve("s2"), base.resolve("2"));
            versions.refresh();
            assertEquals(Set.of(1L), versions.servedVersions());
            ModelVersions.VersionState failed = versions.failure().orElseThrow();
            assertEquals(2, failed.version());
            assertEquals(Code.FAILED_PRECONDITION, failed.errorCode(), failed.error());
            assertTrue(failed.error().startsWith("Warm-up request 2 of "), failed.error());
            assertTrue(failed.error().contains("\"nope\" not found"), failed.error());

            // a record that is no TFRecord: DATA_LOSS, TF Serving's code for it
            TinyModels.exportTiny(dir.resolve("s3"), 1f);
            writeTfRecords(dir.resolve("s3/" + Warmup.FILE), predictLog("double"));
            Path file = dir.resolve("s3/" + Warmup.FILE);
            byte[] bytes = Files.readAllBytes(file);
            bytes[bytes.length - 6] ^= 1; // a flipped bit in the record's data
            Files.write(file, bytes);
            Files.move(dir.resolve("s3"), base.resolve("3"));
            versions.refresh();
            assertEquals(Set.of(1L), versions.servedVersions());
            assertEquals(
                    Code.DATA_LOSS,
                    versions.status(java.util.Optional.of(3L), java.util.Optional.empty())
                            .get(0)
                            .errorCode());

            // good warm-up data: the version serves, version 1 goes
            TinyModels.exportTiny(dir.resolve("s4"), 1f);
            writeTfRecords(dir.resolve("s4/" + Warmup.FILE), predictLog("double"), predictLog("double"));
            Files.move(dir.resolve("s4"), base.resolve("4"));
            assertEquals(0, Warmup.replay(null, base.resolve("1"), 1), "no warm-up file: nothing to run");
            versions.refresh();
            assertEquals(
                    Set.of(4L), versions.servedVersions(), versions.states().toString());
        }
    }
}
