package jacktf.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jacktf.model.BatchNormPolicy;
import jacktf.model.ModelGraph;
import jacktf.model.TinyNet;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * The head a restore excludes by default: the network's head scopes, when no exclude scope is given and
 * the checkpoint's logits have other classes than the model's (what slim's fine-tuning scripts pass by
 * hand as --checkpoint_exclude_scopes), and nothing else. A V1 checkpoint (SaveSlices) of a 5-class
 * TinyNet against TinyNets of 3 and 5 classes.
 */
class HeadExcludeDefaultTest {
    private static final List<String> HEAD = List.of(TinyNet.SCOPE + "/logits");
    /** TinyNet's body, counted by hand in RestoreAndSaveTest.TINY_VARIABLES; the head adds weights and biases. */
    private static final int BODY = 95;

    @TempDir
    static Path work;

    private static Path checkpoint;

    @BeforeAll
    static void writeFiveClassCheckpoint() throws Exception {
        checkpoint = work.resolve("tiny5.ckpt");
        ZooFixtures.writeV1(ZooFixtures.initialVariables(TinyNet.ARCHITECTURE, 5, 32, work), checkpoint);
    }

    private static RestorePlan plan(int modelClasses, RestoreOptions options) {
        try (Graph graph = new Graph();
                Checkpoint c = Checkpoint.open(checkpoint)) {
            ModelGraph mg = ModelGraph.local(graph);
            TinyNet.ARCHITECTURE
                    .build(modelClasses)
                    .apply(
                            mg,
                            mg.ops("").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 32, 32, 3))),
                            BatchNormPolicy.inference());
            return RestorePlan.create(CheckpointVariable.modelVariables(mg), c, options);
        }
    }

    private static Map<RestorePlan.Status, List<String>> byStatus(RestorePlan plan) {
        return plan.items().stream()
                .collect(Collectors.groupingBy(
                        RestorePlan.Item::status, Collectors.mapping(RestorePlan.Item::name, Collectors.toList())));
    }

    @Test
    void otherClassesExcludeTheHeadByDefault() {
        RestorePlan plan = plan(3, RestoreOptions.all().withHeadScopes(HEAD));
        assertEquals(HEAD, plan.excludedScopes());
        Map<RestorePlan.Status, List<String>> status = byStatus(plan);
        assertEquals(
                List.of(TinyNet.SCOPE + "/logits/weights", TinyNet.SCOPE + "/logits/biases").stream()
                        .sorted()
                        .toList(),
                status.get(RestorePlan.Status.EXCLUDED).stream().sorted().toList());
        assertEquals(BODY, status.get(RestorePlan.Status.RESTORED).size());
        plan.check();
        assertTrue(plan.format(false).contains("exclude scopes: " + HEAD.get(0) + " (the head, by default"));
    }

    @Test
    void theSameClassesRestoreEverything() {
        RestorePlan plan = plan(5, RestoreOptions.all().withHeadScopes(HEAD));
        assertEquals(List.of(), plan.excludedScopes());
        assertEquals(BODY + 2, byStatus(plan).get(RestorePlan.Status.RESTORED).size());
    }

    @Test
    void givenExcludeScopesAreTakenAsGiven() {
        String block4 = TinyNet.SCOPE + "/block4";
        RestoreOptions given = RestoreOptions.excluding(block4).withHeadScopes(HEAD);
        RestorePlan plan = plan(3, given);
        assertEquals(List.of(block4), plan.excludedScopes());
        // the head is not excluded behind the user's back: its shapes mismatch, as without the default
        Map<String, RestorePlan.Status> byName =
                plan.items().stream().collect(Collectors.toMap(RestorePlan.Item::name, RestorePlan.Item::status));
        assertEquals(RestorePlan.Status.MISMATCHED, byName.get(TinyNet.SCOPE + "/logits/weights"));
        assertThrows(CheckpointException.class, plan::check);
    }

    @Test
    void withoutHeadScopesOtherClassesStillFailNamingTheScope() {
        RestorePlan plan = plan(3, RestoreOptions.all());
        assertEquals(List.of(), plan.excludedScopes());
        CheckpointException e = assertThrows(CheckpointException.class, plan::check);
        assertTrue(e.getMessage().contains("--checkpoint-exclude-scopes " + HEAD.get(0)), e.getMessage());
    }
}
