package jacktf.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jacktf.checkpoint.Checkpoint;
import jacktf.checkpoint.TensorInfo;
import jacktf.config.LearningRateDecayType;
import jacktf.config.OptimizerType;
import jacktf.data.SyntheticImages;
import jacktf.model.Networks;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.DataType;

/**
 * A resumed run with dropout active draws the masks an uninterrupted one draws: slim's dropout before
 * MobileNet-v2's logits (keep probability 0.8) is a function of the graph seed, the layer and the global
 * step, so N steps then M more from the train dir equal N + M steps straight, bit for bit. With a stateful
 * random op the resumed session restarts the op's stream and replays step 1's masks at step N + 1.
 */
@Tag("slow")
class DropoutResumeTest {
    private static final String HEAD = "MobilenetV2/Logits";

    static TrainConfig.Builder config(Path data, Path trainDir, long steps) {
        return TrainConfig.builder(data, trainDir)
                .model(Networks.byName("mobilenet_v2"))
                .imageSize(32)
                .batchSize(4)
                .optimizer(OptimizerType.MOMENTUM)
                .learningRate(0.05f)
                .learningRateDecayType(LearningRateDecayType.FIXED)
                .trainableScopes(List.of(HEAD))
                .saveSummariesSecs(3600)
                .maxNumberOfSteps(steps);
    }

    /** Every float and int64 tensor of a checkpoint, as raw bits. */
    static Map<String, long[]> bits(Path checkpoint) {
        Map<String, long[]> out = new LinkedHashMap<>();
        try (Checkpoint c = Checkpoint.open(checkpoint)) {
            for (TensorInfo t : c.tensors()) {
                if (t.dtype() == DataType.DT_FLOAT) {
                    float[] v = c.read(t.name()).floats();
                    long[] b = new long[v.length];
                    for (int i = 0; i < v.length; i++) {
                        b[i] = Float.floatToRawIntBits(v[i]);
                    }
                    out.put(t.name(), b);
                } else if (t.dtype() == DataType.DT_INT64) {
                    out.put(t.name(), c.read(t.name()).longs());
                }
            }
        }
        return out;
    }

    /** The names whose bits differ between two checkpoints' tensors (same names required). */
    static List<String> differing(Map<String, long[]> a, Map<String, long[]> b) {
        assertEquals(a.keySet(), b.keySet(), "the same tensors");
        List<String> names = new ArrayList<>();
        for (var e : a.entrySet()) {
            if (!Arrays.equals(e.getValue(), b.get(e.getKey()))) {
                names.add(e.getKey());
            }
        }
        return names;
    }

    @Test
    void resumingWithDropoutEqualsAnUninterruptedRunBitForBit(@TempDir Path dir) throws IOException {
        Path data = dir.resolve("data");
        SyntheticImages.generate(data, 3, 4, 40, 5, 0, SyntheticImages.Layout.FOLDERS);
        Path straight = dir.resolve("straight");
        TrainResult a = Trainer.create(config(data, straight, 3).build()).train();
        Path split = dir.resolve("split");
        Trainer.create(config(data, split, 1).build()).train();
        TrainResult b = Trainer.create(config(data, split, 3).build()).train();
        assertEquals(3, a.finalStep());
        assertEquals(3, b.finalStep());
        Map<String, long[]> straightBits = bits(a.checkpoint());
        assertEquals(List.of(), differing(straightBits, bits(b.checkpoint())), "tensors that differ after 1 + 2 steps");
    }
}
