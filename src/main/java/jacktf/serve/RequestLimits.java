package jacktf.serve;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * What the server admits per request: today the body size. A refused body is skipped (never
 * stored) so the client reads the 400 (INVALID_ARGUMENT) instead of a connection reset.
 */
record RequestLimits(long maxBodyBytes) {

    /** Reads a request body of at most {@code maxBodyBytes}; {@code contentLength} is the header or null. */
    String readBody(InputStream in, String contentLength) throws IOException {
        if (contentLength != null && Long.parseLong(contentLength.trim()) > maxBodyBytes) {
            discard(in);
            throw ServingException.invalidArgument("Request body of " + contentLength.trim()
                    + " bytes exceeds the limit of " + maxBodyBytes + " (the server's --max-body-bytes)");
        }
        byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
        if (body.length > maxBodyBytes) {
            discard(in);
            throw ServingException.invalidArgument(
                    "Request body exceeds the limit of " + maxBodyBytes + " bytes (the server's --max-body-bytes)");
        }
        return new String(body, StandardCharsets.UTF_8);
    }

    /** Past a few times the limit the connection is simply dropped rather than read on. */
    private void discard(InputStream in) throws IOException {
        long budget = 4 * maxBodyBytes;
        byte[] sink = new byte[64 * 1024];
        for (int n; budget > 0 && (n = in.read(sink, 0, (int) Math.min(sink.length, budget))) > 0; ) {
            budget -= n;
        }
    }
}
