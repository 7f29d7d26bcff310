package jacktf.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** URL routing, body limits and the HTTP transport, without a model. */
class RestTransportTest {

    @Test
    void urlsRouteToModelVersionAndEndpoint() {
        RequestRouter.Route status =
                RequestRouter.route("GET", "/v1/models/cats").orElseThrow();
        assertEquals("cats", status.model());
        assertEquals(Optional.empty(), status.version());
        assertEquals(Optional.of(RequestRouter.Endpoint.STATUS), status.endpoint());
        RequestRouter.Route meta = RequestRouter.route("GET", "/v1/models/cats/versions/3/metadata")
                .orElseThrow();
        assertEquals(Optional.of("3"), meta.version());
        assertEquals(Optional.of(RequestRouter.Endpoint.METADATA), meta.endpoint());
        assertEquals(
                Optional.of(RequestRouter.Endpoint.PREDICT),
                RequestRouter.route("POST", "/v1/models/cats:predict")
                        .orElseThrow()
                        .endpoint());
        assertEquals(
                Optional.empty(),
                RequestRouter.route("GET", "/v1/models/cats:predict")
                        .orElseThrow()
                        .endpoint(),
                "predict is POST only");
        assertEquals(
                Optional.empty(),
                RequestRouter.route("POST", "/v1/models/cats").orElseThrow().endpoint());
        assertFalse(RequestRouter.route("GET", "/v2/models/cats").isPresent());
        assertFalse(RequestRouter.route("GET", "/v1/models/cats/versions/1/2").isPresent());
        // the raw path is never decoded: an encoded traversal is just an unknown model name
        assertEquals(
                "..%2F..%2Fetc",
                RequestRouter.route("GET", "/v1/models/..%2F..%2Fetc")
                        .orElseThrow()
                        .model());
    }

    @Test
    void bodiesPastTheLimitAreRefused() throws Exception {
        RequestLimits limits = new RequestLimits(10);
        byte[] ten = "0123456789".getBytes(StandardCharsets.UTF_8);
        assertEquals("0123456789", limits.readBody(new ByteArrayInputStream(ten), null));
        assertEquals("0123456789", limits.readBody(new ByteArrayInputStream(ten), "10"));
        ServingException declared = assertThrows(
                ServingException.class, () -> limits.readBody(new ByteArrayInputStream(new byte[11]), "11"));
        assertEquals(
                "Request body of 11 bytes exceeds the limit of 10 (the server's --max-body-bytes)",
                declared.getMessage());
        ServingException undeclared = assertThrows(
                ServingException.class, () -> limits.readBody(new ByteArrayInputStream(new byte[11]), null));
        assertEquals(
                "Request body exceeds the limit of 10 bytes (the server's --max-body-bytes)", undeclared.getMessage());
    }

    @Test
    void whenItsThreadAndQueueAreFullTheTransportAnswers503AtOnce() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger overloaded = new AtomicInteger();
        HttpTransport.Handler blocking = new HttpTransport.Handler() {
            @Override
            public RestReply handle(HttpTransport.Request request) {
                entered.countDown();
                try {
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return RestReply.ok(new JsonPrimitive("done"));
            }

            @Override
            public RestReply overloaded(HttpTransport.Request request) {
                overloaded.incrementAndGet();
                return RestReply.of(ServingException.unavailable("full"));
            }
        };
        ExecutorService clients = Executors.newFixedThreadPool(3);
        // one request thread, one queue slot
        try (HttpTransport transport = HttpTransport.start("127.0.0.1", 0, 1, 1, new RequestLimits(16), blocking)) {
            HttpClient client = HttpClient.newBuilder().executor(clients).build();
            HttpRequest get = HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + transport.port() + "/v1/models/m"))
                    .build();
            CompletableFuture<HttpResponse<String>> running =
                    client.sendAsync(get, HttpResponse.BodyHandlers.ofString());
            assertTrue(entered.await(20, TimeUnit.SECONDS), "the first request holds the only thread");
            // of the next two, one takes the queue slot and the other finds no room: 503 without waiting
            List<CompletableFuture<HttpResponse<String>>> next = List.of(
                    client.sendAsync(get, HttpResponse.BodyHandlers.ofString()),
                    client.sendAsync(get, HttpResponse.BodyHandlers.ofString()));
            HttpResponse<?> first = (HttpResponse<?>) CompletableFuture.anyOf(next.toArray(new CompletableFuture<?>[0]))
                    .get(20, TimeUnit.SECONDS);
            assertEquals(503, first.statusCode(), "answered while the first still runs");
            assertEquals(1, overloaded.get(), "counted by the handler");
            release.countDown();
            assertEquals(200, running.get(20, TimeUnit.SECONDS).statusCode());
            List<Integer> codes = new ArrayList<>();
            for (var f : next) {
                codes.add(f.get(20, TimeUnit.SECONDS).statusCode());
            }
            codes.sort(null);
            assertEquals(List.of(200, 503), codes, "the queued one ran once the thread was free");
        } finally {
            release.countDown();
            clients.shutdownNow();
        }
    }

    @Test
    void theTransportWritesRepliesAsJsonAndRefusesLargeBodiesWith400() throws Exception {
        HttpTransport.Handler echo = new HttpTransport.Handler() {
            @Override
            public RestReply handle(HttpTransport.Request request) {
                try {
                    JsonObject o = new JsonObject();
                    o.addProperty("method", request.method());
                    o.addProperty("path", request.rawPath());
                    o.add("body", new JsonPrimitive(request.body()));
                    return RestReply.ok(o);
                } catch (Exception e) {
                    return RestReply.of(ServingException.of(e));
                }
            }

            @Override
            public RestReply overloaded(HttpTransport.Request request) {
                return RestReply.of(ServingException.unavailable("full"));
            }
        };
        try (HttpTransport transport = HttpTransport.start("127.0.0.1", 0, 2, 2, new RequestLimits(16), echo)) {
            HttpClient client = HttpClient.newHttpClient();
            URI uri = URI.create("http://127.0.0.1:" + transport.port() + "/v1/models/m:predict");
            HttpResponse<String> ok = client.send(
                    HttpRequest.newBuilder(uri)
                            .POST(HttpRequest.BodyPublishers.ofString("{\"a\": 1}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ok.statusCode());
            assertEquals(Optional.of("application/json"), ok.headers().firstValue("Content-Type"));
            assertEquals(
                    JsonParser.parseString("{\"method\": \"POST\", \"path\": \"/v1/models/m:predict\", "
                            + "\"body\": \"{\\\"a\\\": 1}\"}"),
                    JsonParser.parseString(ok.body()));

            HttpResponse<String> big = client.send(
                    HttpRequest.newBuilder(uri)
                            .POST(HttpRequest.BodyPublishers.ofString("x".repeat(17)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(400, big.statusCode());
            assertEquals(
                    JsonParser.parseString(
                            "{\"error\": \"Request body of 17 bytes exceeds the limit of 16 (the server's --max-body-bytes)\"}"),
                    JsonParser.parseString(big.body()));
            HttpResponse<String> after = client.send(
                    HttpRequest.newBuilder(uri)
                            .POST(HttpRequest.BodyPublishers.ofString("ok"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, after.statusCode(), "the server stays up");
            assertTrue(after.body().contains("\"body\":\"ok\""), after.body());
        }
    }
}
