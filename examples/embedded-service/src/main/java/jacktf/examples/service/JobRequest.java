package jacktf.examples.service;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonSyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The body of {@code POST /jobs}: what to fine-tune from, on which images, for how long.
 *
 * @param datasetDir image folders, one per class ({@code dataset_dir}, required)
 * @param checkpoint the checkpoint to warm-start from ({@code checkpoint}, required)
 * @param steps training steps ({@code steps}, required, >= 1)
 * @param batchSize {@code batch_size}, default 8
 * @param learningRate {@code learning_rate}, default 0.01
 * @param excludeScopes {@code exclude_scopes}: variables that start fresh, default the classifier
 *     ({@code resnet_v1_50/logits}), so the dataset may have any number of classes
 * @param trainableScopes {@code trainable_scopes}: what trains, default everything
 */
public record JobRequest(
        Path datasetDir,
        Path checkpoint,
        long steps,
        int batchSize,
        float learningRate,
        List<String> excludeScopes,
        List<String> trainableScopes) {
    private static final Set<String> FIELDS = Set.of(
            "dataset_dir", "checkpoint", "steps", "batch_size", "learning_rate", "exclude_scopes", "trainable_scopes");

    /** Parses and checks a request body; {@link IllegalArgumentException} says what is wrong and how to fix it. */
    public static JobRequest parse(String body) {
        JsonObject json;
        try {
            JsonElement element = JsonParser.parseString(body);
            if (!element.isJsonObject()) {
                throw new IllegalArgumentException("The body must be a JSON object. Received: " + abbreviate(body));
            }
            json = element.getAsJsonObject();
        } catch (JsonSyntaxException e) {
            throw new IllegalArgumentException(
                    "The body is not valid JSON (" + e.getMessage() + "). Received: " + abbreviate(body));
        }
        for (String key : json.keySet()) {
            if (!FIELDS.contains(key)) {
                throw new IllegalArgumentException("Unknown field '" + key + "'. Expected some of " + FIELDS);
            }
        }
        Path dataset = Path.of(required(json, "dataset_dir"));
        if (!Files.isDirectory(dataset)) {
            throw new IllegalArgumentException(
                    "dataset_dir must be a directory of class folders. Received: " + dataset + " (no such directory)");
        }
        Path checkpoint = Path.of(required(json, "checkpoint"));
        if (!json.has("steps")) {
            throw new IllegalArgumentException("steps is required, e.g. {\"steps\": 100}");
        }
        long steps = json.get("steps").getAsLong();
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be at least 1. Received: " + steps);
        }
        int batch = json.has("batch_size") ? json.get("batch_size").getAsInt() : 8;
        float rate = json.has("learning_rate") ? json.get("learning_rate").getAsFloat() : 0.01f;
        if (batch < 1 || !(rate > 0)) {
            throw new IllegalArgumentException("batch_size must be >= 1 and learning_rate > 0. Received: batch_size "
                    + batch + ", learning_rate " + rate);
        }
        return new JobRequest(
                dataset,
                checkpoint,
                steps,
                batch,
                rate,
                json.has("exclude_scopes") ? strings(json, "exclude_scopes") : List.of("resnet_v1_50/logits"),
                json.has("trainable_scopes") ? strings(json, "trainable_scopes") : List.of());
    }

    private static String required(JsonObject json, String key) {
        if (!json.has(key)
                || !json.get(key).isJsonPrimitive()
                || json.get(key).getAsString().isBlank()) {
            throw new IllegalArgumentException(key + " is required (a path on the server). Received: "
                    + (json.has(key) ? json.get(key) : "nothing"));
        }
        return json.get(key).getAsString();
    }

    private static List<String> strings(JsonObject json, String key) {
        if (!json.get(key).isJsonArray()) {
            throw new IllegalArgumentException(key + " must be a list of scopes. Received: " + json.get(key));
        }
        JsonArray array = json.getAsJsonArray(key);
        List<String> out = new ArrayList<>();
        array.forEach(e -> out.add(e.getAsString()));
        return List.copyOf(out);
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }
}
