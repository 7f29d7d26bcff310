/**
 * Serving SavedModels: {@link jacktf.serve.Classifier} (the Java API over a jacktf SavedModel or a
 * checkpoint) and {@link jacktf.serve.ModelServer}, TF Serving's REST and gRPC APIs for any
 * SavedModel, split by job: models and versions ({@code ModelRegistry}, {@code ModelConfigFile},
 * {@code ModelVersions}, {@code ServedModel}, {@code Warmup}), the request path both APIs share
 * ({@code InferenceService}: admission and deadlines; {@code SignatureRunner}: bounded queue and
 * batching over {@code HostTensor}s; {@code RequestChecks}: TF Serving's Predict validation;
 * {@code ExampleRunner}: Classify, Regress and MultiInference), REST ({@code RequestRouter},
 * {@code PredictCodec}, {@code JsonTensors}, {@code ExampleJson}, {@code StatusJson},
 * {@code RestApi}, {@code HttpTransport}), gRPC
 * ({@code GrpcApi}, {@code ProtoTensors}, {@code GrpcTransport}; messages and stubs generated into
 * {@code jacktf.serve.apis}), errors by TF's canonical code ({@code ServingException}) and
 * Prometheus metrics ({@code ServingMetrics}).
 * Imports from jacktf only {@code config} (configuration errors), {@code export} (the inference
 * graph), {@code checkpoint}, {@code data} (labels), {@code model} (precision), {@code traindir}
 * and {@code runtime} (sessions; the bf16 self-check every bf16 model passes before it serves); nothing imports it
 * but cli, bench and testing.
 */
package jacktf.serve;
