/**
 * Evaluation of a trained checkpoint on a dataset, as slim's {@code eval_image_classifier.py}
 * (accuracy, recall at 5, confusion matrix, per-class precision and recall, eval summaries), and
 * extraction of an inner layer's activations for every image ({@code .npy} plus a TensorBoard
 * projector).
 *
 * <p>May import: {@code config}, {@code runtime}, {@code model}, {@code checkpoint}, {@code data},
 * {@code traindir}.
 */
package jacktf.eval;
