package jacktf.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jacktf.data.SyntheticImages;
import jacktf.report.EventFiles;
import jacktf.traindir.TrainDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.Event;
import org.tensorflow.proto.Summary;

/**
 * Which step writes what, as slim's flags promise: every {@code logEveryNSteps} the scalars; every
 * {@code saveSummariesSecs} (here: the first step and the last) also every trainable variable's histogram,
 * the blocks' activations and the input images; other steps nothing. The trainer feeds this choice to one
 * graph, so the event file is the check that each step wrote exactly its share.
 */
class SummaryScheduleTest {
    @Test
    void scalarsEveryNStepsAndEverythingAtTheFirstAndLastStep(@TempDir Path dir) throws IOException {
        Path data = dir.resolve("data");
        SyntheticImages.generate(data, 2, 8, 40, 1, 0, SyntheticImages.Layout.FOLDERS);
        Path trainDir = dir.resolve("train");
        TrainResult r = Trainer.create(TinyRun.config(data, trainDir, 7)
                        .logEveryNSteps(3)
                        .saveEverySteps(null)
                        .saveIntervalSecs(3600)
                        .build())
                .train();
        assertEquals(7, r.finalStep());

        Map<Long, Set<String>> scalars = new TreeMap<>();
        Map<Long, Set<String>> histograms = new TreeMap<>();
        Map<Long, Set<String>> images = new TreeMap<>();
        try (Stream<Path> files = Files.list(TrainDir.of(trainDir).eventsDir())) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("events."))
                    .toList()) {
                for (Event e : EventFiles.events(f)) {
                    for (Summary.Value v : e.getSummary().getValueList()) {
                        Map<Long, Set<String>> kind = v.hasHisto() ? histograms : v.hasImage() ? images : scalars;
                        kind.computeIfAbsent(e.getStep(), s -> new TreeSet<>()).add(v.getTag());
                    }
                }
            }
        }
        // first and last steps (saveSummariesSecs), and every third (logEveryNSteps)
        assertEquals(Set.of(1L, 3L, 6L, 7L), scalars.keySet(), "steps with scalars: " + scalars);
        assertEquals(Set.of(1L, 7L), histograms.keySet(), "steps with histograms: " + histograms.keySet());
        assertEquals(Set.of(1L, 7L), images.keySet(), "steps with images: " + images.keySet());
        for (long step : List.of(1L, 3L, 6L, 7L)) {
            assertTrue(
                    scalars.get(step).containsAll(List.of("total_loss", "losses/cross_entropy", "learning_rate")),
                    "step " + step + ": " + scalars.get(step));
        }
        // TinyNet: 20 conv weights (conv1, 18 in the units, the logits) among its trainable variables
        long weights =
                histograms.get(7L).stream().filter(t -> t.endsWith("/weights")).count();
        assertEquals(20, weights, histograms.get(7L).toString());
        assertTrue(
                histograms.get(7L).contains("activations/global_pool"),
                histograms.get(7L).toString());
        assertEquals(histograms.get(1L), histograms.get(7L));
    }
}
