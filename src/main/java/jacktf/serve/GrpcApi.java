package jacktf.serve;

import com.google.protobuf.Any;
import com.google.protobuf.Int64Value;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import jacktf.serve.apis.ClassificationRequest;
import jacktf.serve.apis.ClassificationResponse;
import jacktf.serve.apis.ClassificationResult;
import jacktf.serve.apis.Classifications;
import jacktf.serve.apis.GetModelMetadataRequest;
import jacktf.serve.apis.GetModelMetadataResponse;
import jacktf.serve.apis.GetModelStatusRequest;
import jacktf.serve.apis.GetModelStatusResponse;
import jacktf.serve.apis.ModelServiceGrpc;
import jacktf.serve.apis.ModelSpec;
import jacktf.serve.apis.ModelVersionStatus;
import jacktf.serve.apis.PredictRequest;
import jacktf.serve.apis.PredictResponse;
import jacktf.serve.apis.PredictionServiceGrpc;
import jacktf.serve.apis.SignatureDefMap;
import jacktf.serve.apis.StatusProto;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.Example;
import org.tensorflow.proto.Features;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.error.Code;

/**
 * TF Serving's gRPC API over the served models: {@code PredictionService} (Predict,
 * GetModelMetadata, Classify on signatures whose method is classify) and
 * {@code ModelService.GetModelStatus}. Requests go through the same {@link InferenceService} as
 * REST (admission, batching, deadlines, metrics); answers complete asynchronously, so no gRPC
 * thread waits for a batch. Failures carry the gRPC status of the same canonical code.
 */
final class GrpcApi {
    private final InferenceService service;

    GrpcApi(InferenceService service) {
        this.service = service;
    }

    /** The PredictionService implementation. */
    PredictionServiceGrpc.PredictionServiceImplBase predictionService() {
        return new PredictionServiceGrpc.PredictionServiceImplBase() {
            @Override
            public void predict(PredictRequest request, StreamObserver<PredictResponse> out) {
                GrpcApi.this.predict(request, out);
            }

            @Override
            public void getModelMetadata(
                    GetModelMetadataRequest request, StreamObserver<GetModelMetadataResponse> out) {
                GrpcApi.this.metadata(request, out);
            }

            @Override
            public void classify(ClassificationRequest request, StreamObserver<ClassificationResponse> out) {
                GrpcApi.this.classify(request, out);
            }
        };
    }

    /** The ModelService implementation (GetModelStatus). */
    ModelServiceGrpc.ModelServiceImplBase modelService() {
        return new ModelServiceGrpc.ModelServiceImplBase() {
            @Override
            public void getModelStatus(GetModelStatusRequest request, StreamObserver<GetModelStatusResponse> out) {
                GrpcApi.this.status(request, out);
            }
        };
    }

    private static InferenceService.ModelRef ref(ModelSpec spec) {
        Optional<Long> version =
                spec.hasVersion() ? Optional.of(spec.getVersion().getValue()) : Optional.empty();
        Optional<String> label = spec.getVersionChoiceCase() == ModelSpec.VersionChoiceCase.VERSION_LABEL
                ? Optional.of(spec.getVersionLabel())
                : Optional.empty();
        return new InferenceService.ModelRef(spec.getName(), version, label);
    }

    private static String signatureName(ModelSpec spec) {
        return spec.getSignatureName().isEmpty() ? PredictCodec.DEFAULT_SIGNATURE : spec.getSignatureName();
    }

    private static ModelSpec answeredSpec(String name, long version, String signature) {
        return ModelSpec.newBuilder()
                .setName(name)
                .setVersion(Int64Value.of(version))
                .setSignatureName(signature)
                .build();
    }

    private long deadline() {
        Deadline d = Context.current().getDeadline();
        return service.deadline(
                d == null ? Optional.empty() : Optional.of(System.nanoTime() + d.timeRemaining(TimeUnit.NANOSECONDS)));
    }

    /**
     * Admits, runs {@code body}, and answers its failure with the matching status (counted). Any
     * throwable, an Error too, finishes the call (else its in-flight slot would never be released)
     * and is answered INTERNAL with a generic message, the details in the log.
     */
    private <T> void call(String method, ModelSpec spec, StreamObserver<T> out, Body<T> body) {
        InferenceService.Call call;
        try {
            call = method.equals("status") // no model runs: not held to --max-in-flight
                    ? service.admitUnlimited("grpc", spec.getName(), method)
                    : service.admit("grpc", spec.getName(), method);
        } catch (ServingException refused) {
            out.onError(status(refused));
            return;
        }
        try {
            body.run(call);
        } catch (Throwable e) {
            fail(call, out, e);
        }
    }

    private interface Body<T> {
        void run(InferenceService.Call call);
    }

    /**
     * Runs the request {@code decode} builds, within the call's deadline, and answers with what {@code reply}
     * makes of the result; a failure, in the run or in building the reply, is answered with its status.
     */
    private <T> void runAndAnswer(
            InferenceService.Call call,
            ModelSpec spec,
            Function<ServedModel, InferenceService.RunRequest> decode,
            StreamObserver<T> out,
            Function<InferenceService.RunResult, T> reply) {
        long deadline = deadline();
        InferenceService.within(service.run(call, ref(spec), decode, deadline), deadline)
                .whenComplete((result, e) -> {
                    if (e != null) {
                        fail(call, out, e);
                        return;
                    }
                    try {
                        succeed(call, out, reply.apply(result));
                    } catch (Throwable bad) {
                        fail(call, out, bad);
                    }
                });
    }

    private static <T> void fail(InferenceService.Call call, StreamObserver<T> out, Throwable e) {
        ServingException failure = ServingException.of(e instanceof CompletionException ? e.getCause() : e);
        call.finish(failure.code());
        out.onError(status(failure));
    }

    private static <T> void succeed(InferenceService.Call call, StreamObserver<T> out, T reply) {
        call.finish(Code.OK);
        out.onNext(reply);
        out.onCompleted();
    }

    static StatusRuntimeException status(ServingException e) {
        String message = e.clientVisible() ? e.getMessage() : InferenceService.logInternal(e);
        return Status.fromCodeValue(e.code().getNumber())
                .withDescription(message)
                .asRuntimeException();
    }

    private void predict(PredictRequest request, StreamObserver<PredictResponse> out) {
        ModelSpec spec = request.getModelSpec();
        call("predict", spec, out, call -> {
            Function<ServedModel, InferenceService.RunRequest> decode = model -> {
                SignatureSpec signature = model.signature(signatureName(spec), RequestChecks::predictSignatureMissing);
                call.signature = signature.key();
                RequestChecks.inputs(signature, request.getInputsMap().keySet());
                List<String> outputs = RequestChecks.outputs(signature, request.getOutputFilterList());
                return new InferenceService.RunRequest(
                        signature, inputs(request.getInputsMap(), service.maxTensorBytes()), outputs);
            };
            runAndAnswer(call, spec, decode, out, result -> {
                PredictResponse.Builder reply = PredictResponse.newBuilder()
                        .setModelSpec(answeredSpec(
                                spec.getName(),
                                result.version(),
                                result.signature().key()));
                result.outputs().forEach((name, t) -> reply.putOutputs(name, ProtoTensors.toProto(t)));
                return reply.build();
            });
        });
    }

    /** The request's tensors by alias, each in its own dtype (TF Serving's GetInputValues: the runtime checks). */
    private static Map<String, HostTensor> inputs(Map<String, TensorProto> given, long maxTensorBytes) {
        Map<String, HostTensor> inputs = new LinkedHashMap<>();
        given.forEach((alias, proto) -> inputs.put(alias, ProtoTensors.fromProto(alias, proto, maxTensorBytes)));
        return inputs;
    }

    private void metadata(GetModelMetadataRequest request, StreamObserver<GetModelMetadataResponse> out) {
        ModelSpec spec = request.getModelSpec();
        call("metadata", spec, out, call -> {
            if (request.getMetadataFieldCount() == 0) {
                throw ServingException.invalidArgument(
                        "GetModelMetadataRequest must specify at least one metadata_field (\"signature_def\")");
            }
            for (String field : request.getMetadataFieldList()) {
                if (!field.equals("signature_def")) {
                    throw ServingException.invalidArgument(
                            "Metadata field " + field + " is not supported; expected \"signature_def\"");
                }
            }
            GetModelMetadataResponse reply = service.withVersion(call, ref(spec), loaded -> {
                SignatureDefMap.Builder defs = SignatureDefMap.newBuilder();
                loaded.model.signatures().forEach(s -> defs.putSignatureDef(s.key(), s.def()));
                return GetModelMetadataResponse.newBuilder()
                        .setModelSpec(ModelSpec.newBuilder()
                                .setName(spec.getName())
                                .setVersion(Int64Value.of(loaded.version)))
                        .putMetadata("signature_def", Any.pack(defs.build()))
                        .build();
            });
            succeed(call, out, reply);
        });
    }

    private void status(GetModelStatusRequest request, StreamObserver<GetModelStatusResponse> out) {
        ModelSpec spec = request.getModelSpec();
        call("status", spec, out, call -> {
            InferenceService.ModelRef ref = ref(spec);
            GetModelStatusResponse.Builder reply = GetModelStatusResponse.newBuilder();
            for (ModelVersions.VersionState s :
                    service.registry().model(spec.getName()).status(ref.version(), ref.label())) {
                reply.addModelVersionStatus(ModelVersionStatus.newBuilder()
                        .setVersion(s.version())
                        .setState(ModelVersionStatus.State.valueOf(s.state()))
                        .setStatus(StatusProto.newBuilder()
                                .setErrorCode(s.errorCode())
                                .setErrorMessage(s.error())));
            }
            succeed(call, out, reply.build());
        });
    }

    /**
     * Classify on a signature whose method is {@code tensorflow/serving/classify}: the examples go
     * in serialized as its string input, and its {@code classes} and/or {@code scores} outputs
     * come back per example.
     */
    private void classify(ClassificationRequest request, StreamObserver<ClassificationResponse> out) {
        ModelSpec spec = request.getModelSpec();
        call("classify", spec, out, call -> {
            List<Example> examples = examples(request);
            Function<ServedModel, InferenceService.RunRequest> decode = model -> {
                SignatureSpec signature = model.signature(signatureName(spec));
                call.signature = signature.key();
                if (!signature.methodName().equals(SignatureSpec.CLASSIFY_METHOD)
                        || signature.inputs().size() != 1
                        || signature.inputs().values().iterator().next().dtype() != DataType.DT_STRING) {
                    throw ServingException.invalidArgument("Signature '" + signature.key() + "' is "
                            + signature.methodName() + " with inputs "
                            + signature.inputs().keySet()
                            + "; Classify needs a " + SignatureSpec.CLASSIFY_METHOD
                            + " signature with one string input (serialized tf.Examples)");
                }
                List<String> outputs = new ArrayList<>();
                for (String o : List.of("classes", "scores")) {
                    if (signature.outputs().containsKey(o)) {
                        outputs.add(o);
                    }
                }
                byte[][] serialized = new byte[examples.size()][];
                for (int i = 0; i < serialized.length; i++) {
                    serialized[i] = examples.get(i).toByteArray();
                }
                String input = signature.inputs().keySet().iterator().next();
                return new InferenceService.RunRequest(
                        signature,
                        Map.of(input, new HostTensor(DataType.DT_STRING, new long[] {serialized.length}, serialized)),
                        outputs);
            };
            runAndAnswer(call, spec, decode, out, result -> ClassificationResponse.newBuilder()
                    .setModelSpec(answeredSpec(
                            spec.getName(), result.version(), result.signature().key()))
                    .setResult(classifications(result.outputs(), examples.size()))
                    .build());
        });
    }

    private static List<Example> examples(ClassificationRequest request) {
        var input = request.getInput();
        List<Example> examples = new ArrayList<>();
        switch (input.getKindCase()) {
            case EXAMPLE_LIST -> examples.addAll(input.getExampleList().getExamplesList());
            case EXAMPLE_LIST_WITH_CONTEXT -> {
                Features context =
                        input.getExampleListWithContext().getContext().getFeatures();
                for (Example e : input.getExampleListWithContext().getExamplesList()) {
                    Example.Builder merged = e.toBuilder();
                    merged.getFeaturesBuilder().putAllFeature(context.getFeatureMap());
                    examples.add(merged.build());
                }
            }
            case KIND_NOT_SET -> {}
        }
        if (examples.isEmpty()) {
            throw ServingException.invalidArgument("Input is empty; expected example_list with at least one Example");
        }
        return examples;
    }

    private static ClassificationResult classifications(Map<String, HostTensor> outputs, int n) {
        HostTensor classes = outputs.get("classes");
        HostTensor scores = outputs.get("scores");
        HostTensor first = classes != null ? classes : scores;
        if (first == null || first.rows() != n) {
            throw new ServingException(
                    Code.INVALID_ARGUMENT,
                    "The classify signature answered "
                            + (first == null
                                    ? "neither classes nor scores"
                                    : first.rows() + " rows for " + n + " examples"));
        }
        int k = first.size() / n;
        ClassificationResult.Builder result = ClassificationResult.newBuilder();
        for (int i = 0; i < n; i++) {
            Classifications.Builder c = Classifications.newBuilder();
            for (int j = 0; j < k; j++) {
                var one = c.addClassesBuilder();
                if (classes != null) {
                    one.setLabel(new String(((byte[][]) classes.values)[i * k + j], StandardCharsets.UTF_8));
                }
                if (scores != null) {
                    one.setScore(((float[]) scores.values)[i * k + j]);
                }
            }
            result.addClassifications(c);
        }
        return result.build();
    }
}
