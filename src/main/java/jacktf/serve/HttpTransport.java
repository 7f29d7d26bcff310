package jacktf.serve;

import com.google.gson.Gson;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The HTTP side of the REST API: listens, hands each request's method, path and (size-limited)
 * body to a {@link Handler}, and writes its {@link RestReply} as JSON. Knows nothing of models.
 */
final class HttpTransport implements AutoCloseable {
    private static final Gson GSON = new Gson();

    /** One request as the API sees it; the body is read only when asked for. */
    interface Request {
        /** GET, POST, ... */
        String method();

        /** The raw (percent-encoded) path. */
        String rawPath();

        /** The body as UTF-8, refused with a {@link BadRequest} past the {@link RequestLimits}. */
        String body() throws IOException;
    }

    /** Answers a request; failures are already turned into replies ({@link RestReply#of}). */
    interface Handler {
        /** The reply to one request. */
        RestReply handle(Request request);
    }

    private final HttpServer http;
    private final ExecutorService executor;

    private HttpTransport(HttpServer http, ExecutorService executor) {
        this.http = http;
        this.executor = executor;
    }

    /** Binds {@code host:port} (0: any free port) and serves with {@code threads} request threads. */
    static HttpTransport start(String host, int port, int threads, RequestLimits limits, Handler handler)
            throws IOException {
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress(host, port), 64);
        } catch (IOException e) {
            throw new IOException("Cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        http.createContext("/", exchange -> exchange(exchange, limits, handler));
        http.setExecutor(executor);
        http.start();
        return new HttpTransport(http, executor);
    }

    private static void exchange(HttpExchange exchange, RequestLimits limits, Handler handler) throws IOException {
        try (exchange) {
            RestReply reply;
            try {
                reply = handler.handle(new Request() {
                    @Override
                    public String method() {
                        return exchange.getRequestMethod();
                    }

                    @Override
                    public String rawPath() {
                        return exchange.getRequestURI().getRawPath();
                    }

                    @Override
                    public String body() throws IOException {
                        return limits.readBody(
                                exchange.getRequestBody(),
                                exchange.getRequestHeaders().getFirst("Content-Length"));
                    }
                });
            } catch (RuntimeException e) { // a handler bug still answers, as a 500
                reply = RestReply.of(e);
            }
            byte[] bytes = GSON.toJson(reply.body()).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(reply.status(), bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /** The bound port. */
    int port() {
        return http.getAddress().getPort();
    }

    @Override
    public void close() {
        http.stop(0);
        executor.shutdownNow();
    }
}
