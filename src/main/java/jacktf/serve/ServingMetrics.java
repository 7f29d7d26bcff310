package jacktf.serve;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.tensorflow.proto.error.Code;

/**
 * The server's metrics in a Micrometer registry, exposed in Prometheus' text format at
 * {@code /monitoring/prometheus/metrics} (TF Serving's path): requests by API, model, method,
 * signature and status code, request latency and batch size histograms, queue depth, requests in
 * flight, and model load/unload events.
 */
final class ServingMetrics {
    /** The Prometheus text format the scrape is written in. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicInteger inFlight = new AtomicInteger();

    ServingMetrics() {
        Gauge.builder("jacktf.serving.requests.in.flight", inFlight, AtomicInteger::get)
                .description("Requests admitted and not yet answered")
                .register(registry);
    }

    /** The counter of admitted requests, for the admission gate. */
    AtomicInteger inFlight() {
        return inFlight;
    }

    /**
     * One answered request: {@code api} rest or grpc, {@code method} predict, classify, regress,
     * multi_inference, metadata or status.
     */
    void request(String api, String model, String method, String signature, Code status, long nanos) {
        Counter.builder("jacktf.serving.requests")
                .description("Requests answered, by status code (OK, INVALID_ARGUMENT, NOT_FOUND, UNAVAILABLE, ...)")
                .tag("api", api)
                .tag("model", model)
                .tag("method", method)
                .tag("signature", signature)
                .tag("status", status.name())
                .register(registry)
                .increment();
        Timer.builder("jacktf.serving.request.latency")
                .description("Time from admission to answer, by outcome (ok, client_error, refused, "
                        + "deadline_exceeded, server_error): a refusal's microseconds never mix with a run's")
                .tag("api", api)
                .tag("model", model)
                .tag("method", method)
                .tag("outcome", outcome(status))
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry)
                .record(Duration.ofNanos(nanos));
    }

    /** The latency histogram's coarse outcome of a status code: five values, not seventeen codes' worth of series. */
    static String outcome(Code status) {
        return switch (status) {
            case OK -> "ok";
            case UNAVAILABLE, RESOURCE_EXHAUSTED -> "refused";
            case DEADLINE_EXCEEDED, CANCELLED -> "deadline_exceeded";
            case INTERNAL, UNKNOWN, DATA_LOSS -> "server_error";
            default -> "client_error";
        };
    }

    /** One session run of {@code rows} rows. */
    void batch(String model, String signature, int rows) {
        DistributionSummary.builder("jacktf.serving.batch.size")
                .description("Rows per session run")
                .tag("model", model)
                .tag("signature", signature)
                .publishPercentileHistogram()
                .minimumExpectedValue(1.0)
                .maximumExpectedValue(1024.0)
                .register(registry)
                .record(rows);
    }

    /** The queue depth of one signature's runner, until the returned meter is {@link #remove}d. */
    Meter queueDepth(String model, long version, String signature, Supplier<Number> depth) {
        return Gauge.builder("jacktf.serving.queue.depth", depth)
                .description("Requests waiting for a batch")
                .tag("model", model)
                .tag("version", Long.toString(version))
                .tag("signature", signature)
                .register(registry);
    }

    void remove(Meter meter) {
        registry.remove(meter);
    }

    /** A model version was loaded, unloaded or failed to load. */
    void modelEvent(String model, long version, String event) {
        Counter.builder("jacktf.serving.model.events")
                .description("Model version loads, unloads and failed loads")
                .tag("model", model)
                .tag("version", Long.toString(version))
                .tag("event", event)
                .register(registry)
                .increment();
    }

    /** Every metric in Prometheus' text format. */
    String scrape() {
        return registry.scrape();
    }
}
