package jacktf.serve;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.tensorflow.proto.error.Code;

/**
 * TF Serving's request validation, the one place both APIs take it from. TF Serving checks a
 * Predict request's signature (by key), the count and names of its inputs and its output filter,
 * and nothing of dtypes and shapes against the signature: the runtime decides those, with
 * TensorFlow's own errors (its predict_util.cc and saved_model's GetInputValues). Classify,
 * Regress and MultiInference check the signature's method and form ({@link ExampleRunner}). A
 * REST request first goes through the JSON rules of {@link PredictCodec} (tensors built in the
 * signature's dtypes, instances of one shape) and then through these same checks, as TF Serving's
 * REST handler builds a PredictRequest and hands it to Predict.
 */
final class RequestChecks {
    private RequestChecks() {}

    /** REST's signature lookup (TF Serving's GetInfoMap): INVALID_ARGUMENT, 400. */
    static ServingException restSignatureMissing(String key, Collection<String> keys) {
        return ServingException.invalidArgument(
                "Serving signature name: \"" + key + "\" not found in signature def; expected one of " + keys);
    }

    /** gRPC Predict's signature lookup: FAILED_PRECONDITION, which TF Serving's HTTP mapping also makes 400. */
    static ServingException predictSignatureMissing(String key, Collection<String> keys) {
        return new ServingException(
                Code.FAILED_PRECONDITION, "Serving signature key \"" + key + "\" not found; expected one of " + keys);
    }

    /** Classify's, Regress's and MultiInference's signature lookup: INVALID_ARGUMENT. */
    static ServingException exampleSignatureMissing(String key, Collection<String> keys) {
        return ServingException.invalidArgument(
                "No signature was found with the name: " + key + "; expected one of " + keys);
    }

    /**
     * The inputs a Predict request names against its signature's: first their count (more than the
     * signature's, or fewer), then each signature input must be there and every name must be one
     * of them. INVALID_ARGUMENT with TF Serving's wording, naming what was sent and what is
     * expected.
     */
    static void inputs(SignatureSpec signature, Set<String> given) {
        Set<String> expected = new TreeSet<>(signature.inputs().keySet());
        Set<String> sent = new TreeSet<>(given);
        Set<String> extra = new TreeSet<>(sent);
        extra.removeAll(expected);
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(sent);
        if (sent.size() != expected.size()) {
            throw ServingException.invalidArgument("input size does not match signature: " + sent.size() + "!="
                    + expected.size() + " len(" + braces(sent) + ") != len(" + braces(expected) + "). Sent extra: "
                    + braces(extra) + ". Missing but required: " + braces(missing) + ".");
        }
        if (!missing.isEmpty()) {
            String alias = missing.iterator().next();
            throw ServingException.invalidArgument("Signature input alias: " + alias + "(feed name: "
                    + signature.inputs().get(alias).tensorName() + ") not found in request. Inputs expected to be "
                    + "in the request " + braces(expected) + "; received " + braces(sent));
        }
    }

    /** The outputs a Predict fetches: its filter (each an output of the signature, none twice), or all. */
    static List<String> outputs(SignatureSpec signature, List<String> filter) {
        if (filter.isEmpty()) {
            return new ArrayList<>(signature.outputs().keySet());
        }
        Set<String> seen = new LinkedHashSet<>();
        for (String alias : filter) {
            if (!signature.outputs().containsKey(alias)) {
                throw ServingException.invalidArgument(
                        "output tensor alias not found in signature: " + alias + " Outputs expected to be in the set "
                                + braces(signature.outputs().keySet()) + ".");
            }
            if (!seen.add(alias)) {
                throw ServingException.invalidArgument("duplicate output tensor alias: " + alias);
            }
        }
        return List.copyOf(seen);
    }

    private static String braces(Collection<String> names) {
        return "{" + String.join(",", new TreeSet<>(names)) + "}";
    }
}
