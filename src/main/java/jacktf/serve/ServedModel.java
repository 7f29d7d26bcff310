package jacktf.serve;

import com.google.common.io.MoreFiles;
import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import jacktf.data.Labels;
import jacktf.runtime.Bf16SelfCheck;
import jacktf.runtime.Sessions;
import jacktf.runtime.TensorFlowRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.logging.Logger;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.proto.AssetFileDef;
import org.tensorflow.proto.CollectionDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SignatureDef;

/**
 * Any SavedModel (tag {@code serve}) loaded for serving: its signatures read from the MetaGraph,
 * its assets, the labels of a jacktf export, and a thread-safe {@link #run}. Every signature is
 * served as TF Serving serves it, whatever TF Java thinks of it ({@link #openWithoutSignatures});
 * one that disagrees with the graph fails at request time with TensorFlow's error.
 */
final class ServedModel implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ServedModel.class.getName());
    private static final String SERVE_TAG = SavedModelBundle.DEFAULT_TAG;
    private static final String LEGACY_ASSETS_COLLECTION = "saved_model_assets";
    /** TF2's signature of the init op: the loader runs it; it is not served. */
    private static final String INIT_OP_SIGNATURE = "__saved_model_init_op";

    private final SavedModelBundle bundle;
    private final Map<String, SignatureSpec> signatures;
    private final List<String> assets;
    private final List<String> labels;

    private ServedModel(
            SavedModelBundle bundle, Map<String, SignatureSpec> signatures, List<String> assets, List<String> labels) {
        this.bundle = bundle;
        this.signatures = signatures;
        this.assets = assets;
        this.labels = labels;
    }

    private static boolean hasVariables(MetaGraphDef meta) {
        return meta.getGraphDef().getNodeList().stream()
                .anyMatch(n -> n.getOp().equals("VariableV2")
                        || n.getOp().equals("VarHandleOp")
                        || n.getOp().equals("Variable"));
    }

    /** Loads the SavedModel in {@code dir} (which holds saved_model.pb). */
    static ServedModel load(Path dir) throws IOException {
        TensorFlowRuntime.ensureLoaded(); // a missing platform names its Maven classifier, not an UnsatisfiedLinkError
        Path pb = dir.resolve("saved_model.pb");
        if (!Files.isRegularFile(pb)) {
            throw new IOException("No saved_model.pb in " + dir + " (export one with: jacktf export)");
        }
        SavedModel savedModel;
        try (InputStream in = Files.newInputStream(pb)) {
            savedModel = SavedModel.parseFrom(in);
        } catch (InvalidProtocolBufferException e) { // TF's words for it; the type makes it DATA_LOSS
            throw new InvalidProtocolBufferException("Can't parse " + pb + " as binary proto (" + e.getMessage() + ")");
        }
        MetaGraphDef meta = savedModel.getMetaGraphsList().stream()
                .filter(m -> m.getMetaInfoDef().getTagsList().contains(SERVE_TAG))
                .findFirst()
                .orElseThrow(() -> new IOException("SavedModel " + dir + " has no MetaGraph tagged '" + SERVE_TAG
                        + "'; its tag sets are "
                        + savedModel.getMetaGraphsList().stream()
                                .map(m -> m.getMetaInfoDef().getTagsList())
                                .toList()));
        if (hasVariables(meta) && !Files.isRegularFile(dir.resolve("variables").resolve("variables.index"))) {
            // TF loads such a model without restoring anything and it would answer from uninitialized
            // variables: most likely an exporter is still writing it (saved_model.pb first, variables/ next)
            throw new IOException("SavedModel " + dir + " has variables but no variables/variables.index (still "
                    + "being written?); expected the checkpoint an export writes next to saved_model.pb");
        }
        SavedModelBundle bundle;
        try {
            bundle = open(dir);
        } catch (RuntimeException refused) {
            bundle = openWithoutSignatures(dir, savedModel, meta, refused);
        }
        try {
            // bf16 is never silently wrong (issue 27), as in Classifier and export: a bf16 model whose kernels
            // disagree with float32 on this CPU is refused before it serves (a no-op without bf16 kernels)
            Bf16SelfCheck.requireAgreement(bundle.graph(), "serving " + dir);
            Map<String, SignatureSpec> signatures = new LinkedHashMap<>();
            meta.getSignatureDefMap().entrySet().stream()
                    .filter(e -> !e.getKey().equals(INIT_OP_SIGNATURE))
                    .sorted(Comparator.comparing((Map.Entry<String, SignatureDef> e) ->
                                    !e.getKey().equals(PredictCodec.DEFAULT_SIGNATURE))
                            .thenComparing(Map.Entry::getKey))
                    .forEach(e -> signatures.put(e.getKey(), SignatureSpec.of(e.getKey(), e.getValue())));
            List<String> assets = assets(meta);
            Path labelsFile = dir.resolve("assets").resolve(Labels.FILE_NAME);
            List<String> labels = Files.isRegularFile(labelsFile) ? Labels.readFile(labelsFile) : List.of();
            return new ServedModel(bundle, signatures, assets, labels);
        } catch (IOException | RuntimeException e) {
            bundle.close();
            throw e;
        }
    }

    /**
     * The asset files a MetaGraph registers: TF2's {@code asset_file_def} field, or TF1's
     * {@code saved_model_assets} collection of AssetFileDefs, which TF's loader also reads.
     */
    static List<String> assets(MetaGraphDef meta) throws IOException {
        List<String> files = new ArrayList<>();
        meta.getAssetFileDefList().forEach(a -> files.add(a.getFilename()));
        CollectionDef legacy = meta.getCollectionDefMap().get(LEGACY_ASSETS_COLLECTION);
        if (files.isEmpty() && legacy != null) {
            for (Any any : legacy.getAnyList().getValueList()) {
                files.add(any.unpack(AssetFileDef.class).getFilename());
            }
        }
        return List.copyOf(files);
    }

    private static SavedModelBundle open(Path dir) {
        // jacktf's session settings: were this the process's first session, TF would size its pools to one thread a
        // core
        return SavedModelBundle.loader(dir.toString())
                .withTags(SERVE_TAG)
                .withConfigProto(Sessions.config())
                .load();
    }

    /**
     * The one place that gets around TF Java's strictness. TF Java's {@code SavedModelBundle} builds
     * a function for every signature while loading and refuses the whole model when one disagrees
     * with the graph: a declared dtype other than its tensor's ({@code half_plus_three}'s regress
     * signature declares DT_FLOAT for the DT_STRING {@code tf_example:0}), or a tensor without a
     * shape in the signature, which it reads as a scalar. TF Serving checks none of that at load:
     * it feeds and fetches the tensor names a signature gives and lets the runtime refuse a request
     * that cannot run. So a refused model is loaded again with its signatures hidden from TF Java:
     * the MetaGraph without them (TF2's init-op signature kept, the loader runs it) is written to a
     * scratch copy of the SavedModel (variables/, assets/ and assets.extra/ linked, not copied) and
     * loaded from there; jacktf reads the signatures from the original MetaGraph and runs them by
     * tensor name. A tidy model loads directly and pays nothing; the originals are never written.
     */
    private static SavedModelBundle openWithoutSignatures(
            Path dir, SavedModel original, MetaGraphDef meta, RuntimeException refused) throws IOException {
        if (meta.getSignatureDefMap().keySet().stream().allMatch(INIT_OP_SIGNATURE::equals)) {
            throw refused; // no signature to hide: the refusal is about something else
        }
        MetaGraphDef.Builder hidden = meta.toBuilder().clearSignatureDef();
        if (meta.containsSignatureDef(INIT_OP_SIGNATURE)) {
            hidden.putSignatureDef(INIT_OP_SIGNATURE, meta.getSignatureDefOrThrow(INIT_OP_SIGNATURE));
        }
        Path scratch = Files.createTempDirectory("jacktf-savedmodel-");
        try {
            SavedModel.Builder rewritten = original.toBuilder().clearMetaGraphs();
            for (MetaGraphDef m : original.getMetaGraphsList()) {
                rewritten.addMetaGraphs(m == meta ? hidden.build() : m);
            }
            Files.write(scratch.resolve("saved_model.pb"), rewritten.build().toByteArray());
            for (String child : List.of("variables", "assets", "assets.extra")) {
                if (Files.exists(dir.resolve(child))) {
                    Files.createSymbolicLink(
                            scratch.resolve(child), dir.resolve(child).toAbsolutePath());
                }
            }
            // restore and init ops read variables and assets during load; nothing reads the scratch copy after
            SavedModelBundle bundle = open(scratch);
            LOG.info("TF Java refused the signatures of " + dir + " (" + firstLine(refused)
                    + "); loaded without them, as TF Serving loads it: a signature that cannot run fails at request "
                    + "time with TensorFlow's error");
            return bundle;
        } catch (RuntimeException stillRefused) {
            stillRefused.addSuppressed(refused);
            throw stillRefused;
        } finally {
            MoreFiles.deleteRecursively(scratch);
        }
    }

    private static String firstLine(Throwable e) {
        String m = String.valueOf(e.getMessage()).strip();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /** The served signatures by key, serving_default first. */
    Collection<SignatureSpec> signatures() {
        return signatures.values();
    }

    /** The signature {@code key}, or REST's refusal (INVALID_ARGUMENT) naming the ones there are. */
    SignatureSpec signature(String key) {
        return signature(key, RequestChecks::restSignatureMissing);
    }

    /**
     * The signature {@code key}, or the refusal {@code missing} makes of the key and the keys
     * there are: each API words and codes it as TF Serving does ({@link RequestChecks}).
     */
    SignatureSpec signature(String key, BiFunction<String, Collection<String>, ServingException> missing) {
        SignatureSpec s = signatures.get(key);
        if (s == null) {
            throw missing.apply(key, signatures.keySet());
        }
        return s;
    }

    /** The asset files the MetaGraph registers (AssetFileDef file names). */
    List<String> assets() {
        return assets;
    }

    /** Class names from assets/labels.txt (a jacktf export), empty otherwise. */
    List<String> labels() {
        return labels;
    }

    /** Runs a signature on host tensors by input alias and returns the named outputs' values. */
    Map<String, HostTensor> run(SignatureSpec signature, Map<String, HostTensor> inputs, List<String> outputs) {
        List<Tensor> fed = new ArrayList<>();
        try {
            Session.Runner runner = bundle.session().runner();
            for (var e : inputs.entrySet()) {
                Tensor t = e.getValue().toTensor();
                fed.add(t);
                runner.feed(signature.inputs().get(e.getKey()).tensorName(), t);
            }
            outputs.forEach(o -> runner.fetch(signature.outputs().get(o).tensorName()));
            try (Result result = runner.run()) {
                Map<String, HostTensor> out = new LinkedHashMap<>();
                for (int i = 0; i < outputs.size(); i++) {
                    out.put(outputs.get(i), HostTensor.of(outputs.get(i), result.get(i)));
                }
                return out;
            }
        } finally {
            fed.forEach(Tensor::close);
        }
    }

    @Override
    public void close() {
        bundle.close();
    }
}
