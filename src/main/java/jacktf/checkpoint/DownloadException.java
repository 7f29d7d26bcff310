package jacktf.checkpoint;

import jacktf.config.JacktfException;
import java.net.URI;

/**
 * A zoo archive that could not be fetched (no network, an HTTP error, a cut connection), saying what
 * to download and where to put it.
 */
public class DownloadException extends JacktfException {
    private static final long serialVersionUID = 1L;

    private final URI url;

    public DownloadException(URI url, String message, Throwable cause) {
        super(message, cause);
        this.url = url;
    }

    public DownloadException(URI url, String message) {
        super(message);
        this.url = url;
    }

    /** The address that failed. */
    public URI url() {
        return url;
    }
}
