package jacktf.serve;

import jacktf.serve.apis.ClassificationResult;
import jacktf.serve.apis.Classifications;
import jacktf.serve.apis.Input;
import jacktf.serve.apis.RegressionResult;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.Example;

/**
 * Classify, Regress and MultiInference as TF Serving runs them (its classifier.cc, regressor.cc,
 * multi_inference.cc and util.cc), for REST and gRPC alike: the request's {@code tf.Example}s go
 * in serialized, as a string vector, through the signature's one input {@code inputs}; classify
 * answers per example its classes ({@code classes}, labels, and/or {@code scores}), regress one
 * value ({@code outputs}). The signature's method name is not checked (TF Serving checks it only
 * with --enable_signature_method_name_check, off by default), its form is; what comes out is
 * checked before it is answered. Every refusal is INVALID_ARGUMENT, as in TF Serving.
 */
final class ExampleRunner {
    /** The method names of MultiInference tasks (and of the signatures TF Serving exports for them). */
    static final String CLASSIFY = "tensorflow/serving/classify";

    static final String REGRESS = "tensorflow/serving/regress";

    private ExampleRunner() {}

    /**
     * The examples of an Input, serialized: with a context, each is the context's bytes followed by
     * the example's, as TF Serving builds them, so an example's feature wins over the context's of
     * the same name when TensorFlow parses it. No example is INVALID_ARGUMENT ("Input is empty.").
     */
    static HostTensor serialized(Input input) {
        List<byte[]> out = new ArrayList<>();
        switch (input.getKindCase()) {
            case EXAMPLE_LIST -> input.getExampleList().getExamplesList().forEach(e -> out.add(e.toByteArray()));
            case EXAMPLE_LIST_WITH_CONTEXT -> {
                byte[] context = input.getExampleListWithContext().getContext().toByteArray();
                for (Example e : input.getExampleListWithContext().getExamplesList()) {
                    ByteArrayOutputStream both = new ByteArrayOutputStream();
                    both.writeBytes(context);
                    both.writeBytes(e.toByteArray());
                    out.add(both.toByteArray());
                }
            }
            case KIND_NOT_SET -> {}
        }
        if (out.isEmpty()) {
            throw ServingException.invalidArgument(
                    "Input is empty. Expected example_list or example_list_with_context with at least one Example");
        }
        return new HostTensor(DataType.DT_STRING, new long[] {out.size()}, out.toArray(byte[][]::new));
    }

    /**
     * The run of a Classify or Regress request on the signature {@code key} (empty:
     * serving_default) of the version it is given: the signature looked up and checked, the
     * examples fed. For {@link InferenceService#run}; {@code call} learns the signature.
     */
    static Function<ServedModel, InferenceService.RunRequest> decode(
            InferenceService.Call call, String key, boolean classify, HostTensor examples) {
        return model -> {
            SignatureSpec signature = model.signature(
                    key.isEmpty() ? PredictCodec.DEFAULT_SIGNATURE : key, RequestChecks::exampleSignatureMissing);
            call.signature = signature.key();
            return (classify ? classify(signature) : regress(signature)).run(examples);
        };
    }

    /** What a task runs: the signature, the outputs to fetch by alias, and whether it classifies or regresses. */
    record Task(SignatureSpec signature, List<String> outputs, boolean classify) {
        /** The run of this task on the serialized examples, fed to the signature's one input. */
        InferenceService.RunRequest run(HostTensor examples) {
            return new InferenceService.RunRequest(
                    signature, Map.of(signature.inputs().keySet().iterator().next(), examples), outputs);
        }
    }

    /**
     * A classify task on {@code signature}: one input, {@code inputs}; one or two outputs, of
     * which {@code classes} and/or {@code scores} are fetched.
     */
    static Task classify(SignatureSpec signature) {
        if (signature.inputs().size() != 1) {
            throw ServingException.invalidArgument("Expected one input Tensor. Signature '" + signature.key() + "' has "
                    + signature.inputs().keySet());
        }
        if (signature.outputs().size() != 1 && signature.outputs().size() != 2) {
            throw ServingException.invalidArgument("Expected one or two output Tensors, found "
                    + signature.outputs().size() + " in signature '" + signature.key() + "'");
        }
        if (!signature.inputs().containsKey("inputs")) {
            throw ServingException.invalidArgument("No classification inputs found in SignatureDef '"
                    + signature.key() + "': expected an input named \"inputs\"; it has "
                    + signature.inputs().keySet());
        }
        List<String> outputs = new ArrayList<>();
        for (String o : List.of("classes", "scores")) {
            if (signature.outputs().containsKey(o)) {
                outputs.add(o);
            }
        }
        if (outputs.isEmpty()) {
            throw ServingException.invalidArgument("Expected classification signature outputs to contain at least "
                    + "one of \"classes\" or \"scores\". Signature '" + signature.key() + "' has "
                    + signature.outputs().keySet());
        }
        return new Task(signature, outputs, true);
    }

    /** A regress task on {@code signature}: one input, {@code inputs}, and one output, {@code outputs}. */
    static Task regress(SignatureSpec signature) {
        if (signature.inputs().size() != 1) {
            throw ServingException.invalidArgument("Expected one input Tensor. Signature '" + signature.key() + "' has "
                    + signature.inputs().keySet());
        }
        if (signature.outputs().size() != 1) {
            throw ServingException.invalidArgument("Expected one output Tensor. Signature '" + signature.key()
                    + "' has " + signature.outputs().keySet());
        }
        if (!signature.inputs().containsKey("inputs")) {
            throw ServingException.invalidArgument("No regression inputs found in SignatureDef '" + signature.key()
                    + "': expected an input named \"inputs\"; it has "
                    + signature.inputs().keySet());
        }
        if (!signature.outputs().containsKey("outputs")) {
            throw ServingException.invalidArgument("No regression outputs found in SignatureDef '"
                    + signature.key() + "': expected an output named \"outputs\"; it has "
                    + signature.outputs().keySet());
        }
        return new Task(signature, List.of("outputs"), false);
    }

    /**
     * The classes of {@code n} examples: {@code classes} a string matrix [n, k] (labels),
     * {@code scores} a float matrix [n, k]; a model with scores only answers empty labels.
     */
    static ClassificationResult classifications(Map<String, HostTensor> outputs, int n) {
        HostTensor classes = outputs.get("classes");
        HostTensor scores = outputs.get("scores");
        check(classes, DataType.DT_STRING, "classes", n);
        check(scores, DataType.DT_FLOAT, "scores", n);
        if (classes != null && scores != null && classes.shape[1] != scores.shape[1]) {
            throw ServingException.invalidArgument("Tensors class and score should match in dim_size(1). Got "
                    + classes.shape[1] + " vs. " + scores.shape[1]);
        }
        int k = (int) (classes != null ? classes.shape[1] : scores.shape[1]);
        ClassificationResult.Builder result = ClassificationResult.newBuilder();
        for (int i = 0; i < n; i++) {
            Classifications.Builder c = result.addClassificationsBuilder();
            for (int j = 0; j < k; j++) {
                var one = c.addClassesBuilder();
                if (classes != null) {
                    one.setLabel(new String(((byte[][]) classes.values)[i * k + j], StandardCharsets.UTF_8));
                }
                if (scores != null) {
                    one.setScore(((float[]) scores.values)[i * k + j]);
                }
            }
        }
        return result.build();
    }

    private static void check(HostTensor t, DataType dtype, String name, int n) {
        if (t == null) {
            return;
        }
        if (t.shape.length != 2) {
            throw ServingException.invalidArgument("Expected Tensor shape: [batch_size num_classes] but got "
                    + Arrays.toString(t.shape) + " for " + name);
        }
        if (t.dtype != dtype) {
            throw ServingException.invalidArgument("Expected " + name + " Tensor of " + dtype + ". Got: " + t.dtype);
        }
        if (t.shape[0] != n) {
            throw ServingException.invalidArgument(
                    "Expected " + name + " output batch size of " + n + ". Got: " + t.shape[0]);
        }
    }

    /** One float per example: the output is [n] or [n, 1]. */
    static RegressionResult regressions(Map<String, HostTensor> outputs, int n) {
        HostTensor t = outputs.get("outputs");
        if (!(t.shape.length == 1 || (t.shape.length == 2 && t.shape[1] == 1))) {
            throw ServingException.invalidArgument("Expected output Tensor shape to be either [batch_size] or "
                    + "[batch_size, 1] but got " + Arrays.toString(t.shape));
        }
        if (t.shape[0] != n) {
            throw ServingException.invalidArgument(
                    "Input batch size did not match output batch size: " + n + " vs. " + t.shape[0]);
        }
        if (t.dtype != DataType.DT_FLOAT) {
            throw ServingException.invalidArgument("Expected output Tensor of DT_FLOAT.  Got: " + t.dtype);
        }
        RegressionResult.Builder result = RegressionResult.newBuilder();
        for (float v : (float[]) t.values) {
            result.addRegressionsBuilder().setValue(v);
        }
        return result.build();
    }
}
