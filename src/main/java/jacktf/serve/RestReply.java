package jacktf.serve;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import org.tensorflow.exceptions.TensorFlowException;

/**
 * An HTTP status and its JSON body, and the one place failures become statuses: unknown model,
 * version or path 404; a request the model cannot run 400; anything else 500. Error bodies are
 * TF Serving's {@code {"error": "..."}}.
 */
record RestReply(int status, JsonElement body) {

    /** 200 with a body. */
    static RestReply ok(JsonElement body) {
        return new RestReply(200, body);
    }

    /** The reply for a failed request. */
    static RestReply of(Exception e) {
        if (e instanceof NotFound) {
            return error(404, e.getMessage());
        }
        if (e instanceof BadRequest
                || e instanceof JsonParseException
                || e instanceof IllegalArgumentException
                || e instanceof IllegalStateException) {
            return error(400, e.getMessage());
        }
        if (e instanceof TensorFlowException) {
            // TF's messages end in a newline and sometimes are empty
            return error(
                    400, e.getMessage() == null ? e.toString() : e.getMessage().strip());
        }
        return error(500, "Internal error: " + e);
    }

    private static RestReply error(int status, String message) {
        JsonObject body = new JsonObject();
        body.addProperty("error", message == null ? "unknown error" : message);
        return new RestReply(status, body);
    }
}
