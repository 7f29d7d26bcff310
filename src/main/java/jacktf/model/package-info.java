/**
 * The networks of slim's zoo, built op by op with TF-Slim's exact variable names so slim checkpoints load.
 * {@link jacktf.model.Network} is what the trainer, evaluator, exporter, server and benchmark build;
 * {@link jacktf.model.Networks} holds every {@link jacktf.model.NetworkType} by slim's nets_factory name
 * ({@code --model}). Adding a network touches this package only: a builder (on {@code ZooNetwork} and
 * {@code ZooLayers}, reading like slim's file) and its registry entry. {@link jacktf.model.ResNetV1} keeps its
 * data as {@link jacktf.model.Architecture} (a scope and {@link jacktf.model.Block}s, as slim's
 * {@code resnet_v1(inputs, blocks)}); ResNet-v2, VGG, MobileNet-v1/-v2, Inception-v1 and Inception-ResNet-v2 build on
 * {@code ZooNetwork}. Also here: the {@link jacktf.model.VariableStore} that shares variables between towers,
 * batch norm per layer ({@link jacktf.model.BatchNormPolicy}; {@link jacktf.model.BatchNormFolding} for an
 * inference graph without it), {@link jacktf.model.ModelSpec} (which network a checkpoint holds) and
 * {@link jacktf.model.ScopeSet}, the one scope matcher.
 *
 * <p>May import: {@code config}, {@code runtime}. Knows nothing of checkpoints, data or training.
 */
package jacktf.model;
