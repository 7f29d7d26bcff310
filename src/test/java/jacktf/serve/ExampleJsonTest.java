package jacktf.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import com.google.protobuf.ByteString;
import jacktf.serve.apis.ClassificationResult;
import jacktf.serve.apis.Input;
import jacktf.serve.apis.RegressionResult;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.Example;
import org.tensorflow.proto.Feature;

/**
 * TF Serving's JSON for :classify and :regress (json_tensor.cc) read and written: which JSON value
 * becomes which feature kind, the context, the refusals, and the {"results"} answers. Expected
 * values are the rules of TF Serving's REST API documentation.
 */
class ExampleJsonTest {
    static Feature feature(Input input, int example, String name) {
        return input.getExampleList().getExamples(example).getFeatures().getFeatureOrThrow(name);
    }

    @Test
    void jsonValuesBecomeTheFeatureKindsOfTfServing() {
        ExampleJson.Request r = ExampleJson.request(
                "{\"signature_name\": \"s\", \"examples\": [{\"f\": 2.0, \"i\": 2, \"e\": 1e3, \"b\": [true, false], "
                        + "\"t\": \"caf\u00e9\", \"raw\": {\"b64\": \"aGk=\"}, \"list\": [1.5, 2.5], \"none\": []}]}",
                "classify");
        assertEquals("s", r.signatureName());
        Input in = r.input();
        assertEquals(List.of(2f), feature(in, 0, "f").getFloatList().getValueList()); // a fraction: float
        assertEquals(List.of(2L), feature(in, 0, "i").getInt64List().getValueList()); // no fraction: int64
        assertEquals(List.of(1000f), feature(in, 0, "e").getFloatList().getValueList()); // an exponent: float
        assertEquals(List.of(1L, 0L), feature(in, 0, "b").getInt64List().getValueList()); // booleans: 1, 0
        assertEquals(
                ByteString.copyFromUtf8("caf\u00e9"),
                feature(in, 0, "t").getBytesList().getValue(0));
        assertEquals(
                ByteString.copyFromUtf8("hi"),
                feature(in, 0, "raw").getBytesList().getValue(0));
        assertEquals(List.of(1.5f, 2.5f), feature(in, 0, "list").getFloatList().getValueList());
        assertEquals(Feature.KindCase.KIND_NOT_SET, feature(in, 0, "none").getKindCase());
        assertEquals("", ExampleJson.request("{\"examples\": [{}]}", "regress").signatureName());
    }

    @Test
    void aContextGoesBesideTheExamplesAndItsBytesComeFirst() {
        Input in = ExampleJson.request("{\"context\": {\"x\": 4.0}, \"examples\": [{}, {\"x\": 2.0}]}", "regress")
                .input();
        assertEquals(Input.KindCase.EXAMPLE_LIST_WITH_CONTEXT, in.getKindCase());
        assertEquals(2, in.getExampleListWithContext().getExamplesCount());
        HostTensor serialized = ExampleRunner.serialized(in);
        assertEquals(2, serialized.rows());
        // parsed as TF parses it, the later bytes (the example's) win for the same feature
        for (int i = 0; i < 2; i++) {
            float x;
            try {
                x = Example.parseFrom(((byte[][]) serialized.values)[i])
                        .getFeatures()
                        .getFeatureOrThrow("x")
                        .getFloatList()
                        .getValue(0);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            assertEquals(i == 0 ? 4f : 2f, x);
        }
        ServingException empty =
                assertThrows(ServingException.class, () -> ExampleRunner.serialized(Input.getDefaultInstance()));
        assertTrue(empty.getMessage().startsWith("Input is empty."), empty.getMessage());
    }

    @Test
    void refusalsNameTheFeatureAndWhatWasExpected() {
        Object[][] cases = {
            {"{\"examples\": [{\"x\": [1.0, \"a\"]}]}", "Unexpected element type in feature: x expecting type: float"},
            {"{\"examples\": [{\"x\": [1, 2.5]}]}", "Unexpected element type in feature: x expecting type: int64"},
            {"{\"examples\": [{\"x\": null}]}", "Feature: x has element with unexpected JSON type: null"},
            {"{\"examples\": [{\"x\": [[1.0]]}]}", "Feature: x has element with unexpected JSON type: array"},
            {"{\"examples\": [{\"x\": {\"a\": 1}}]}", "Feature: x has element with unexpected JSON type: object"},
            {"{\"examples\": [{\"x\": 18446744073709551615}]}", "has uint64_t element"},
            {"{\"examples\": [[1.0]]}", "Example must be JSON object but got JSON array"},
            {"{\"examples\": {}}", "Expecting 'examples' value to be an list/array"},
            {"{\"examples\": []}", "'examples' value is an empty array"},
            {"{\"instances\": [1.0]}", "When method is classify, key 'examples' is expected"},
            {"{\"signature_name\": 3, \"examples\": [{}]}", "\"signature_name\" must be a string"},
            {"{\"examples\": [{\"x\": {\"b64\": \"%%\"}}]}", "unable to base64 decode"},
        };
        for (Object[] c : cases) {
            ServingException e =
                    assertThrows(ServingException.class, () -> ExampleJson.request((String) c[0], "classify"));
            assertEquals(400, e.httpStatus(), (String) c[0]);
            assertTrue(e.getMessage().contains((String) c[1]), c[1] + " in " + e.getMessage());
        }
    }

    @Test
    void resultsAreWrittenAsTfServingSendsThem() {
        ClassificationResult.Builder classes = ClassificationResult.newBuilder();
        var first = classes.addClassificationsBuilder();
        first.addClassesBuilder().setLabel("cat").setScore(0.75f);
        first.addClassesBuilder().setLabel("").setScore(0.25f);
        assertEquals(
                JsonParser.parseString("{\"results\": [[[\"cat\", 0.75], [\"\", 0.25]]]}"),
                ExampleJson.classifications(classes.build()));
        RegressionResult.Builder values = RegressionResult.newBuilder();
        values.addRegressionsBuilder().setValue(3.5f);
        values.addRegressionsBuilder().setValue(4f);
        assertEquals(JsonParser.parseString("{\"results\": [3.5, 4.0]}"), ExampleJson.regressions(values.build()));
    }
}
