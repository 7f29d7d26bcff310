package jacktf.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jacktf.TfWrittenCheckpoints;
import jacktf.model.Architecture;
import jacktf.model.BatchNormPolicy;
import jacktf.model.ModelGraph;
import jacktf.model.ModelVariable;
import jacktf.model.ResNetV1;
import jacktf.model.TestVariables;
import jacktf.model.TinyNet;
import jacktf.runtime.Placement;
import jacktf.runtime.Sessions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/** Warm start and save through RestoreV2/SaveV2 in the graph, on real and self-written checkpoints. */
class RestoreAndSaveTest {

    /**
     * Variables of {@link TinyNet} by slim's structure, counted by hand: conv1 has weights and four
     * batch-norm variables (5); a bottleneck unit three such convs (15); a projection shortcut 5 more.
     * block1: 2 units + projection (64 -> 16 channels) = 35; block2: 1 unit + projection = 20; block3:
     * 1 unit with an identity shortcut (depth 32 stays 32) = 15; block4: 1 unit + projection = 20.
     */
    static final int TINY_VARIABLES = 5 + 35 + 20 + 15 + 20;

    static final int TINY_BLOCK4 = 20;
    static final String S = TinyNet.SCOPE;

    /** A network graph with an open session and initialised variables. */
    static final class Model implements AutoCloseable {
        final Graph graph = new Graph();
        final ModelGraph mg;
        final Session session;

        Model(Integer classes, long seed) {
            this(TinyNet.ARCHITECTURE, classes, seed);
        }

        Model(Architecture architecture, Integer classes, long seed) {
            mg = new ModelGraph(graph, Placement.local(), seed);
            ResNetV1.builder(architecture)
                    .numClasses(classes)
                    .build()
                    .apply(
                            mg,
                            mg.ops("").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 32, 32, 3))),
                            BatchNormPolicy.inference());
            session = Sessions.open(graph);
            session.run(mg.initializer());
        }

        List<CheckpointVariable> targets() {
            return mg.variables().variables().stream()
                    .map(CheckpointVariable::of)
                    .toList();
        }

        Map<String, float[]> values() {
            return TestVariables.snapshot(session, mg);
        }

        int restore(Path ckpt, RestoreOptions options) {
            try (Checkpoint c = Checkpoint.open(ckpt)) {
                return Restorer.restore(session, mg, RestorePlan.create(targets(), c, options));
            }
        }

        @Override
        public void close() {
            session.close();
            graph.close();
        }
    }

    private static Path saveRandom(Model m, Path dir, long seed) throws IOException {
        TestVariables.randomize(m.session, m.mg, seed);
        return new CheckpointSaver(m.mg, m.targets(), dir, 5).save(m.session, 100);
    }

    @Test
    void roundTripIsBitForBit(@TempDir Path dir) throws IOException {
        roundTrip(TinyNet.ARCHITECTURE, TINY_VARIABLES + 2, dir);
    }

    /** resnet_v1_50 as slim names it: 267 variables with a 10-class head. */
    @Test
    @Tag("slow")
    void roundTripOfResnetV1_50IsBitForBit(@TempDir Path dir) throws IOException {
        roundTrip(Architecture.RESNET_V1_50, 267, dir);
    }

    private static void roundTrip(Architecture architecture, int variables, Path dir) throws IOException {
        Map<String, float[]> saved;
        Path prefix;
        try (Model m = new Model(architecture, 10, 1)) {
            prefix = saveRandom(m, dir, 11);
            saved = m.values();
        }
        assertEquals(dir.resolve("model.ckpt-100"), prefix);
        assertEquals("model.ckpt-100", CheckpointState.read(dir).orElseThrow().latest());
        try (Checkpoint c = Checkpoint.open(dir)) {
            assertEquals(variables, c.tensors().size());
            for (TensorInfo t : c.tensors()) {
                assertArrayEquals(saved.get(t.name()), c.read(t.name()).floats(), 0f, t.name());
            }
        }
        try (Model fresh = new Model(architecture, 10, 2)) {
            assertEquals(variables, fresh.restore(dir, RestoreOptions.all()));
            Map<String, float[]> restored = fresh.values();
            for (var e : saved.entrySet()) {
                assertArrayEquals(e.getValue(), restored.get(e.getKey()), 0f, e.getKey());
            }
        }
    }

    @Test
    void thousandClassLogitsIntoTwoClassModel(@TempDir Path dir) throws IOException {
        Map<String, float[]> pretrained;
        try (Model m = new Model(1000, 1)) {
            saveRandom(m, dir, 5);
            pretrained = m.values();
        }
        try (Model m = new Model(2, 3)) {
            CheckpointException mismatch =
                    assertThrows(CheckpointException.class, () -> m.restore(dir, RestoreOptions.all()));
            String msg = mismatch.getMessage();
            assertTrue(
                    msg.contains(
                            S + "/logits/weights: model has float32 [1,1,64,2], checkpoint has float32 [1,1,64,1000]"),
                    msg);
            assertTrue(msg.contains(S + "/logits/biases"), msg);
            assertTrue(msg.contains("--checkpoint-exclude-scopes " + S + "/logits"), msg);

            Map<String, float[]> fresh = m.values();
            try (Checkpoint c = Checkpoint.open(dir)) {
                RestorePlan typo =
                        RestorePlan.create(m.targets(), c, RestoreOptions.excluding(S + "/logits", "resnet/logit"));
                assertEquals(
                        List.of("--checkpoint-exclude-scopes 'resnet/logit' matches no variable of the model"),
                        typo.warnings());
            }
            assertEquals(TINY_VARIABLES, m.restore(dir, RestoreOptions.excluding(S + "/logits")));
            Map<String, float[]> after = m.values();
            for (var e : after.entrySet()) {
                float[] expected =
                        e.getKey().startsWith(S + "/logits") ? fresh.get(e.getKey()) : pretrained.get(e.getKey());
                assertArrayEquals(expected, e.getValue(), 0f, e.getKey());
            }
        }
    }

    @Test
    void excludedBlockStaysFreshAndTheRestIsRestoredExactly(@TempDir Path dir) throws IOException {
        Map<String, float[]> pretrained;
        try (Model m = new Model(2, 1)) {
            saveRandom(m, dir, 6);
            pretrained = m.values();
        }
        try (Model m = new Model(2, 9)) {
            Map<String, float[]> fresh = m.values();
            int restored = m.restore(dir, RestoreOptions.excluding(S + "/block4"));
            long block4 = m.mg.variables().variables().stream()
                    .filter(v -> v.isUnder(S + "/block4"))
                    .count();
            assertEquals(TINY_BLOCK4, block4);
            assertEquals(TINY_VARIABLES + 2 - block4, restored);
            Map<String, float[]> after = m.values();
            for (ModelVariable v : m.mg.variables().variables()) {
                Map<String, float[]> source = v.isUnder(S + "/block4") ? fresh : pretrained;
                assertArrayEquals(source.get(v.name()), after.get(v.name()), 0f, v.name());
            }
        }
    }

    @Test
    void missingVariablesFailOrStartFreshWithIgnoreMissingVars(@TempDir Path dir) throws IOException {
        Map<String, float[]> pretrained;
        try (Model m = new Model(2, 1)) {
            TestVariables.randomize(m.session, m.mg, 8);
            List<CheckpointVariable> withoutBlock4 = m.targets().stream()
                    .filter(t -> !t.name().startsWith(S + "/block4"))
                    .toList();
            new CheckpointSaver(m.mg, withoutBlock4, dir, 1).save(m.session, 1);
            pretrained = m.values();
        }
        try (Model m = new Model(2, 4)) {
            CheckpointException e = assertThrows(CheckpointException.class, () -> m.restore(dir, RestoreOptions.all()));
            assertTrue(
                    e.getMessage()
                            .startsWith(
                                    TINY_BLOCK4 + " of " + (TINY_VARIABLES + 2) + " variables are not in checkpoint"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("--ignore-missing-vars"), e.getMessage());

            Map<String, float[]> fresh = m.values();
            RestoreOptions ignore = new RestoreOptions(List.of(), Map.of(), true);
            try (Checkpoint c = Checkpoint.open(dir)) {
                RestorePlan plan = RestorePlan.create(m.targets(), c, ignore);
                assertEquals(TINY_BLOCK4, plan.warnings().size());
                assertEquals(TINY_VARIABLES + 2 - TINY_BLOCK4, Restorer.restore(m.session, m.mg, plan));
            }
            Map<String, float[]> after = m.values();
            for (ModelVariable v : m.mg.variables().variables()) {
                Map<String, float[]> source = v.isUnder(S + "/block4") ? fresh : pretrained;
                assertArrayEquals(source.get(v.name()), after.get(v.name()), 0f, v.name());
            }
        }
    }

    @Test
    void scopeMapReadsABackboneSavedUnderAnotherScope(@TempDir Path dir) throws IOException {
        Map<String, float[]> pretrained;
        try (Model m = new Model(null, 1)) {
            TestVariables.randomize(m.session, m.mg, 12);
            List<CheckpointVariable> renamed = m.targets().stream()
                    .map(t -> new CheckpointVariable(
                            t.name().replaceFirst("^" + S + "/", "tower_0/resnet/"),
                            t.shape(),
                            t.dtype(),
                            t.variable()))
                    .toList();
            new CheckpointSaver(m.mg, renamed, dir, 1).save(m.session, 1);
            pretrained = m.values();
        }
        try (Model m = new Model(null, 2)) {
            RestoreOptions map =
                    new RestoreOptions(List.of(), RestoreOptions.parseScopeMap("tower_0/resnet/:" + S + "/"), false);
            assertEquals(TINY_VARIABLES, m.restore(dir, map));
            Map<String, float[]> after = m.values();
            pretrained.forEach((name, v) -> assertArrayEquals(v, after.get(name), 0f, name));
        }
    }

    @Test
    void realV1AndV2CheckpointsRestoreThroughRestoreV2() {
        try (Graph g = new Graph()) {
            ModelGraph mg = ModelGraph.local(g);
            Ops tf = mg.ops("");
            Variable<TFloat32> a = tf.withName("a").variable(Shape.scalar(), TFloat32.class);
            Variable<TFloat32> b = tf.withName("b").variable(Shape.scalar(), TFloat32.class);
            Variable<TInt64> step = tf.withName("global_step").variable(Shape.scalar(), TInt64.class);
            try (Session s = Sessions.open(g)) {
                List<CheckpointVariable> ab = List.of(
                        CheckpointVariable.of(a, DataType.DT_FLOAT), CheckpointVariable.of(b, DataType.DT_FLOAT));
                try (Checkpoint v1 = Checkpoint.open(TfWrittenCheckpoints.v1File())) {
                    assertEquals(2, Restorer.restore(s, mg, RestorePlan.create(ab, v1, RestoreOptions.all())));
                }
                try (Result r = s.runner().fetch(a).fetch(b).run()) {
                    assertEquals(0.5f, ((TFloat32) r.get(0)).getFloat());
                    assertEquals(2.0f, ((TFloat32) r.get(1)).getFloat());
                }
                try (Checkpoint v2 = Checkpoint.open(TfWrittenCheckpoints.twoShardsDir())) {
                    RestorePlan plan = RestorePlan.create(
                            List.of(CheckpointVariable.of(step, DataType.DT_INT64)), v2, RestoreOptions.all());
                    assertEquals(
                            TfWrittenCheckpoints.TWO_SHARDS.size() - 1,
                            plan.unused().size());
                    assertEquals(1, Restorer.restore(s, mg, plan));
                }
                try (Result r = s.runner().fetch(step).run()) {
                    assertEquals(1L, ((TInt64) r.get(0)).getLong());
                }
            }
        }
    }

    @Test
    void keepsOnlyTheNewestCheckpoints(@TempDir Path dir) throws IOException {
        try (Graph g = new Graph()) {
            ModelGraph mg = ModelGraph.local(g);
            Variable<TFloat32> v = mg.ops("").withName("v").variable(Shape.of(3), TFloat32.class);
            try (Session s = Sessions.open(g)) {
                s.run(mg.ops("").assign(v, mg.ops("").constant(new float[] {1, 2, 3})));
                CheckpointSaver saver =
                        new CheckpointSaver(mg, List.of(CheckpointVariable.of(v, DataType.DT_FLOAT)), dir, 2);
                for (long step = 1; step <= 5; step++) {
                    saver.save(s, step * 10);
                }
            }
        }
        CheckpointState state = CheckpointState.read(dir).orElseThrow();
        assertEquals("model.ckpt-50", state.latest());
        assertEquals(List.of("model.ckpt-40", "model.ckpt-50"), state.all());
        assertFalse(Files.exists(dir.resolve("model.ckpt-30.index")));
        assertFalse(Files.exists(dir.resolve("model.ckpt-30.data-00000-of-00001")));
        assertTrue(Files.exists(dir.resolve("model.ckpt-40.index")));
    }
}
