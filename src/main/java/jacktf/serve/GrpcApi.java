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
import jacktf.serve.apis.GetModelMetadataRequest;
import jacktf.serve.apis.GetModelMetadataResponse;
import jacktf.serve.apis.GetModelStatusRequest;
import jacktf.serve.apis.GetModelStatusResponse;
import jacktf.serve.apis.InferenceResult;
import jacktf.serve.apis.InferenceTask;
import jacktf.serve.apis.ModelServiceGrpc;
import jacktf.serve.apis.ModelSpec;
import jacktf.serve.apis.ModelVersionStatus;
import jacktf.serve.apis.MultiInferenceRequest;
import jacktf.serve.apis.MultiInferenceResponse;
import jacktf.serve.apis.PredictRequest;
import jacktf.serve.apis.PredictResponse;
import jacktf.serve.apis.PredictionServiceGrpc;
import jacktf.serve.apis.RegressionRequest;
import jacktf.serve.apis.RegressionResponse;
import jacktf.serve.apis.SignatureDefMap;
import jacktf.serve.apis.StatusProto;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
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

            @Override
            public void regress(RegressionRequest request, StreamObserver<RegressionResponse> out) {
                GrpcApi.this.regress(request, out);
            }

            @Override
            public void multiInference(MultiInferenceRequest request, StreamObserver<MultiInferenceResponse> out) {
                GrpcApi.this.multiInference(request, out);
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

    /** Classify (TF Serving's classifier): see {@link ExampleRunner}. */
    private void classify(ClassificationRequest request, StreamObserver<ClassificationResponse> out) {
        ModelSpec spec = request.getModelSpec();
        call("classify", spec, out, call -> {
            HostTensor examples = ExampleRunner.serialized(request.getInput());
            runAndAnswer(
                    call,
                    spec,
                    ExampleRunner.decode(call, spec.getSignatureName(), true, examples),
                    out,
                    result -> ClassificationResponse.newBuilder()
                            .setModelSpec(answeredSpec(
                                    spec.getName(),
                                    result.version(),
                                    result.signature().key()))
                            .setResult(ExampleRunner.classifications(result.outputs(), examples.rows()))
                            .build());
        });
    }

    /** Regress (TF Serving's regressor): see {@link ExampleRunner}. */
    private void regress(RegressionRequest request, StreamObserver<RegressionResponse> out) {
        ModelSpec spec = request.getModelSpec();
        call("regress", spec, out, call -> {
            HostTensor examples = ExampleRunner.serialized(request.getInput());
            runAndAnswer(
                    call,
                    spec,
                    ExampleRunner.decode(call, spec.getSignatureName(), false, examples),
                    out,
                    result -> RegressionResponse.newBuilder()
                            .setModelSpec(answeredSpec(
                                    spec.getName(),
                                    result.version(),
                                    result.signature().key()))
                            .setResult(ExampleRunner.regressions(result.outputs(), examples.rows()))
                            .build());
        });
    }

    /**
     * MultiInference (TF Serving's multi_inference.cc): classify and regress tasks of one model on
     * one input, all on the same version; the version of the first task's spec. Each task runs on
     * its signature's runner (TF Serving fetches all tasks' outputs in one session run: the same
     * values, as the examples and graph are the same).
     */
    private void multiInference(MultiInferenceRequest request, StreamObserver<MultiInferenceResponse> out) {
        ModelSpec first = request.getTasksCount() == 0
                ? ModelSpec.getDefaultInstance()
                : request.getTasks(0).getModelSpec();
        call("multi_inference", first, out, call -> {
            if (request.getTasksCount() == 0) {
                throw ServingException.invalidArgument(
                        "MultiInferenceRequest has no tasks; expected at least one InferenceTask");
            }
            Set<String> keys = new HashSet<>();
            for (InferenceTask task : request.getTasksList()) {
                if (task.getModelSpec().getName().isEmpty()) {
                    throw ServingException.invalidArgument("Found ModelSpec with an empty model name.");
                }
                if (!task.getModelSpec().getName().equals(first.getName())) {
                    throw ServingException.invalidArgument("All ModelSpecs in a MultiInferenceRequest must access "
                            + "the same model name. Received: " + first.getName() + " and "
                            + task.getModelSpec().getName());
                }
                if (!keys.add(signatureName(task.getModelSpec()))) {
                    throw ServingException.invalidArgument(
                            "Duplicate evaluation of signature: " + signatureName(task.getModelSpec()));
                }
                if (!task.getMethodName().equals(ExampleRunner.CLASSIFY)
                        && !task.getMethodName().equals(ExampleRunner.REGRESS)) {
                    throw new ServingException(
                            Code.UNIMPLEMENTED,
                            "Unsupported signature method_name: " + task.getMethodName() + "; expected "
                                    + ExampleRunner.CLASSIFY + " or " + ExampleRunner.REGRESS);
                }
            }
            HostTensor examples = ExampleRunner.serialized(request.getInput());
            List<ExampleRunner.Task> tasks = new ArrayList<>();
            Function<ServedModel, List<InferenceService.RunRequest>> decode = model -> {
                List<InferenceService.RunRequest> runs = new ArrayList<>();
                for (InferenceTask task : request.getTasksList()) {
                    SignatureSpec signature = model.signature(
                            signatureName(task.getModelSpec()),
                            (key, all) ->
                                    ServingException.invalidArgument("Requested signature not found in model graph: "
                                            + key + "; expected one of " + all));
                    ExampleRunner.Task t = task.getMethodName().equals(ExampleRunner.CLASSIFY)
                            ? ExampleRunner.classify(signature)
                            : ExampleRunner.regress(signature);
                    tasks.add(t);
                    runs.add(t.run(examples));
                }
                call.signature = String.join(",", keys.stream().sorted().toList());
                return runs;
            };
            long deadline = deadline();
            InferenceService.within(service.runAll(call, ref(first), decode, deadline), deadline)
                    .whenComplete((results, e) -> {
                        if (e != null) {
                            fail(call, out, e);
                            return;
                        }
                        try {
                            MultiInferenceResponse.Builder reply = MultiInferenceResponse.newBuilder();
                            for (int i = 0; i < tasks.size(); i++) {
                                InferenceResult.Builder r = reply.addResultsBuilder()
                                        .setModelSpec(answeredSpec(
                                                first.getName(),
                                                results.get(i).version(),
                                                tasks.get(i).signature().key()));
                                if (tasks.get(i).classify()) {
                                    r.setClassificationResult(ExampleRunner.classifications(
                                            results.get(i).outputs(), examples.rows()));
                                } else {
                                    r.setRegressionResult(ExampleRunner.regressions(
                                            results.get(i).outputs(), examples.rows()));
                                }
                            }
                            succeed(call, out, reply.build());
                        } catch (Throwable bad) {
                            fail(call, out, bad);
                        }
                    });
        });
    }
}
