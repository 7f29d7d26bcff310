package jacktf.cli;

import jacktf.checkpoint.Checkpoint;
import jacktf.checkpoint.CheckpointException;
import jacktf.checkpoint.CheckpointTensor;
import jacktf.checkpoint.TensorInfo;
import jacktf.config.JacktfException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jacktf inspect}: list or print a checkpoint's tensors, any TF format. */
@Command(
        name = "inspect",
        mixinStandardHelpOptions = true,
        description = "List a TensorFlow checkpoint's tensors (V1 or V2) or print one tensor's values.")
final class InspectCommand implements Callable<Integer> {

    @Parameters(
            paramLabel = "CHECKPOINT",
            description = "A V2 prefix (model.ckpt-1000), a train dir with a 'checkpoint' file, or a V1 file.")
    Path checkpointPath;

    @Option(names = "--tensor", paramLabel = "NAME", description = "Print this tensor's values.")
    String tensor;

    @Option(names = "--limit", paramLabel = "N", description = "With --tensor: print only the first N values.")
    Long limit;

    @Option(names = "--json", description = "Print JSON instead of tab-separated text.")
    boolean json;

    @Option(
            names = "--verify",
            description = "Read every tensor's bytes in every shard and check every checksum (the listing reads only"
                    + " the index); exit 1 naming each bad tensor.")
    boolean verify;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (limit != null && limit < 0) {
            throw new JacktfException("--limit must not be negative, got " + limit);
        }
        PrintWriter out = spec.commandLine().getOut();
        try (Checkpoint checkpoint = Checkpoint.open(checkpointPath)) {
            if (verify) {
                return verifyAll(out, spec.commandLine().getErr(), checkpoint);
            }
            if (tensor != null) {
                printTensor(out, checkpoint);
            } else {
                printListing(out, checkpoint);
            }
        }
        out.flush();
        return 0;
    }

    /** Reads every tensor (each read checks its checksums) and reports each one that fails. */
    private static int verifyAll(PrintWriter out, PrintWriter err, Checkpoint checkpoint) {
        List<String> bad = new ArrayList<>();
        for (TensorInfo t : checkpoint.tensors()) {
            try {
                checkpoint.read(t.name());
            } catch (CheckpointException e) {
                bad.add(t.name() + ": " + e.getMessage());
            }
        }
        int count = checkpoint.tensors().size();
        if (bad.isEmpty()) {
            out.printf(
                    "verified %d tensors, %d bytes: every checksum matches (%s checkpoint %s)%n",
                    count, checkpoint.totalBytes(), checkpoint.format(), checkpoint.path());
            out.flush();
            return 0;
        }
        bad.forEach(line -> err.println("bad tensor " + line));
        err.printf(
                "jacktf inspect: %d of %d tensors failed verification in %s; the checkpoint is corrupt: restore it from"
                        + " a copy or train from the previous checkpoint%n",
                bad.size(), count, checkpoint.path());
        err.flush();
        return UserErrors.USER_ERROR;
    }

    private void printListing(PrintWriter out, Checkpoint checkpoint) {
        List<TensorInfo> tensors = checkpoint.tensors();
        if (json) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (TensorInfo t : tensors) {
                rows.add(describe(t));
            }
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("checkpoint", checkpoint.path().toString());
            doc.put("format", checkpoint.format().name());
            doc.put("tensors", rows);
            doc.put("count", tensors.size());
            doc.put("bytes", checkpoint.totalBytes());
            out.println(Json.GSON.toJson(doc));
            return;
        }
        for (TensorInfo t : tensors) {
            out.println(t.name() + "\t" + t.dtypeName() + "\t" + t.shapeString());
        }
        out.printf(
                "# %d tensors, %d bytes (%s checkpoint %s)%n",
                tensors.size(), checkpoint.totalBytes(), checkpoint.format(), checkpoint.path());
    }

    private void printTensor(PrintWriter out, Checkpoint checkpoint) {
        TensorInfo info = checkpoint
                .find(tensor)
                .orElseThrow(() -> new JacktfException("No tensor named '" + tensor + "' in " + checkpoint.path()
                        + " (list them with: jacktf inspect " + checkpointPath + ")"));
        CheckpointTensor values = checkpoint.read(info.name());
        List<String> formatted = values.formatValues(limit == null ? -1 : limit);
        if (json) {
            Map<String, Object> doc = describe(info);
            doc.put("values", formatted.stream().map(v -> asJsonValue(info, v)).toList());
            out.println(Json.GSON.toJson(doc));
            return;
        }
        out.println(info.name() + "\t" + info.dtypeName() + "\t" + info.shapeString());
        formatted.forEach(out::println);
    }

    private static Map<String, Object> describe(TensorInfo t) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("name", t.name());
        row.put("dtype", t.dtypeName());
        row.put("shape", t.shape());
        return row;
    }

    private static Object asJsonValue(TensorInfo info, String text) {
        return switch (info.dtype()) {
            case DT_STRING -> text;
            case DT_BOOL -> Boolean.parseBoolean(text);
            case DT_FLOAT, DT_DOUBLE, DT_HALF, DT_BFLOAT16 -> Double.parseDouble(text);
            default -> text.startsWith("0x") ? text : Long.parseLong(text);
        };
    }
}
