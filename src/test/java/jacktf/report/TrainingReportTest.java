package jacktf.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jacktf.eval.EvalReport;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainingReportTest {

    private static EvalReport report(List<String> classes, String checkpoint) {
        int n = classes.size();
        return new EvalReport(
                checkpoint,
                40,
                classes,
                10,
                0.7f,
                0.9f,
                new int[n][n],
                new float[n],
                new float[n],
                List.of(),
                List.of());
    }

    @Test
    void pathsAreShownWithoutDotSegments() {
        assertEquals(
                "/tmp/fresh/demo/train/model.ckpt-40",
                TrainingReport.displayPath("/tmp/fresh/./demo/x/../train/model.ckpt-40"));
        assertEquals("runs/demo", TrainingReport.displayPath("./runs/./demo"));
        assertTrue(TrainingReport.evaluationSummary(report(List.of("cat", "dog"), "/tmp/fresh/./demo/model.ckpt-40"))
                .startsWith("/tmp/fresh/demo/model.ckpt-40 (step 40) on 10 images"));
    }

    @Test
    void topFiveRecallOnlyWithMoreThanFiveClasses() {
        String two = TrainingReport.evaluationSummary(report(List.of("cat", "dog"), "m"));
        assertEquals("m (step 40) on 10 images: <b>accuracy 0.7000</b>", two);
        String five = TrainingReport.evaluationSummary(report(List.of("a", "b", "c", "d", "e"), "m"));
        assertFalse(five.contains("top-5"), five);
        String six = TrainingReport.evaluationSummary(report(List.of("a", "b", "c", "d", "e", "f"), "m"));
        assertTrue(six.endsWith(", top-5 recall 0.9000"), six);
    }
}
