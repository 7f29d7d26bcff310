package jacktf.serve;

import com.google.gson.JsonElement;
import java.util.List;
import java.util.Map;

/**
 * TF Serving's REST API over one model: routes a request ({@link RequestRouter}), takes a lease
 * on the served version ({@link ModelVersions}), and answers status, metadata or predict, the
 * latter decoded and encoded by {@link PredictCodec} and run through the version's batcher.
 */
final class RestApi implements HttpTransport.Handler {
    private final String modelName;
    private final ModelVersions versions;

    RestApi(String modelName, ModelVersions versions) {
        this.modelName = modelName;
        this.versions = versions;
    }

    @Override
    public RestReply handle(HttpTransport.Request request) {
        try {
            return RestReply.ok(answer(request));
        } catch (Exception e) {
            return RestReply.of(e);
        }
    }

    private JsonElement answer(HttpTransport.Request request) throws Exception {
        RequestRouter.Route route = RequestRouter.route(request.method(), request.rawPath())
                .filter(r -> r.model().equals(modelName))
                .orElseThrow(() -> new NotFound("Servable not found for request: " + request.rawPath()
                        + " (this server serves /v1/models/" + modelName + ")"));
        try (ModelVersions.Lease lease = versions.lease()) {
            ModelVersions.Loaded loaded = lease.loaded();
            if (route.version().isPresent() && !route.version().get().equals(Integer.toString(loaded.version))) {
                throw new NotFound("Version " + route.version().get() + " of " + modelName + " is not loaded; version "
                        + loaded.version + " is");
            }
            RequestRouter.Endpoint endpoint =
                    route.endpoint().orElseThrow(() -> new NotFound("No " + route.httpMethod() + " " + route.path()));
            return switch (endpoint) {
                case STATUS -> StatusJson.status(loaded.version);
                case METADATA -> StatusJson.metadata(modelName, loaded.version, loaded.model.signatures());
                case PREDICT -> predict(loaded, request.body());
            };
        }
    }

    private static JsonElement predict(ModelVersions.Loaded loaded, String body) throws Exception {
        PredictCodec.PredictRequest request = PredictCodec.decode(body, loaded.model.signatures());
        Map<String, List<JsonElement>> outputs =
                loaded.batcher(request.signature()).run(request.inputs(), request.rows());
        return PredictCodec.encode(request.format(), outputs, request.rows());
    }
}
