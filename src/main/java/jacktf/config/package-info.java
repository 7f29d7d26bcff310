/**
 * The vocabulary every other package shares.
 *
 * <ul>
 *   <li>{@link jacktf.config.Defaults}: slim's defaults as named constants (tensorflow-framework's
 *       {@code *_DEFAULT} style), each citing its slim flag; the library's builders and the CLI's
 *       options read them, so a default lives in one place.
 *   <li>The enums that choose between behaviours, parsed from their flag text with
 *       {@code byName} (which names the valid values): {@link jacktf.config.OptimizerType},
 *       {@link jacktf.config.LearningRateDecayType}, {@link jacktf.config.FrozenBatchNorm},
 *       {@link jacktf.config.Preprocessing}.
 *   <li>The exceptions that mark a failure as the user's to fix: {@link jacktf.config.JacktfException}
 *       (its subclasses in other packages: dataset, checkpoint, cluster failures, a diverging run) and
 *       {@link jacktf.config.ConfigException}, which names the Java field and its valid range. Any
 *       other exception jacktf throws, {@code IllegalArgumentException} included, is a bug.
 * </ul>
 *
 * <p>Imports no other jacktf package: everything may import it.
 */
package jacktf.config;
