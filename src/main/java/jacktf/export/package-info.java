/**
 * SavedModel export for serving: a lean inference graph (JPEG/PNG bytes decoded and preprocessed in
 * the graph, probabilities, classes, class names, features) built from a checkpoint and written with
 * its labels (registered as a MetaGraph asset) as a numbered TF Serving version directory, published
 * atomically; optionally with every batch norm folded into its convolution ({@link jacktf.export.ExportOptions}).
 *
 * <p>May import: {@code config}, {@code runtime}, {@code model}, {@code checkpoint}, {@code data},
 * {@code traindir}.
 */
package jacktf.export;
