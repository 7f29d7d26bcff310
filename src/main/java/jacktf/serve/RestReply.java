package jacktf.serve;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/**
 * An HTTP status and its body (JSON, or the metrics' text), and the one place a REST failure
 * becomes a status: the {@link ServingException}'s code through TF Serving's table, with TF
 * Serving's {@code {"error": "..."}} body; an internal failure's details go to the log only.
 */
record RestReply(int status, JsonElement body, String text) {

    /** 200 with a JSON body. */
    static RestReply ok(JsonElement body) {
        return new RestReply(200, body, null);
    }

    /** 200 with a text body (the metrics). */
    static RestReply text(String text) {
        return new RestReply(200, null, text);
    }

    /** The reply for a failure. */
    static RestReply of(ServingException e) {
        String message = e.clientVisible() ? e.getMessage() : InferenceService.logInternal(e);
        JsonObject body = new JsonObject();
        body.addProperty("error", message == null ? "unknown error" : message);
        return new RestReply(e.httpStatus(), body, null);
    }
}
