package jacktf.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jacktf.config.JacktfException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The one scope matcher, with slim's semantics: {@code var.op.name.startswith(scope)} in
 * train_image_classifier.py's {@code _get_init_fn} and {@code _get_variables_to_train}, and the
 * flags split on commas with blanks dropped.
 */
class ScopeSetTest {
    @Test
    void aScopeMatchesEveryVariableUnderIt() {
        ScopeSet logits = ScopeSet.of("resnet_v1_50/logits");
        assertTrue(logits.contains("resnet_v1_50/logits/weights"));
        assertTrue(logits.contains("resnet_v1_50/logits/biases"));
        assertTrue(logits.contains("resnet_v1_50/logits")); // the scope's own name
        assertFalse(logits.contains("resnet_v1_50/block4/unit_3/bottleneck_v1/conv3/weights"));
        assertFalse(logits.contains("resnet_v1_101/logits/weights"));
    }

    @Test
    void itIsAPlainPrefixTestAsSlimsStartswith() {
        // slim's startswith: block1 also matches block10..., and a scope without its trailing '/' matches siblings
        // that share the prefix. jacktf keeps this so that flags mean what they mean to slim; write
        // "resnet_v1_50/block1/" to match block1 alone.
        ScopeSet block1 = ScopeSet.of("resnet_v1_50/block1");
        assertTrue(block1.contains("resnet_v1_50/block1/unit_1/bottleneck_v1/conv1/weights"));
        assertTrue(block1.contains("resnet_v1_50/block10/unit_1/bottleneck_v1/conv1/weights"));
        assertFalse(ScopeSet.of("resnet_v1_50/block1/")
                .contains("resnet_v1_50/block10/unit_1/bottleneck_v1/conv1/weights"));
        assertTrue(ScopeSet.of("resnet_v1_50/conv").contains("resnet_v1_50/conv1/weights"));
    }

    @Test
    void anyOfSeveralScopesMatches() {
        ScopeSet set = ScopeSet.of(List.of("resnet_v1_50/logits", "resnet_v1_50/block4"));
        assertTrue(set.contains("resnet_v1_50/block4/unit_1/bottleneck_v1/shortcut/weights"));
        assertTrue(set.contains("resnet_v1_50/logits/biases"));
        assertFalse(set.contains("resnet_v1_50/block3/unit_1/bottleneck_v1/shortcut/weights"));
    }

    @Test
    void emptyMatchesNothing() {
        assertFalse(ScopeSet.NONE.contains("resnet_v1_50/logits/weights"));
        assertTrue(ScopeSet.NONE.isEmpty());
        assertTrue(ScopeSet.parse(null).isEmpty());
        assertTrue(ScopeSet.parse("").isEmpty());
        assertTrue(ScopeSet.parse(" , ").isEmpty());
    }

    @Test
    void parseSplitsOnCommasTrimsAndDropsBlanks() {
        // slim: [scope.strip() for scope in FLAGS.checkpoint_exclude_scopes.split(',')]; jacktf also drops blank
        // entries, which slim would keep and match every variable with (startswith('') is always true)
        assertEquals(
                List.of("resnet_v1_50/logits", "resnet_v1_50/block4"),
                ScopeSet.parse(" resnet_v1_50/logits , resnet_v1_50/block4,").scopes());
        assertEquals(
                "resnet_v1_50/logits,resnet_v1_50/block4",
                ScopeSet.parse("resnet_v1_50/logits,resnet_v1_50/block4").toString());
    }

    @Test
    void aBlankScopeIsRefused() {
        JacktfException e = assertThrows(JacktfException.class, () -> ScopeSet.of("resnet_v1_50/logits", " "));
        assertTrue(
                e.getMessage().startsWith("A scope is blank; scopes look like resnet_v1_50/logits."), e.getMessage());
    }
}
