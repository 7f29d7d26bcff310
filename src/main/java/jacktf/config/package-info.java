/**
 * The vocabulary every other package shares: slim's defaults as named constants ({@code Defaults},
 * in tensorflow-framework's {@code *_DEFAULT} style), the enums that choose between behaviours, and
 * the exceptions that mark a failure as the user's to fix ({@link jacktf.config.JacktfException},
 * {@link jacktf.config.ConfigException}).
 *
 * <p>Imports no other jacktf package: everything may import it.
 */
package jacktf.config;
