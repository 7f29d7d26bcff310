package jacktf.serve;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.Optional;
import org.tensorflow.proto.error.Code;

/**
 * TF Serving's REST API over the served models: routes a request ({@link RequestRouter}), admits
 * it ({@link InferenceService}), and answers status, metadata or predict, the latter decoded and
 * encoded by {@link PredictCodec}. Also serves the Prometheus metrics.
 */
final class RestApi implements HttpTransport.Handler {
    private final InferenceService service;

    RestApi(InferenceService service) {
        this.service = service;
    }

    /**
     * No request thread is free: metrics and model status are still answered (on the accepting
     * thread: they are cheap and read no body), since they are what shows an operator the overload;
     * anything else is refused 503 without reading its body.
     */
    @Override
    public RestReply overloaded(HttpTransport.Request request) {
        Optional<RequestRouter.Route> route = RequestRouter.route(request.method(), request.rawPath());
        if (isMetrics(request) || isStatus(route)) {
            return handle(request);
        }
        return RestReply.of(service.reject(
                "rest",
                route.map(RequestRouter.Route::model).orElse(""),
                route.flatMap(RequestRouter.Route::endpoint)
                        .map(e -> e.name().toLowerCase())
                        .orElse("")));
    }

    @Override
    public RestReply handle(HttpTransport.Request request) {
        if (isMetrics(request)) {
            return RestReply.text(service.metrics().scrape());
        }
        Optional<RequestRouter.Route> route = RequestRouter.route(request.method(), request.rawPath());
        InferenceService.Call call;
        try {
            String model = route.map(RequestRouter.Route::model).orElse("");
            String method = route.flatMap(RequestRouter.Route::endpoint)
                    .map(e -> e.name().toLowerCase())
                    .orElse("");
            call = isStatus(route) // no model runs: not held to --max-in-flight
                    ? service.admitUnlimited("rest", model, method)
                    : service.admit("rest", model, method);
        } catch (ServingException refused) {
            return RestReply.of(refused);
        }
        try {
            JsonElement body = answer(call, route, request);
            call.finish(Code.OK);
            return RestReply.ok(body);
        } catch (Throwable e) { // an Error too: the call must finish, or its in-flight slot is lost
            ServingException failure = ServingException.of(e);
            call.finish(failure.code());
            return RestReply.of(failure);
        }
    }

    private static boolean isMetrics(HttpTransport.Request request) {
        return request.rawPath().equals(RequestRouter.METRICS_PATH)
                && request.method().equals("GET");
    }

    private static boolean isStatus(Optional<RequestRouter.Route> route) {
        return route.flatMap(RequestRouter.Route::endpoint).equals(Optional.of(RequestRouter.Endpoint.STATUS));
    }

    private JsonElement answer(
            InferenceService.Call call, Optional<RequestRouter.Route> routed, HttpTransport.Request request)
            throws Exception {
        RequestRouter.Route route = routed.orElseThrow(() -> ServingException.notFound("Malformed request: "
                + request.method() + " " + request.rawPath() + " (expected /v1/models/NAME[/versions/N|/labels/L]"
                + "[/metadata|:predict|:classify|:regress])"));
        ModelVersions model = service.registry().model(route.model());
        Optional<Long> version = route.version().map(v -> parseVersion(route.model(), v));
        InferenceService.ModelRef ref = new InferenceService.ModelRef(route.model(), version, route.label());
        RequestRouter.Endpoint endpoint = route.endpoint()
                .orElseThrow(() -> ServingException.notFound("No " + route.httpMethod() + " " + route.path()));
        return switch (endpoint) {
            case STATUS -> StatusJson.status(model.status(version, route.label()));
            case METADATA ->
                service.withVersion(
                        call,
                        ref,
                        loaded -> StatusJson.metadata(
                                route.model(), loaded.version, loaded.model.signatures(), loaded.model.assets()));
            case PREDICT -> predict(call, ref, request.body());
            case CLASSIFY -> examples(call, ref, request.body(), true);
            case REGRESS -> examples(call, ref, request.body(), false);
        };
    }

    /** A version in a URL: a number, or NOT_FOUND like any other unknown version. */
    private static long parseVersion(String model, String text) {
        if (!text.matches("\\d{1,18}")) {
            throw ServingException.notFound(
                    "Servable not found for request: version '" + text + "' of " + model + " (versions are numbers)");
        }
        return Long.parseLong(text);
    }

    /** {@code :classify} and {@code :regress}: TF Serving's JSON ({@link ExampleJson}) around {@link ExampleRunner}. */
    private JsonElement examples(
            InferenceService.Call call, InferenceService.ModelRef ref, String body, boolean classify) {
        ExampleJson.Request request = ExampleJson.request(body, classify ? "classify" : "regress");
        HostTensor examples = ExampleRunner.serialized(request.input());
        long deadline = service.deadline(Optional.empty());
        InferenceService.RunResult result = InferenceService.await(
                service.run(
                        call, ref, ExampleRunner.decode(call, request.signatureName(), classify, examples), deadline),
                deadline);
        return classify
                ? ExampleJson.classifications(ExampleRunner.classifications(result.outputs(), examples.rows()))
                : ExampleJson.regressions(ExampleRunner.regressions(result.outputs(), examples.rows()));
    }

    private JsonElement predict(InferenceService.Call call, InferenceService.ModelRef ref, String body) {
        JsonObject json = PredictCodec.parse(body);
        PredictCodec.Format[] format = new PredictCodec.Format[1];
        long deadline = service.deadline(Optional.empty());
        InferenceService.RunResult result = InferenceService.await(
                service.run(
                        call,
                        ref,
                        model -> {
                            PredictCodec.PredictRequest p =
                                    PredictCodec.decode(json, model::signature, service.maxTensorBytes());
                            format[0] = p.format();
                            return new InferenceService.RunRequest(
                                    p.signature(),
                                    p.inputs(),
                                    new ArrayList<>(p.signature().outputs().keySet()));
                        },
                        deadline),
                deadline);
        return PredictCodec.encode(format[0], result.outputs());
    }
}
