package jacktf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import jacktf.bench.BenchConfig;
import jacktf.runtime.StepProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark command's output contract (not its speed: speed lives in BENCHMARKS.md). */
class BenchCommandTest {

    @Test
    void jsonHasTheFieldsOtherToolsCompare(@TempDir Path work) {
        CliTest.Run r = CliTest.run(
                "bench",
                "infer",
                "--batch-size",
                "2",
                "--image-size",
                "32",
                "--steps",
                "2",
                "--warmup",
                "1",
                "--json",
                "--work-dir",
                work.toString());
        assertEquals(0, r.exitCode(), r.err());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        for (String field : List.of(
                "mode",
                "model",
                "precision",
                "batch_size",
                "image_size",
                "median_ms",
                "images_per_sec",
                "cpu_per_wall",
                "peak_rss_mb",
                "flops_per_image",
                "fraction_of_peak",
                "cpu")) {
            assertTrue(o.has(field), field + " in " + o);
        }
        assertEquals("infer", o.get("mode").getAsString());
        assertEquals(2, o.get("batch_size").getAsInt());
        // resnet_v1_50 at 32x32: conv FLOPs scale with the output area, ~1/49 of 224x224's
        double flops = o.get("flops_per_image").getAsDouble();
        assertTrue(flops > 1e8 && flops < 3e8, "flops per image " + flops);
        assertTrue(o.get("images_per_sec").getAsDouble() > 0);

        CliTest.Run pipeline = CliTest.run(
                "bench",
                "pipeline",
                "--batch-size",
                "4",
                "--image-size",
                "32",
                "--steps",
                "2",
                "--warmup",
                "1",
                "--json",
                "--work-dir",
                work.toString());
        JsonObject p = JsonParser.parseString(pipeline.out()).getAsJsonObject();
        assertTrue(p.has("fraction_of_peak") && p.get("fraction_of_peak").isJsonNull(), p.toString());
    }

    @Test
    void jsonNamesTheNetworkAsGivenToModel(@TempDir Path work) {
        // mobilenet_v1_025 and mobilenet_v1 share slim's scope MobilenetV1: the name is what tells them apart
        CliTest.Run r = CliTest.run(
                "bench",
                "infer",
                "--model",
                "mobilenet_v1_025",
                "--batch-size",
                "1",
                "--image-size",
                "32",
                "--steps",
                "1",
                "--warmup",
                "0",
                "--json",
                "--work-dir",
                work.toString());
        assertEquals(0, r.exitCode(), r.err());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals("mobilenet_v1_025", o.get("model").getAsString(), o.toString());
    }

    @Test
    void unknownModeIsAClearError() {
        CliTest.Run r = CliTest.run("bench", "fly");
        assertEquals(1, r.exitCode());
        assertTrue(
                r.err()
                        .contains(
                                "Unknown mode 'fly'. Valid: train, head, infer, pipeline, restore, serve, http, grpc, overload, peak"),
                r.err());
    }

    @Test
    @Tag("slow") // a resnet_v1_50 training graph: ~20 s on 2 cores
    void profileWritesTheOpTableAndAChromeTrace(@TempDir Path work) throws Exception {
        Path profile = work.resolve("profile");
        CliTest.Run r = CliTest.run(
                "bench",
                "head",
                "--batch-size",
                "2",
                "--image-size",
                "32",
                "--steps",
                "1",
                "--warmup",
                "0",
                "--profile",
                profile.toString(),
                "--work-dir",
                work.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains(BenchConfig.PROFILED_STEPS + " profiled steps"), r.out());
        List<String> tsv = Files.readAllLines(profile.resolve(StepProfile.TSV_FILE));
        // head: the backbone runs forward only (frozen, batch norm folded for inference), the logits train
        assertTrue(tsv.stream().anyMatch(l -> l.contains("Conv2D")), tsv.toString());
        // TF's own kernel, or oneDNN's where TF turns those on (CPUs with AVX512_VNNI/BF16 or AMX)
        assertTrue(
                tsv.stream().anyMatch(l -> l.matches("(_MklNative)?Conv2DBackpropFilter(WithBias)?\t.*")),
                tsv.toString());
        JsonObject trace = JsonParser.parseString(Files.readString(profile.resolve(StepProfile.TRACE_FILE)))
                .getAsJsonObject();
        assertTrue(trace.getAsJsonArray("traceEvents").size() > 100, "every op of 3 steps");
    }

    @Test
    @Tag("slow") // exports a resnet_v1_50 and loads it in a server
    void overloadReportsAdmittedLatencyAndTheTimeToRefuse(@TempDir Path work) {
        CliTest.Run r = CliTest.run(
                "bench",
                "overload",
                "--image-size",
                "32",
                "--clients",
                "12",
                "--steps",
                "5",
                "--warmup",
                "1",
                "--json",
                "--work-dir",
                work.toString());
        assertEquals(0, r.exitCode(), r.err());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        JsonObject shed = o.getAsJsonObject("shed");
        int admitted = shed.get("admitted").getAsInt();
        int rejected = shed.get("rejected").getAsInt();
        // 12 clients against room for 2 in flight and 2 queued: every request is either answered or refused
        assertEquals(12 * 5, admitted + rejected, o.toString());
        assertTrue(admitted > 0 && rejected > 0, o.toString());
        assertEquals(admitted, o.get("steps").getAsInt());
    }
}
