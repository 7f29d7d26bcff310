/**
 * The {@code jacktf} command line: picocli commands ({@code train}, {@code eval}, {@code export},
 * {@code serve}, ...) on top of the library, with slim's flag names in kebab-case.
 *
 * <p>Owns what only a command line has: flags and their defaults (read from
 * {@link jacktf.config.Defaults}, so {@code --help} shows the values in force), the conversion of
 * flag text to the library's types, console progress, and the exit codes (see {@code UserErrors}):
 * 0 done, 1 the user's failure ({@link jacktf.config.JacktfException} and file errors, one line; a
 * {@link jacktf.config.ConfigException} names the flag instead of the Java field), 2 a flag
 * picocli cannot parse, 70 a bug (with its stack trace). The only package that writes to
 * stdout/stderr; nothing here calls {@code System.exit} ({@code jacktf.Main} does).
 *
 * <p>May import every other jacktf package; none imports it.
 */
package jacktf.cli;
