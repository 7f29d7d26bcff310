package jacktf.config;

/**
 * A configuration value out of its valid range, named by its field in the Java API
 * ({@code learningRate}, {@code batchSize}, ...). The CLI, which knows the flags, shows the flag
 * instead ({@code --learning-rate}); see {@link #withFieldShownAs}.
 */
public final class ConfigException extends JacktfException {
  private static final long serialVersionUID = 1L;

  private final String field;
  private final String expected;
  private final String received;

  /**
   * @param field the configuration field, as the Java API names it
   * @param expected what the field accepts, e.g. {@code "a number in (0, 1]"}
   * @param received the value given
   */
  public ConfigException(String field, String expected, Object received) {
    this(field, expected, String.valueOf(received), field);
  }

  private ConfigException(String field, String expected, String received, String shownAs) {
    super(shownAs + " must be " + expected + ". Received: " + received);
    this.field = field;
    this.expected = expected;
    this.received = received;
  }

  /** The field as the Java API names it. */
  public String field() {
    return field;
  }

  /** What the field accepts. */
  public String expected() {
    return expected;
  }

  /** The value given, as text. */
  public String received() {
    return received;
  }

  /** The same failure with the field shown under another name, such as a CLI flag. */
  public ConfigException withFieldShownAs(String name) {
    ConfigException e = new ConfigException(field, expected, received, name);
    e.setStackTrace(getStackTrace());
    return e;
  }
}
