package jacktf.cli;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import jacktf.bench.BenchConfig;
import jacktf.bench.BenchMode;
import jacktf.bench.BenchResult;
import jacktf.bench.Benchmark;
import jacktf.bench.Bf16Agreement;
import jacktf.config.Defaults;
import jacktf.config.JacktfException;
import jacktf.model.Networks;
import jacktf.model.Precision;
import jacktf.runtime.RuntimeOptions;
import jacktf.runtime.StepProfile;
import jacktf.runtime.TensorFlowRuntime;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jacktf bench}: the one reproducible benchmark command. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description =
                "Measure train/head/infer/pipeline/restore/serve/http/grpc/overload speed against the machine's MatMul peak.")
final class BenchCommand implements Callable<Integer> {
    @Parameters(
            paramLabel = "MODE",
            description = "train, head, infer, pipeline, restore, serve (SavedModel through "
                    + "the Classifier API), http (the REST server under concurrent clients), grpc (its gRPC "
                    + "PredictionService under concurrent clients), overload (the REST server well above its "
                    + "limits: admitted latency and time to refuse) or peak.")
    String mode;

    @Option(
            names = "--model",
            completionCandidates = ModelOptions.NetworkNames.class,
            description = "Network, by slim's nets_factory name: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    String model = "resnet_v1_50";

    @Option(names = "--batch-size", description = "Images per step (default: ${DEFAULT-VALUE}).")
    int batchSize = Defaults.BATCH_SIZE_DEFAULT;

    @Option(names = "--image-size", description = "Input size (default: the network's default_image_size).")
    Integer imageSize;

    @Option(names = "--precision", paramLabel = "fp32|bf16", description = "(default: ${DEFAULT-VALUE})")
    Precision precision = Precision.FP32;

    @Mixin
    AuxLogitsOption auxLogits;

    @Option(names = "--steps", defaultValue = "10", description = "Measured steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--warmup", defaultValue = "2", description = "Unmeasured steps first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(
            names = "--work-dir",
            defaultValue = "target/bench",
            description = "Generated inputs (default: ${DEFAULT-VALUE}).")
    Path work;

    @Option(
            names = "--models-dir",
            defaultValue = "models",
            description =
                    "restore, serve, http, grpc, overload: where `jacktf download NAME` put the zoo's checkpoints; "
                            + "the network's is loaded from NAME/ there when present, else a 1000-class one is generated "
                            + "(default: ${DEFAULT-VALUE}).")
    Path modelsDir;

    @Option(
            names = "--clients",
            defaultValue = "8",
            description = "http, grpc: concurrent clients (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(
            names = "--server-batch-size",
            defaultValue = "32",
            description =
                    "http, grpc: the server's --max-batch-size; 1 turns batching off (default: ${DEFAULT-VALUE}).")
    int serverBatchSize;

    @Option(
            names = "--images-per-request",
            defaultValue = "1",
            description = "http, grpc: images in each predict request (default: ${DEFAULT-VALUE}).")
    int imagesPerRequest;

    @Option(
            names = "--intra-op-threads",
            paramLabel = "N",
            description =
                    "TensorFlow's intra-op pool for this process, set from Java (TensorFlowRuntime.configure) before "
                            + "the first session; 0: one per core (default: $" + RuntimeOptions.INTRA_OP_THREADS_ENV
                            + " or "
                            + RuntimeOptions.DEFAULT_INTRA_OP_THREADS + ").")
    Integer intraOpThreads;

    @Option(
            names = "--inter-op-threads",
            paramLabel = "N",
            description = "TensorFlow's inter-op pool (independent ops side by side), set with --intra-op-threads "
                    + "before the first session; 0: one per core (default: "
                    + RuntimeOptions.DEFAULT_INTER_OP_THREADS + ").")
    Integer interOpThreads;

    @Option(
            names = "--profile",
            paramLabel = "DIR",
            description = "train/head: after the timed steps, trace " + BenchConfig.PROFILED_STEPS
                    + " more and write where the time went by op type (printed, " + StepProfile.TSV_FILE
                    + ") and a Chrome trace (" + StepProfile.TRACE_FILE + ": chrome://tracing, Perfetto) to DIR.")
    Path profile;

    @Option(
            names = "--optimize",
            description = "serve, http, grpc, overload: serve the SavedModel exported with batch norm folded "
                    + "(jacktf export --optimize) instead of the plain one.")
    boolean optimize;

    @Option(
            names = "--json",
            description = "One JSON object per run; with --precision bf16 it holds bf16_agreeing of bf16_compared "
                    + "sample images (top-1 equal to fp32's).")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (steps < 1 || warmup < 0 || batchSize < 1 || imagesPerRequest < 1) {
            throw new JacktfException("--steps, --batch-size and --images-per-request must be >= 1, --warmup >= 0");
        }
        if (intraOpThreads != null || interOpThreads != null) {
            RuntimeOptions.Builder threads = RuntimeOptions.builder()
                    .intraOpThreads(
                            intraOpThreads != null
                                    ? intraOpThreads
                                    : RuntimeOptions.fromEnvironment().intraOpThreads());
            if (interOpThreads != null) {
                threads.interOpThreads(interOpThreads);
            }
            TensorFlowRuntime.configure(threads.build());
        }
        Files.createDirectories(work);
        BenchConfig benchConfig = new BenchConfig(
                BenchMode.byName(mode),
                Networks.byName(model),
                batchSize,
                imageSize != null ? imageSize : Networks.byName(model).defaultImageSize(),
                precision,
                steps,
                warmup,
                work,
                clients,
                serverBatchSize,
                imagesPerRequest,
                profile,
                optimize,
                modelsDir,
                auxLogits.auxLogits());
        BenchResult r = new Benchmark(benchConfig).run();
        // A bf16 speed means nothing without its answers: top-1 agreement with fp32 beside it (issue 27).
        Bf16Agreement agreement = precision == Precision.BF16 ? Bf16Agreement.measure(benchConfig) : null;
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Gson gson = new GsonBuilder()
                    .serializeNulls()
                    .serializeSpecialFloatingPointValues()
                    .setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES)
                    .create();
            JsonObject o = gson.toJsonTree(r).getAsJsonObject();
            // null for fp32: the fields are there in every run, so tools compare runs without guessing
            o.add("bf16_agreeing", agreement == null ? JsonNull.INSTANCE : new JsonPrimitive(agreement.agreeing()));
            o.add("bf16_compared", agreement == null ? JsonNull.INSTANCE : new JsonPrimitive(agreement.images()));
            out.println(gson.toJson(o));
        } else {
            out.printf(
                    "%s %s %s batch %d at %d: median %.1f ms, p99 %.1f (min %.1f, max %.1f) over %d steps%n",
                    r.mode(),
                    r.model(),
                    r.precision(),
                    r.batchSize(),
                    r.imageSize(),
                    r.medianMs(),
                    r.p99Ms(),
                    r.minMs(),
                    r.maxMs(),
                    r.steps());
            if (optimize) {
                out.println("  SavedModel exported with --optimize (batch norm folded)");
            }
            if (r.imagesPerSec() > 0) {
                out.printf("  %.1f images/s%n", r.imagesPerSec());
            }
            if (r.flopsPerImage() != null) {
                out.printf(
                        "  %.2f GFLOPs/image, %.0f%% of the %.0f GFLOP/s %s MatMul peak%n",
                        r.flopsPerImage() / 1e9, 100 * r.fractionOfPeak(), r.peakGflops(), r.precision());
            } else if (r.peakGflops() != null) {
                out.printf("  MatMul peak %.0f GFLOP/s%n", r.peakGflops());
            }
            out.printf("  cpu/wall %.2f, peak RSS %.0f MB%n", r.cpuPerWall(), r.peakRssMb());
            if (agreement != null) {
                out.printf(
                        "  bf16 top-1 agreement with fp32: %d/%d sample images (same seeded weights)%n",
                        agreement.agreeing(), agreement.images());
            }
            if (r.shed() != null) {
                out.printf(
                        "  admitted %d (latency above), refused %d with 503: time to refuse p50 %.1f ms, p99 %.1f ms%n",
                        r.shed().admitted(),
                        r.shed().rejected(),
                        r.shed().rejectP50Ms(),
                        r.shed().rejectP99Ms());
            }
            out.println("  cpu: " + r.cpu());
            Path table = profile == null ? null : profile.resolve(StepProfile.TABLE_FILE);
            if (table != null && Files.exists(table)) {
                out.print(Files.readString(table));
                out.println("  profile written to " + profile + " (" + StepProfile.TSV_FILE + ", "
                        + StepProfile.TRACE_FILE + ")");
            }
        }
        out.flush();
        return 0;
    }
}
