package jacktf.serve;

/** A request the server cannot run as given: its message goes back to the client with HTTP 400. */
final class BadRequest extends RuntimeException {
    BadRequest(String message) {
        super(message);
    }
}
