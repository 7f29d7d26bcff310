/**
 * The network, built op by op with TF-Slim's exact variable names so slim checkpoints load:
 * {@link jacktf.model.Architecture} (a scope and a list of {@link jacktf.model.Block}s, as slim's
 * {@code resnet_v1(inputs, blocks)}), {@link jacktf.model.ResNetV1} (applies it to images and returns a
 * {@link jacktf.model.Tower} with logits, predictions and every endpoint), the layers, the
 * {@link jacktf.model.VariableStore} that shares variables between towers, batch norm per layer
 * ({@link jacktf.model.BatchNormPolicy}; {@link jacktf.model.BatchNormFolding} for an inference graph without it), and
 * {@link jacktf.model.ScopeSet}, the one scope matcher.
 *
 * <p>May import: {@code config}, {@code runtime}. Knows nothing of checkpoints, data or training.
 */
package jacktf.model;
