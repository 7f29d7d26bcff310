/**
 * Serving exported models: {@link jacktf.serve.Classifier} (the Java API over a SavedModel or a
 * checkpoint) and {@link jacktf.serve.ModelServer}, TF Serving's REST API split by job: version
 * registry ({@code ModelVersions}), batcher ({@code RowBatcher}), URL routing ({@code RequestRouter}),
 * JSON codec ({@code PredictCodec}, {@code JsonTensors}, {@code StatusJson}), admission
 * ({@code RequestLimits}) and HTTP transport ({@code HttpTransport}), wired by {@code RestApi}.
 * Imports from jacktf only {@code export} (the inference graph), {@code checkpoint}, {@code data}
 * (labels, model info), {@code model} (precision) and {@code runtime} (sessions); nothing imports it but cli and bench.
 */
package jacktf.serve;
