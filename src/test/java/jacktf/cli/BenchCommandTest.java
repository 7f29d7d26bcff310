package jacktf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import java.util.List;
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
                "fraction_of_peak")) {
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
    void unknownModeIsAClearError() {
        CliTest.Run r = CliTest.run("bench", "fly");
        assertEquals(1, r.exitCode());
        assertTrue(
                r.err()
                        .contains(
                                "Unknown mode 'fly'. Valid: train, head, infer, pipeline, restore, serve, http, grpc, peak"),
                r.err());
    }
}
