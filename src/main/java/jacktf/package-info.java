/**
 * jacktf: fine-tuning TF-Slim ResNet checkpoints from Java on real TensorFlow graphs. The root package holds
 * only {@link jacktf.Main}, the {@code jacktf} command line's entry point, which hands its arguments to
 * {@code jacktf.cli} and is the one place that calls {@code System.exit}.
 *
 * <p>The library is in the subpackages, layered as ARCHITECTURE.md draws them: {@code config} and {@code runtime}
 * at the bottom; the network ({@code model}), checkpoints ({@code checkpoint}) and input ({@code data}) above;
 * then the train dir ({@code traindir}), the cluster ({@code cluster}), training ({@code train}), evaluation
 * ({@code eval}), export ({@code export}), serving ({@code serve}), the HTML report ({@code report}),
 * measurements ({@code bench}), support for users' JUnit tests ({@code testing}) and the command line
 * ({@code cli}) on top. A program that uses jacktf as a library starts from {@code jacktf.train.Trainer},
 * {@code jacktf.export.SavedModelExporter} or {@code jacktf.serve.Classifier}; nothing in the library depends on
 * this package.
 */
package jacktf;
