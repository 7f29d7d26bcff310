package jacktf.train;

import jacktf.runtime.Batches;
import org.tensorflow.Session;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * One pass over the validation split with the current weights: accuracy and mean cross-entropy,
 * written to the train dir's {@code eval/} events.
 */
final class Validator {
    private Validator() {}

    static ValidationResult validate(Session session, TrainingGraph g, long step) {
        TrainingGraph.Validation v = g.validation;
        session.run(v.input().initializer());
        double[] sums = new double[2]; // correct, loss
        int[] examples = new int[1];
        Batches.runToEnd(
                () -> session.runner()
                        .fetch(v.correct())
                        .fetch(v.lossSum())
                        .fetch(v.input().labels()),
                r -> {
                    sums[0] += ((TFloat32) r.get(0)).getFloat();
                    sums[1] += ((TFloat32) r.get(1)).getFloat();
                    examples[0] += (int) r.get(2).shape().get(0);
                });
        int n = examples[0];
        ValidationResult result =
                new ValidationResult(step, n, n == 0 ? 0 : (float) (sums[0] / n), n == 0 ? 0 : (float) (sums[1] / n));
        try (TInt64 s = TInt64.scalarOf(step);
                TFloat32 a = TFloat32.scalarOf(result.accuracy());
                TFloat32 l = TFloat32.scalarOf(result.crossEntropy())) {
            session.runner()
                    .feed(g.summaries.step, s)
                    .feed(g.summaries.evalAccuracy, a)
                    .feed(g.summaries.evalCrossEntropy, l)
                    .addTarget(g.summaries.evalOp())
                    .run();
        }
        return result;
    }
}
