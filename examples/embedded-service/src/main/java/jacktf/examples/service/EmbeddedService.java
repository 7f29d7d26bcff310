package jacktf.examples.service;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import jacktf.serve.Classifier;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.tensorflow.exceptions.TFInvalidArgumentException;

/**
 * A small HTTP service that embeds jacktf: fine-tuning jobs in the background and image
 * classification with the latest finished model, swapped in without dropping a request.
 * <ul>
 *   <li>{@code POST /jobs} {@code {"dataset_dir": ..., "checkpoint": ..., "steps": N}}: 201 and the job;</li>
 *   <li>{@code GET /jobs/{id}}: state, step, loss, accuracy; {@code GET /jobs}: all of them;</li>
 *   <li>{@code DELETE /jobs/{id}}: cancels (202);</li>
 *   <li>{@code POST /classify?top_k=K}: image bytes in, {@code {"model_version", "predictions": [...]}} out;</li>
 *   <li>{@code GET /model}: the version and classes serving now.</li>
 * </ul>
 * Binds 127.0.0.1 unless told otherwise. Errors are JSON {@code {"error": ...}} with 400, 404, 405 or 503.
 */
public final class EmbeddedService implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService requests;
    private final ModelSlot<Classifier> slot = new ModelSlot<>();
    private final JobRunner jobs;

    private EmbeddedService(InetSocketAddress address, Path workDir, Path initialModel, int threads)
            throws IOException {
        jobs = new JobRunner(workDir, slot);
        if (initialModel != null) {
            Classifier classifier = Classifier.load(initialModel);
            slot.swap(classifier, 1);
        }
        server = HttpServer.create(address, 64);
        requests = Executors.newFixedThreadPool(threads);
        server.setExecutor(requests);
        server.createContext("/jobs", this::jobs);
        server.createContext("/classify", this::classify);
        server.createContext("/model", this::model);
        server.start();
    }

    /**
     * Starts the service on {@code host:port} (port 0: any free port), with {@code initialModel}
     * (a SavedModel or base path; null: none until the first job finishes) serving as version 1.
     */
    public static EmbeddedService start(String host, int port, Path workDir, Path initialModel) throws IOException {
        return new EmbeddedService(new InetSocketAddress(host, port), workDir, initialModel, 8);
    }

    /** The address it listens on, e.g. {@code http://127.0.0.1:41234}. */
    public URI uri() {
        InetSocketAddress a = server.getAddress();
        return URI.create("http://" + a.getHostString() + ":" + a.getPort());
    }

    /** The version serving now (0: none). */
    public long modelVersion() {
        return slot.version();
    }

    private void jobs(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String id = path.startsWith("/jobs/") ? path.substring("/jobs/".length()) : "";
            String method = exchange.getRequestMethod();
            if (id.isEmpty() && method.equals("POST")) {
                JobRequest request;
                try {
                    request = JobRequest.parse(
                            new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                } catch (IllegalArgumentException e) {
                    error(exchange, 400, e.getMessage());
                    return;
                }
                send(exchange, 201, jobs.submit(request).toJson());
            } else if (id.isEmpty() && method.equals("GET")) {
                JsonArray all = new JsonArray();
                jobs.all().forEach(j -> all.add(j.toJson()));
                JsonObject o = new JsonObject();
                o.add("jobs", all);
                send(exchange, 200, o);
            } else {
                Job job = jobs.get(id);
                if (job == null) {
                    error(exchange, 404, "No job '" + id + "'; GET /jobs lists them");
                } else if (method.equals("GET")) {
                    send(exchange, 200, job.toJson());
                } else if (method.equals("DELETE")) {
                    job.cancel();
                    send(exchange, 202, job.toJson());
                } else {
                    error(exchange, 405, method + " is not supported on /jobs/{id}; use GET or DELETE");
                }
            }
        } catch (RuntimeException e) {
            error(exchange, 500, e.toString());
        }
    }

    private void classify(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("POST")) {
                error(exchange, 405, "POST the image bytes to /classify");
                return;
            }
            int topK;
            try {
                topK = topK(exchange.getRequestURI().getQuery());
            } catch (IllegalArgumentException e) {
                error(exchange, 400, e.getMessage());
                return;
            }
            byte[] image = exchange.getRequestBody().readAllBytes();
            if (image.length == 0) {
                error(exchange, 400, "The body is empty; POST the bytes of a JPEG, PNG, GIF or BMP image");
                return;
            }
            try (ModelSlot.Lease<Classifier> lease = slot.acquire()) {
                if (lease == null) {
                    error(exchange, 503, "No model yet: start one with POST /jobs or run the service with --model");
                    return;
                }
                Classifier.Prediction prediction;
                try {
                    prediction = lease.model().classify(image);
                } catch (TFInvalidArgumentException e) {
                    error(exchange, 400, "The body is not a decodable image (" + firstLine(e.getMessage()) + ")");
                    return;
                }
                JsonArray scores = new JsonArray();
                for (Classifier.Score s : prediction
                        .scores()
                        .subList(0, Math.min(topK, prediction.scores().size()))) {
                    JsonObject o = new JsonObject();
                    o.addProperty("class", s.className());
                    o.addProperty("class_id", s.classId());
                    o.addProperty("probability", s.probability());
                    scores.add(o);
                }
                JsonObject o = new JsonObject();
                o.addProperty("model_version", lease.version());
                o.add("predictions", scores);
                send(exchange, 200, o);
            }
        } catch (RuntimeException e) {
            error(exchange, 500, e.toString());
        }
    }

    private void model(HttpExchange exchange) throws IOException {
        try (exchange;
                ModelSlot.Lease<Classifier> lease = slot.acquire()) {
            if (lease == null) {
                error(exchange, 503, "No model yet");
                return;
            }
            JsonObject o = new JsonObject();
            o.addProperty("model_version", lease.version());
            JsonArray classes = new JsonArray();
            lease.model().classNames().forEach(classes::add);
            o.add("classes", classes);
            send(exchange, 200, o);
        }
    }

    static int topK(String query) {
        if (query == null) {
            return 5;
        }
        for (String pair : query.split("&")) {
            if (pair.startsWith("top_k=")) {
                try {
                    int k = Integer.parseInt(pair.substring("top_k=".length()));
                    if (k >= 1) {
                        return k;
                    }
                } catch (NumberFormatException ignored) {
                    // reported below
                }
                throw new IllegalArgumentException("top_k must be a positive integer. Received: " + pair);
            }
        }
        return 5;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "no detail";
        }
        return List.of(s.split("\n")).stream()
                .filter(l -> !l.isBlank())
                .findFirst()
                .orElse(s)
                .trim();
    }

    private static void error(HttpExchange exchange, int status, String message) throws IOException {
        JsonObject o = new JsonObject();
        o.addProperty("error", message);
        send(exchange, status, o);
    }

    private static void send(HttpExchange exchange, int status, JsonObject body) throws IOException {
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Stops accepting requests, cancels jobs, and closes the model once its requests are done. */
    @Override
    public void close() throws InterruptedException {
        server.stop(1);
        requests.shutdown();
        requests.awaitTermination(30, TimeUnit.SECONDS);
        jobs.close();
        slot.close();
    }
}
