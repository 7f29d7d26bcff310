package jacktf.serve;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * TF Serving's REST URLs to what they ask for:
 * {@code /v1/models/NAME[/versions/N | /labels/L][/metadata | :predict | :classify | :regress]}
 * and the HTTP method give a model name, an optional version or label and an {@link Endpoint}.
 * It knows nothing of which models are loaded; the caller checks (404 when unknown).
 */
final class RequestRouter {
    private static final Pattern PATH = Pattern.compile(
            "^/v1/models/([^/:]+)(?:/versions/([^/:]+)|/labels/([^/:]+))?(/metadata|:predict|:classify|:regress)?$");

    /** TF Serving's Prometheus path. */
    static final String METRICS_PATH = "/monitoring/prometheus/metrics";

    /** The REST methods a model answers. */
    enum Endpoint {
        /** {@code GET /v1/models/NAME}: the version status. */
        STATUS,
        /** {@code GET /v1/models/NAME/metadata}: the signatures. */
        METADATA,
        /** {@code POST /v1/models/NAME:predict}. */
        PREDICT,
        /** {@code POST /v1/models/NAME:classify}. */
        CLASSIFY,
        /** {@code POST /v1/models/NAME:regress}. */
        REGRESS
    }

    /**
     * One routed request. {@code version} and {@code label} are as written in the URL, empty for
     * "the newest served"; {@code endpoint} is empty when the path names a model but the HTTP
     * method does not fit it (answered 404 after the model is checked).
     */
    record Route(
            String model,
            Optional<String> version,
            Optional<String> label,
            Optional<Endpoint> endpoint,
            String httpMethod,
            String path) {}

    private RequestRouter() {}

    /** Routes a request by its HTTP method and raw (still percent-encoded) path; empty for a path outside the API. */
    static Optional<Route> route(String httpMethod, String rawPath) {
        Matcher m = PATH.matcher(rawPath);
        if (!m.matches()) {
            return Optional.empty();
        }
        String action = m.group(4);
        Endpoint endpoint = null;
        if (action == null && httpMethod.equals("GET")) {
            endpoint = Endpoint.STATUS;
        } else if ("/metadata".equals(action) && httpMethod.equals("GET")) {
            endpoint = Endpoint.METADATA;
        } else if (":predict".equals(action) && httpMethod.equals("POST")) {
            endpoint = Endpoint.PREDICT;
        } else if (":classify".equals(action) && httpMethod.equals("POST")) {
            endpoint = Endpoint.CLASSIFY;
        } else if (":regress".equals(action) && httpMethod.equals("POST")) {
            endpoint = Endpoint.REGRESS;
        }
        return Optional.of(new Route(
                m.group(1),
                Optional.ofNullable(m.group(2)),
                Optional.ofNullable(m.group(3)),
                Optional.ofNullable(endpoint),
                httpMethod,
                rawPath));
    }
}
