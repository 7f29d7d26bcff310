package jacktf.serve;

import com.google.protobuf.InvalidProtocolBufferException;
import jacktf.runtime.Crc32c;
import jacktf.serve.apis.InferenceTask;
import jacktf.serve.apis.PredictRequest;
import jacktf.serve.apis.PredictionLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.proto.error.Code;

/**
 * TF Serving's model warm-up (its saved_model_warmup_util.cc): before a version is served, the
 * requests in {@code assets.extra/tf_serving_warmup_requests} (a TFRecord file of
 * {@code PredictionLog}s, at most 1000) are each run once on it, so the first clients do not pay
 * for TensorFlow's lazy initialization. They run on the version directly, with the same checks as
 * clients' requests; a record that cannot be read or a request that fails fails the load, as in TF
 * Serving (DATA_LOSS for a file that is not TFRecord, INVALID_ARGUMENT for a record that is no
 * PredictionLog or of a kind not replayed, the request's own error otherwise).
 */
final class Warmup {
    static final String FILE = "assets.extra/tf_serving_warmup_requests";
    static final int MAX_RECORDS = 1000;

    private Warmup() {}

    /** Replays the version's warm-up requests, if it has any; returns how many ran. */
    static int replay(ServedModel model, Path versionDir, long maxTensorBytes) throws IOException {
        Path file = versionDir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return 0;
        }
        ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        int count = 0;
        while (in.hasRemaining()) {
            byte[] record = next(in, file);
            if (++count > MAX_RECORDS) {
                throw ServingException.invalidArgument(
                        "Number of warmup records exceeds the maximum (" + MAX_RECORDS + ") at " + file);
            }
            PredictionLog log;
            try {
                log = PredictionLog.parseFrom(record);
            } catch (InvalidProtocolBufferException e) {
                throw ServingException.invalidArgument(
                        "Failed to parse warmup record " + count + " from " + file + " as a PredictionLog");
            }
            try {
                run(model, log, maxTensorBytes);
            } catch (RuntimeException e) {
                ServingException failure = ServingException.of(e);
                throw new ServingException(
                        failure.code(),
                        "Warm-up request " + count + " of " + file + " failed: " + failure.getMessage(),
                        e);
            }
        }
        return count;
    }

    /** One TFRecord: length, its masked CRC-32C, the data, its masked CRC-32C. */
    private static byte[] next(ByteBuffer in, Path file) {
        if (in.remaining() < 12) {
            throw dataLoss(file, "truncated record header");
        }
        long length = in.getLong(in.position());
        ByteBuffer lengthBytes = in.slice(in.position(), 8);
        if (Crc32c.mask(Crc32c.of(lengthBytes)) != in.getInt(in.position() + 8)) {
            throw dataLoss(file, "corrupted record length");
        }
        in.position(in.position() + 12);
        if (length < 0 || length > in.remaining() - 4) {
            throw dataLoss(file, "truncated record of " + length + " bytes");
        }
        byte[] data = new byte[(int) length];
        in.get(data);
        if (Crc32c.mask(Crc32c.of(ByteBuffer.wrap(data))) != in.getInt()) {
            throw dataLoss(file, "corrupted record data");
        }
        return data;
    }

    private static ServingException dataLoss(Path file, String what) {
        return new ServingException(
                Code.DATA_LOSS,
                "Warm-up data " + file + ": " + what + ". Please verify your warmup data is in TFRecord format.");
    }

    private static void run(ServedModel model, PredictionLog log, long maxTensorBytes) {
        switch (log.getLogTypeCase()) {
            case PREDICT_LOG -> {
                PredictRequest request = log.getPredictLog().getRequest();
                SignatureSpec signature = model.signature(
                        key(request.getModelSpec().getSignatureName()), RequestChecks::predictSignatureMissing);
                RequestChecks.inputs(signature, request.getInputsMap().keySet());
                Map<String, HostTensor> inputs = new LinkedHashMap<>();
                request.getInputsMap()
                        .forEach((alias, proto) ->
                                inputs.put(alias, ProtoTensors.fromProto(alias, proto, maxTensorBytes)));
                model.run(signature, inputs, RequestChecks.outputs(signature, request.getOutputFilterList()));
            }
            case CLASSIFY_LOG -> {
                var request = log.getClassifyLog().getRequest();
                HostTensor examples = ExampleRunner.serialized(request.getInput());
                ExampleRunner.Task task = ExampleRunner.classify(
                        signature(model, request.getModelSpec().getSignatureName()));
                ExampleRunner.classifications(run(model, task, examples), examples.rows());
            }
            case REGRESS_LOG -> {
                var request = log.getRegressLog().getRequest();
                HostTensor examples = ExampleRunner.serialized(request.getInput());
                ExampleRunner.Task task = ExampleRunner.regress(
                        signature(model, request.getModelSpec().getSignatureName()));
                ExampleRunner.regressions(run(model, task, examples), examples.rows());
            }
            case MULTI_INFERENCE_LOG -> {
                var request = log.getMultiInferenceLog().getRequest();
                HostTensor examples = ExampleRunner.serialized(request.getInput());
                for (InferenceTask t : request.getTasksList()) {
                    SignatureSpec signature = signature(model, t.getModelSpec().getSignatureName());
                    if (t.getMethodName().equals(ExampleRunner.CLASSIFY)) {
                        ExampleRunner.classifications(
                                run(model, ExampleRunner.classify(signature), examples), examples.rows());
                    } else if (t.getMethodName().equals(ExampleRunner.REGRESS)) {
                        ExampleRunner.regressions(
                                run(model, ExampleRunner.regress(signature), examples), examples.rows());
                    } else {
                        throw new ServingException(
                                Code.UNIMPLEMENTED, "Unsupported signature method_name: " + t.getMethodName());
                    }
                }
            }
            case LOGTYPE_NOT_SET ->
                throw ServingException.invalidArgument("Unsupported log_type for warmup (only predict, classify, "
                        + "regress and multi_inference logs are replayed)");
        }
    }

    private static String key(String name) {
        return name.isEmpty() ? PredictCodec.DEFAULT_SIGNATURE : name;
    }

    private static SignatureSpec signature(ServedModel model, String name) {
        return model.signature(key(name), RequestChecks::exampleSignatureMissing);
    }

    private static Map<String, HostTensor> run(ServedModel model, ExampleRunner.Task task, HostTensor examples) {
        InferenceService.RunRequest run = task.run(examples);
        return model.run(run.signature(), run.inputs(), run.outputs());
    }
}
