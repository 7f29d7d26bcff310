/**
 * The HTML report of a training run: curves read from TensorBoard event files, the evaluation's
 * metrics, sample predictions, the restore plan and the frozen/trainable split, as one
 * self-contained page (inline SVG, no network).
 *
 * <p>May import: {@code config}, {@code runtime}, {@code traindir}, {@code eval}.
 */
package jacktf.report;
