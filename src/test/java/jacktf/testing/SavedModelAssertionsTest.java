package jacktf.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jacktf.TestData;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.tensorflow.proto.DataType;

/** The signature assertion on TF Serving's half_plus_two SavedModel, written by TF 1.14. */
class SavedModelAssertionsTest {
    static final TensorSpec X = TensorSpec.of("x", DataType.DT_FLOAT, -1, 1);
    static final TensorSpec Y = TensorSpec.of("y", DataType.DT_FLOAT, -1, 1);

    private Path halfPlusTwo;

    /** Resolved before each test, not inside an assertThrows: a missing ../shared is a skip, not a failure. */
    @BeforeEach
    void findHalfPlusTwo() {
        halfPlusTwo = TestData.savedModels().resolve("half_plus_two_tf1");
    }

    private Path halfPlusTwo() {
        return halfPlusTwo;
    }

    @Test
    void halfPlusTwoServingDefaultTakesXAndGivesY() {
        // testdata README: serving_default, input x (float [-1,1]) -> output y
        SavedModelAssertions.assertSignature(halfPlusTwo(), "serving_default", List.of(X), List.of(Y));
    }

    @Test
    void aWrongShapeIsNamedWithBothShapes() {
        AssertionFailedError e = assertThrows(
                AssertionFailedError.class,
                () -> SavedModelAssertions.assertSignature(
                        halfPlusTwo(),
                        "serving_default",
                        List.of(TensorSpec.of("x", DataType.DT_FLOAT, -1, 2)),
                        List.of(Y)));
        assertEquals(
                "SavedModel " + halfPlusTwo() + ", signature 'serving_default': input x is float32 [-1,1], "
                        + "expected float32 [-1,2]",
                e.getMessage());
        assertEquals(
                "inputs: x float32 [-1,2]\noutputs: y float32 [-1,1]",
                e.getExpected().getStringRepresentation());
        assertEquals(
                "inputs: x float32 [-1,1]\noutputs: y float32 [-1,1]",
                e.getActual().getStringRepresentation());
    }

    @Test
    void aMissingInputAndAnUnexpectedOutputAreBothReported() {
        AssertionFailedError e = assertThrows(
                AssertionFailedError.class,
                () -> SavedModelAssertions.assertSignature(
                        halfPlusTwo(),
                        "serving_default",
                        List.of(X, TensorSpec.of("z", DataType.DT_INT64, -1)),
                        List.of()));
        assertEquals(
                "SavedModel " + halfPlusTwo() + ", signature 'serving_default': no input z (expected int64 [-1]; "
                        + "its inputs are [x]); unexpected output y float32 [-1,1]",
                e.getMessage());
    }

    @Test
    void anAbsentSignatureListsTheOnesThereAre() {
        AssertionFailedError e = assertThrows(
                AssertionFailedError.class,
                () -> SavedModelAssertions.assertSignature(halfPlusTwo(), "predict_images", List.of(X), List.of(Y)));
        assertEquals(
                true,
                e.getMessage()
                        .startsWith(
                                "SavedModel " + halfPlusTwo() + " has no signature 'predict_images'; " + "it has ["),
                e.getMessage());
        assertEquals(true, e.getMessage().contains("serving_default"), e.getMessage());
    }

    @Test
    void aDirectoryWithoutASavedModelIsABadArgument(@TempDir Path notASavedModel) {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> SavedModelAssertions.assertSignature(notASavedModel, "serving_default", List.of(X), List.of(Y)));
        assertEquals(true, e.getMessage().startsWith("No SavedModel at " + notASavedModel), e.getMessage());
    }
}
