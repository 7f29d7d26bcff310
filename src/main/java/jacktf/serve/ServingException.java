package jacktf.serve;

import com.google.gson.JsonParseException;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.tensorflow.exceptions.TFFailedPreconditionException;
import org.tensorflow.exceptions.TFInvalidArgumentException;
import org.tensorflow.exceptions.TFOutOfRangeException;
import org.tensorflow.exceptions.TFPermissionDeniedException;
import org.tensorflow.exceptions.TFResourceExhaustedException;
import org.tensorflow.exceptions.TFUnauthenticatedException;
import org.tensorflow.exceptions.TFUnimplementedException;
import org.tensorflow.proto.error.Code;

/**
 * A failed request with TensorFlow's canonical error code, the one place where failures get a
 * code: REST turns it into an HTTP status ({@link #httpStatus}) and gRPC into the status of the
 * same number, as TF Serving does. An {@code INTERNAL}/{@code UNKNOWN} failure's message stays in
 * the log; the client gets a generic one.
 */
final class ServingException extends RuntimeException {
    /** TF Serving's table (util/net_http/.../status_util) from canonical code to HTTP status. */
    private static final Map<Code, Integer> HTTP = Map.ofEntries(
            Map.entry(Code.OK, 200),
            Map.entry(Code.CANCELLED, 499),
            Map.entry(Code.UNKNOWN, 500),
            Map.entry(Code.INVALID_ARGUMENT, 400),
            Map.entry(Code.DEADLINE_EXCEEDED, 504),
            Map.entry(Code.NOT_FOUND, 404),
            Map.entry(Code.ALREADY_EXISTS, 409),
            Map.entry(Code.PERMISSION_DENIED, 403),
            Map.entry(Code.RESOURCE_EXHAUSTED, 429),
            Map.entry(Code.FAILED_PRECONDITION, 400),
            Map.entry(Code.ABORTED, 409),
            Map.entry(Code.OUT_OF_RANGE, 400),
            Map.entry(Code.UNIMPLEMENTED, 501),
            Map.entry(Code.INTERNAL, 500),
            Map.entry(Code.UNAVAILABLE, 503),
            Map.entry(Code.DATA_LOSS, 500),
            Map.entry(Code.UNAUTHENTICATED, 401));

    private final Code code;

    ServingException(Code code, String message) {
        super(message);
        this.code = code;
    }

    ServingException(Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    static ServingException invalidArgument(String message) {
        return new ServingException(Code.INVALID_ARGUMENT, message);
    }

    static ServingException notFound(String message) {
        return new ServingException(Code.NOT_FOUND, message);
    }

    static ServingException unavailable(String message) {
        return new ServingException(Code.UNAVAILABLE, message);
    }

    /** TensorFlow's canonical code of this failure. */
    Code code() {
        return code;
    }

    /** The HTTP status TF Serving's REST API gives this code. */
    int httpStatus() {
        return HTTP.getOrDefault(code, 500);
    }

    /** Whether the message may go to the client: not for internal failures, whose text can hold anything. */
    boolean clientVisible() {
        return code != Code.INTERNAL && code != Code.UNKNOWN && code != Code.DATA_LOSS;
    }

    /**
     * Any failure as a ServingException: TensorFlow's runtime errors by their code where TF Java
     * 1.1.0 has a class for it (7 codes; a NOT_FOUND, UNAVAILABLE, ABORTED... of the runtime comes
     * as a plain TensorFlowException without its code, so it is internal), JSON syntax errors as bad input, a
     * wait that timed out as DEADLINE_EXCEEDED, and
     * everything else, a bug or a native failure, as internal.
     */
    static ServingException of(Throwable e) {
        if (e instanceof ServingException s) {
            return s;
        }
        if (e instanceof TimeoutException) { // a caller's wait on a run ran out
            return new ServingException(Code.DEADLINE_EXCEEDED, "The request did not finish within its deadline", e);
        }
        String message = e.getMessage() == null ? e.toString() : e.getMessage().strip(); // TF's end in a newline
        Code code;
        if (e instanceof TFInvalidArgumentException || e instanceof JsonParseException) {
            code = Code.INVALID_ARGUMENT;
        } else if (e instanceof TFFailedPreconditionException) {
            code = Code.FAILED_PRECONDITION;
        } else if (e instanceof TFOutOfRangeException) {
            code = Code.OUT_OF_RANGE;
        } else if (e instanceof TFResourceExhaustedException) {
            code = Code.RESOURCE_EXHAUSTED;
        } else if (e instanceof TFUnimplementedException) {
            code = Code.UNIMPLEMENTED;
        } else if (e instanceof TFPermissionDeniedException) {
            code = Code.PERMISSION_DENIED;
        } else if (e instanceof TFUnauthenticatedException) {
            code = Code.UNAUTHENTICATED;
        } else {
            code = Code.INTERNAL;
        }
        return new ServingException(code, message, e);
    }
}
