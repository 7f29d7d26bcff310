package jacktf.serve;

/** An unknown model, version or path: HTTP 404. */
final class NotFound extends RuntimeException {
    NotFound(String message) {
        super(message);
    }
}
