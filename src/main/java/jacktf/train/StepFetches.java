package jacktf.train;

import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;

/**
 * What a training step fetches, declared once: {@link #addTo} puts the fetches on a runner in the
 * order of {@link Fetch}, {@link #decode} reads them back by name into {@link Values}. Fetches a
 * caller adds after these (a cluster's heartbeat) come after them in the result.
 */
final class StepFetches {
    /** The fetches of a step, in the order they are added. */
    private enum Fetch {
        STEP,
        TOTAL_LOSS,
        CROSS_ENTROPY,
        REGULARIZATION,
        ACCURACY,
        LEARNING_RATE,
        INDICES,
        FILES
    }

    /** A step's values: the global step after it, the losses, the rate, and which examples the batch held. */
    record Values(
            long step,
            float totalLoss,
            float crossEntropy,
            float regularization,
            float accuracy,
            float learningRate,
            long[] batchIndices,
            String[] batchFiles) {}

    private StepFetches() {}

    static Session.Runner addTo(Session.Runner runner, TrainingGraph g) {
        for (Fetch f : Fetch.values()) {
            runner.fetch(operand(g, f));
        }
        return runner;
    }

    private static Operand<?> operand(TrainingGraph g, Fetch f) {
        return switch (f) {
            case STEP -> g.trainStep;
            case TOTAL_LOSS -> g.totalLoss;
            case CROSS_ENTROPY -> g.crossEntropy;
            case REGULARIZATION -> g.regularization;
            case ACCURACY -> g.accuracy;
            case LEARNING_RATE -> g.learningRate;
            case INDICES -> g.input.indices();
            case FILES -> g.input.files();
        };
    }

    static Values decode(Result r) {
        TInt64 indices = (TInt64) r.get(Fetch.INDICES.ordinal());
        TString files = (TString) r.get(Fetch.FILES.ordinal());
        long[] batchIndices = new long[(int) indices.shape().get(0)];
        String[] batchFiles = new String[batchIndices.length];
        for (int i = 0; i < batchIndices.length; i++) {
            batchIndices[i] = indices.getLong(i);
            batchFiles[i] = files.getObject(i);
        }
        return new Values(
                ((TInt64) r.get(Fetch.STEP.ordinal())).getLong(),
                scalar(r, Fetch.TOTAL_LOSS),
                scalar(r, Fetch.CROSS_ENTROPY),
                scalar(r, Fetch.REGULARIZATION),
                scalar(r, Fetch.ACCURACY),
                scalar(r, Fetch.LEARNING_RATE),
                batchIndices,
                batchFiles);
    }

    private static float scalar(Result r, Fetch f) {
        return ((TFloat32) r.get(f.ordinal())).getFloat();
    }
}
