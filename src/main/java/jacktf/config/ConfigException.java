package jacktf.config;

import java.util.function.UnaryOperator;

/**
 * A configuration value out of its valid range, named by its field in the Java API
 * ({@code learningRate}, {@code batchSize}, ...): "learningRate must be a finite number > 0.
 * Received: -1.0". The CLI, which knows the flags, shows the flag instead
 * ({@code --learning-rate}); see {@link #withFieldShownAs} and {@link #withFieldsShownAs}.
 */
public final class ConfigException extends JacktfException {
    private static final long serialVersionUID = 1L;

    private final String field;
    private final String expected;
    private final String received;
    /** Another field the expectation refers to (a conflict), or null. */
    private final String otherField;

    /**
     * @param field the configuration field, as the Java API names it
     * @param expected what the field accepts, e.g. {@code "a number in (0, 1]"}
     * @param received the value given
     */
    public ConfigException(String field, String expected, Object received) {
        this(field, expected, String.valueOf(received), null, UnaryOperator.identity());
    }

    private ConfigException(
            String field, String expected, String received, String otherField, UnaryOperator<String> shownAs) {
        super(shownAs.apply(field) + " must be "
                + (otherField == null ? expected : expected.replace(PLACEHOLDER, shownAs.apply(otherField)))
                + ". Received: " + received);
        this.field = field;
        this.expected = expected;
        this.received = received;
        this.otherField = otherField;
    }

    private static final String PLACEHOLDER = "{other}";

    /**
     * Two fields set that exclude each other: "epochs must be unset when maxNumberOfSteps is set.
     * Received: 3.0".
     */
    public static ConfigException conflict(String field, String otherField, Object received) {
        return new ConfigException(
                field,
                "unset when " + PLACEHOLDER + " is set",
                String.valueOf(received),
                otherField,
                UnaryOperator.identity());
    }

    /**
     * A value out of range whose remedy is another field, written {@code {other}} in {@code expected} and shown
     * as that field is (a flag in the CLI): "imageSize must be at least 107 for inception_v3 with AuxLogits ...,
     * or AuxLogits off (auxLogits) .... Received: 100".
     */
    public static ConfigException withRemedy(String field, String expected, String otherField, Object received) {
        if (!expected.contains(PLACEHOLDER)) {
            throw new IllegalArgumentException("expected names the other field as " + PLACEHOLDER + ": " + expected);
        }
        return new ConfigException(field, expected, String.valueOf(received), otherField, UnaryOperator.identity());
    }

    /** The field as the Java API names it. */
    public String field() {
        return field;
    }

    /** The other field of a conflict, or null. */
    public String otherField() {
        return otherField;
    }

    /** What the field accepts. */
    public String expected() {
        return otherField == null ? expected : expected.replace(PLACEHOLDER, otherField);
    }

    /** The value given, as text. */
    public String received() {
        return received;
    }

    /** The same failure with the field shown under another name, such as a CLI flag. */
    public ConfigException withFieldShownAs(String name) {
        return withFieldsShownAs(f -> f.equals(field) ? name : f);
    }

    /**
     * The same failure with every field it names (the field and, for a conflict, the other)
     * shown as {@code names} maps them, e.g. to CLI flags.
     */
    public ConfigException withFieldsShownAs(UnaryOperator<String> names) {
        ConfigException e = new ConfigException(field, expected, received, otherField, names);
        e.initCause(getCause());
        e.setStackTrace(getStackTrace());
        return e;
    }
}
