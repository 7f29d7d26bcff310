package jacktf.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SkipTrackerTest {
    static final List<String> FILES =
            IntStream.range(0, 10).mapToObj(i -> "f" + i + ".jpg").toList();

    @Test
    void aSingleProcessNamesTheFileAnEpochNeverDelivered() {
        SkipTracker t = new SkipTracker(FILES);
        long[] indices = {0, 1, 2, 3, 4, 5, 6, 7, 8};
        String[] files = FILES.subList(0, 9).stream().toArray(String[]::new);
        assertTrue(t.observe(indices, files).isEmpty());
        List<SkipTracker.Skipped> skipped = t.observe(new long[] {10}, new String[] {"f0.jpg"});
        assertEquals(List.of(new SkipTracker.Skipped(0, List.of("f9.jpg"))), skipped);
        assertEquals(1, t.total());
    }

    @Test
    void aWorkerCountsOnlyTheElementsOfItsOwnShare() {
        SkipTracker worker0 = new SkipTracker(FILES, 2, 0);
        assertTrue(worker0.observe(
                        new long[] {0, 2, 4, 6, 8}, new String[] {"f3.jpg", "f1.jpg", "f7.jpg", "f0.jpg", "f5.jpg"})
                .isEmpty());
        assertTrue(
                worker0.observe(new long[] {10}, new String[] {"f2.jpg"}).isEmpty(), "a complete share loses nothing");

        SkipTracker worker1 = new SkipTracker(FILES, 2, 1);
        worker1.observe(new long[] {1, 3, 5, 7}, new String[] {"f2.jpg", "f4.jpg", "f6.jpg", "f8.jpg"});
        List<SkipTracker.Skipped> skipped = worker1.observe(new long[] {11}, new String[] {"f9.jpg"});
        assertEquals(1, skipped.size());
        assertEquals(0, skipped.get(0).epoch());
        assertEquals(1, worker1.total());
    }

    @Test
    void aWorkerResumingInsideAnEpochDoesNotAuditIt() {
        SkipTracker worker1 = new SkipTracker(FILES, 2, 1);
        worker1.observe(new long[] {5, 7, 9}, new String[] {"f1.jpg", "f2.jpg", "f3.jpg"});
        assertTrue(worker1.observe(new long[] {11}, new String[] {"f4.jpg"}).isEmpty());
    }
}
