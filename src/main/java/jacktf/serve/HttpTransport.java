package jacktf.serve;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The HTTP side of the REST API: listens, hands each request's method, path and (size-limited)
 * body to a {@link Handler}, and writes its {@link RestReply}. Knows nothing of models.
 *
 * <p>Bounded: {@code threads} request threads over a queue of {@code queued} connections. When
 * both are full the request is answered on the accepting thread by
 * {@link Handler#overloaded} (503) without reading its body, so overload is shed at once instead
 * of piling up memory and latency.
 */
final class HttpTransport implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(HttpTransport.class.getName());
    // NaN and infinities are written as TF Serving writes them (NaN, Infinity), not refused
    private static final Gson GSON =
            new GsonBuilder().serializeSpecialFloatingPointValues().create();
    private static final ThreadLocal<Boolean> OVERFLOW = ThreadLocal.withInitial(() -> false);

    /** One request as the API sees it; the body is read only when asked for. */
    interface Request {
        /** GET, POST, ... */
        String method();

        /** The raw (percent-encoded) path. */
        String rawPath();

        /** The body as UTF-8, refused with an INVALID_ARGUMENT past the {@link RequestLimits}. */
        String body() throws IOException;
    }

    /** Answers a request; failures are already turned into replies. */
    interface Handler {
        /** The reply to one request. */
        RestReply handle(Request request);

        /** The reply to a request the transport has no room for (503), counted but not run. */
        RestReply overloaded(Request request);
    }

    /** How long {@link #close} lets requests being answered finish (gRPC's transport allows as long). */
    static final Duration GRACE = Duration.ofSeconds(5);

    private final HttpServer http;
    private final ThreadPoolExecutor executor;
    private final AtomicInteger active;

    private HttpTransport(HttpServer http, ThreadPoolExecutor executor, AtomicInteger active) {
        this.http = http;
        this.executor = executor;
        this.active = active;
    }

    /** Binds {@code host:port} (0: any free port) and serves with {@code threads} request threads. */
    static HttpTransport start(String host, int port, int threads, int queued, RequestLimits limits, Handler handler)
            throws IOException {
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress(host, port), 256);
        } catch (IOException e) {
            throw new IOException("Cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        ThreadPoolExecutor executor = new ThreadPoolExecutor(
                threads, threads, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(Math.max(1, queued)), (task, pool) -> {
                    if (pool.isShutdown()) {
                        return;
                    }
                    OVERFLOW.set(true); // the accepting thread answers 503 itself: cheap, and nothing queues
                    try {
                        task.run();
                    } finally {
                        OVERFLOW.set(false);
                    }
                });
        AtomicInteger active = new AtomicInteger();
        http.createContext("/", exchange -> {
            active.incrementAndGet();
            try {
                exchange(exchange, limits, handler);
            } finally {
                active.decrementAndGet();
            }
        });
        http.setExecutor(executor);
        http.start();
        return new HttpTransport(http, executor, active);
    }

    private static void exchange(HttpExchange exchange, RequestLimits limits, Handler handler) throws IOException {
        try (exchange) {
            Request request = new Request() {
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
            };
            RestReply reply;
            try {
                reply = OVERFLOW.get() ? handler.overloaded(request) : handler.handle(request);
            } catch (Throwable e) { // a handler bug, or an Error, still answers, as a 500 (details logged)
                reply = RestReply.of(ServingException.of(e));
            }
            byte[] bytes;
            if (reply.text() != null) {
                bytes = reply.text().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", ServingMetrics.CONTENT_TYPE);
            } else {
                bytes = GSON.toJson(reply.body()).getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
            }
            exchange.sendResponseHeaders(reply.status(), bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        } catch (IOException e) {
            LOG.log(Level.FINE, "A client went away", e);
        }
    }

    /** The bound port. */
    int port() {
        return http.getAddress().getPort();
    }

    /**
     * Lets the requests being answered finish, for up to {@link #GRACE}, then stops listening and
     * cuts what is left. The handler is expected to refuse new requests by then (503: the server
     * is shutting down), so those end at once and do not hold the drain up.
     */
    @Override
    public void close() {
        long until = System.nanoTime() + GRACE.toNanos();
        try {
            while (active.get() > 0 && System.nanoTime() - until < 0) {
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        http.stop(0);
        executor.shutdownNow();
    }
}
