package jacktf.runtime;

/**
 * TensorFlow's native library could not be loaded: usually the natives of this platform are not on the class path
 * (a project that narrowed {@code tensorflow-core-platform} to another platform). The message names the platform
 * detected and the Maven dependency to add.
 */
public final class MissingNativesException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with the given explanation.
     *
     * @param message what is missing and what to add
     * @param cause the error TensorFlow's loader threw
     */
    public MissingNativesException(String message, Throwable cause) {
        super(message, cause);
    }
}
