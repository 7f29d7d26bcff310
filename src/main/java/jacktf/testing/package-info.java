/**
 * JUnit 5 support for tests of jacktf models: {@link jacktf.testing.JacktfExtension} supplies a
 * small pretrained resnet_v1_50 checkpoint ({@link jacktf.testing.PretrainedCheckpoint}), fresh
 * train directories ({@link jacktf.testing.TempTrainDir}) and synthetic sample images
 * ({@link jacktf.testing.SampleImages}); {@link jacktf.testing.CheckpointAssertions} and
 * {@link jacktf.testing.SavedModelAssertions} check restores, frozen scopes, tolerances,
 * signatures and classifications.
 *
 * <p>Owns: test fixtures and assertions for users' tests; nothing in jacktf depends on it. May
 * import the public API of {@code jacktf.checkpoint}, {@code jacktf.model}, {@code jacktf.data},
 * {@code jacktf.train}, {@code jacktf.export} and {@code jacktf.serve} (it sits on top of the flow,
 * beside {@code cli}), TensorFlow's protos, and the JUnit Jupiter API with opentest4j. The JUnit API
 * is a {@code provided} dependency: the user's test classpath supplies it, so this package must only
 * be loaded from tests.
 */
package jacktf.testing;
