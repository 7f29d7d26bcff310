package jacktf.runtime;

import java.util.function.Consumer;
import java.util.function.Supplier;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TFOutOfRangeException;

/**
 * One pass over a finite {@code tf.data} input: the graph is run batch after batch until the
 * iterator signals the end with OutOfRange, TF1's {@code while True: ... except OutOfRangeError}.
 */
public final class Batches {
    private Batches() {}

    /**
     * Runs {@code runner}'s fetches repeatedly (a new runner per batch) and hands each result to
     * {@code batch}, which must not keep it (it is closed afterwards), until the input is exhausted.
     *
     * @return how many batches ran
     */
    public static int runToEnd(Supplier<Session.Runner> runner, Consumer<Result> batch) {
        int batches = 0;
        while (true) {
            Result result;
            try {
                result = runner.get().run();
            } catch (TFOutOfRangeException end) {
                return batches;
            }
            try (result) {
                batch.accept(result);
            }
            batches++;
        }
    }
}
