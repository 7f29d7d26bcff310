package jacktf.serve;

import com.google.common.io.MoreFiles;
import com.google.protobuf.Any;
import jacktf.data.Labels;
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
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.proto.AssetFileDef;
import org.tensorflow.proto.CollectionDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;

/**
 * Any SavedModel (tag {@code serve}) loaded for serving: its signatures read from the MetaGraph,
 * its assets, the labels of a jacktf export, and a thread-safe {@link #run}. A signature that
 * disagrees with the graph is dropped with a warning and the others are served, as TF Serving
 * does.
 */
final class ServedModel implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ServedModel.class.getName());
    private static final String SERVE_TAG = SavedModelBundle.DEFAULT_TAG;
    private static final String LEGACY_ASSETS_COLLECTION = "saved_model_assets";

    private final SavedModelBundle bundle;
    private final Map<String, SignatureSpec> signatures;
    private final List<String> assets;
    private final List<String> labels;
    private final List<String> warnings;

    private ServedModel(
            SavedModelBundle bundle,
            Map<String, SignatureSpec> signatures,
            List<String> assets,
            List<String> labels,
            List<String> warnings) {
        this.bundle = bundle;
        this.signatures = signatures;
        this.assets = assets;
        this.labels = labels;
        this.warnings = warnings;
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
        List<String> warnings = new ArrayList<>();
        MetaGraphDef served = meta;
        SavedModelBundle bundle;
        try {
            bundle = open(dir);
        } catch (RuntimeException refused) {
            // TF Java builds a function for every signature at load and refuses the whole model when one declares an
            // input dtype other than its tensor's; TF Serving serves the valid signatures of such a model. Only then
            // is the graph imported and every signature checked against it (dtypes, tensors that exist), so a tidy
            // model pays nothing. The checked MetaGraph without the bad signatures is written to a scratch copy of
            // the SavedModel (saved_model.pb rewritten through TF Java's proto classes, variables/ and assets/
            // linked, not copied) and loaded from there; the originals are never written.
            Map<String, String> bad = invalidSignatures(meta);
            if (bad.isEmpty()) {
                throw refused;
            }
            bad.forEach((key, why) -> warnings.add("Signature '" + key + "' of " + dir + " is not served: " + why));
            warnings.forEach(LOG::warning);
            MetaGraphDef.Builder fixed = meta.toBuilder();
            bad.keySet().forEach(fixed::removeSignatureDef);
            served = fixed.build();
            bundle = openRewritten(dir, savedModel, meta, served);
        }
        try {
            Map<String, SignatureSpec> signatures = new LinkedHashMap<>();
            served.getSignatureDefMap().entrySet().stream()
                    .filter(e -> !e.getKey().startsWith("__")) // TF2's __saved_model_init_op is not a signature
                    .sorted(Comparator.comparing((Map.Entry<String, SignatureDef> e) ->
                                    !e.getKey().equals(PredictCodec.DEFAULT_SIGNATURE))
                            .thenComparing(Map.Entry::getKey))
                    .forEach(e -> signatures.put(e.getKey(), SignatureSpec.of(e.getKey(), e.getValue())));
            List<String> assets = assets(meta);
            Path labelsFile = dir.resolve("assets").resolve(Labels.FILE_NAME);
            List<String> labels = Files.isRegularFile(labelsFile) ? Labels.readFile(labelsFile) : List.of();
            return new ServedModel(bundle, signatures, assets, labels, List.copyOf(warnings));
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

    private static SavedModelBundle openRewritten(Path dir, SavedModel original, MetaGraphDef meta, MetaGraphDef fixed)
            throws IOException {
        Path scratch = Files.createTempDirectory("jacktf-savedmodel-");
        try {
            SavedModel.Builder rewritten = original.toBuilder().clearMetaGraphs();
            for (MetaGraphDef m : original.getMetaGraphsList()) {
                rewritten.addMetaGraphs(m == meta ? fixed : m);
            }
            Files.write(scratch.resolve("saved_model.pb"), rewritten.build().toByteArray());
            for (String child : List.of("variables", "assets", "assets.extra")) {
                if (Files.exists(dir.resolve(child))) {
                    Files.createSymbolicLink(
                            scratch.resolve(child), dir.resolve(child).toAbsolutePath());
                }
            }
            // restore and init ops read variables and assets during load; nothing reads the scratch copy after
            return open(scratch);
        } finally {
            MoreFiles.deleteRecursively(scratch);
        }
    }

    /**
     * Signature key to what is wrong with it: a tensor the graph does not have, or a declared
     * dtype other than the tensor's. The graph is imported on its own (no session, no variables).
     */
    static Map<String, String> invalidSignatures(MetaGraphDef meta) {
        Map<String, String> bad = new LinkedHashMap<>();
        try (Graph graph = new Graph()) {
            graph.importGraphDef(meta.getGraphDef());
            meta.getSignatureDefMap().forEach((key, def) -> {
                check(graph, "input", def.getInputsMap()).ifPresent(why -> bad.put(key, why));
                if (!bad.containsKey(key)) {
                    check(graph, "output", def.getOutputsMap()).ifPresent(why -> bad.put(key, why));
                }
            });
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Checking the signatures against the graph failed", e);
        }
        return bad;
    }

    private static Optional<String> check(Graph graph, String kind, Map<String, TensorInfo> tensors) {
        for (var e : tensors.entrySet()) {
            TensorInfo info = e.getValue();
            if (!info.hasName() && info.getName().isEmpty()) {
                return Optional.of(kind + " '" + e.getKey() + "' is a composite tensor (sparse or ragged), "
                        + "which TF Java cannot feed or fetch");
            }
            String name = info.getName();
            int colon = name.lastIndexOf(':');
            String op = colon < 0 ? name : name.substring(0, colon);
            int index = colon < 0 ? 0 : Integer.parseInt(name.substring(colon + 1));
            GraphOperation operation = graph.operation(op);
            if (operation == null || index >= operation.numOutputs()) {
                return Optional.of(kind + " '" + e.getKey() + "' names tensor " + name + ", which the graph lacks");
            }
            var actual = operation.output(index).dataType();
            if (actual != info.getDtype()) {
                return Optional.of(kind + " '" + e.getKey() + "' declares " + info.getDtype() + " but tensor " + name
                        + " is " + actual);
            }
        }
        return Optional.empty();
    }

    /** The served signatures by key, serving_default first. */
    Collection<SignatureSpec> signatures() {
        return signatures.values();
    }

    /** The signature {@code key}, or a NOT_FOUND naming the ones there are. */
    SignatureSpec signature(String key) {
        SignatureSpec s = signatures.get(key);
        if (s == null) {
            throw ServingException.notFound("Serving signature name: \"" + key
                    + "\" not found in signature def; expected one of " + signatures.keySet());
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

    /** What was wrong with the SavedModel and not served. */
    List<String> warnings() {
        return warnings;
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
