package jacktf.serve;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tensorflow.Signature;
import org.tensorflow.exceptions.TensorFlowException;

/**
 * A REST server compatible with TF Serving's: model status, metadata and predict in row
 * ({@code instances}) and columnar ({@code inputs}) formats, binary values as {@code {"b64"}},
 * concurrent requests batched together. Bad requests get HTTP 400 with {@code {"error"}}.
 */
public final class ModelServer implements AutoCloseable {
  private static final Pattern PATH = Pattern.compile("^/v1/models/([^/:]+)(?:/versions/([^/:]+))?(/metadata|:predict)?$");
  private static final Gson GSON = new Gson();

  /** How the server runs. */
  public record Config(Path basePath, String modelName, String host, int port, int maxBatchSize,
      long batchTimeoutMicros, long maxBodyBytes, long pollSeconds, int threads) {
    public static Config defaults(Path basePath) {
      return new Config(basePath, basePath.toAbsolutePath().normalize().getFileName().toString(), "127.0.0.1", 8501,
          32, 2000, 32L << 20, 2, 16);
    }
  }

  private final Config config;
  private final ModelVersions versions;
  private final HttpServer http;
  private final ExecutorService executor;

  private ModelServer(Config config, ModelVersions versions, HttpServer http, ExecutorService executor) {
    this.config = config;
    this.versions = versions;
    this.http = http;
    this.executor = executor;
  }

  public static ModelServer start(Config config) throws IOException {
    ModelVersions versions = new ModelVersions(config.basePath(), config.maxBatchSize(), config.batchTimeoutMicros(),
        config.pollSeconds());
    HttpServer http;
    try {
      http = HttpServer.create(new InetSocketAddress(config.host(), config.port()), 64);
    } catch (IOException e) {
      versions.close();
      throw new IOException("Cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
    }
    ExecutorService executor = Executors.newFixedThreadPool(config.threads());
    ModelServer server = new ModelServer(config, versions, http, executor);
    http.createContext("/", server::handle);
    http.setExecutor(executor);
    http.start();
    return server;
  }

  public int port() {
    return http.getAddress().getPort();
  }

  public int servedVersion() {
    return versions.current().version;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      int status;
      JsonElement body;
      try {
        body = route(exchange);
        status = 200;
      } catch (NotFound e) {
        status = 404;
        body = error(e.getMessage());
      } catch (JsonTensors.BadRequest | JsonParseException | IllegalArgumentException | IllegalStateException e) {
        status = 400;
        body = error(e.getMessage());
      } catch (TensorFlowException e) {
        status = 400;
        body = error(e.getMessage() == null ? e.toString() : e.getMessage().strip());
      } catch (Exception e) {
        status = 500;
        body = error("Internal error: " + e);
      }
      byte[] bytes = GSON.toJson(body).getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  private JsonElement route(HttpExchange exchange) throws Exception {
    Matcher m = PATH.matcher(exchange.getRequestURI().getRawPath());
    if (!m.matches() || !m.group(1).equals(config.modelName())) {
      throw new NotFound("Servable not found for request: " + exchange.getRequestURI().getRawPath()
          + " (this server serves /v1/models/" + config.modelName() + ")");
    }
    try (ModelVersions.Lease lease = versions.lease()) {
      ModelVersions.Loaded loaded = lease.loaded();
      if (m.group(2) != null && !m.group(2).equals(Integer.toString(loaded.version))) {
        throw new NotFound("Version " + m.group(2) + " of " + config.modelName() + " is not loaded; version "
            + loaded.version + " is");
      }
      String action = m.group(3);
      String method = exchange.getRequestMethod();
      if (action == null && method.equals("GET")) {
        return status(loaded);
      }
      if ("/metadata".equals(action) && method.equals("GET")) {
        return metadata(loaded);
      }
      if (":predict".equals(action) && method.equals("POST")) {
        return predict(loaded, readBody(exchange));
      }
      throw new NotFound("No " + method + " " + exchange.getRequestURI().getRawPath());
    }
  }

  private String readBody(HttpExchange exchange) throws IOException {
    String length = exchange.getRequestHeaders().getFirst("Content-Length");
    InputStream in = exchange.getRequestBody();
    if (length != null && Long.parseLong(length.trim()) > config.maxBodyBytes()) {
      discard(in);
      throw new IllegalArgumentException("Request body of " + length.trim() + " bytes exceeds the limit of "
          + config.maxBodyBytes());
    }
    byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, config.maxBodyBytes() + 1));
    if (body.length > config.maxBodyBytes()) {
      discard(in);
      throw new IllegalArgumentException("Request body exceeds the limit of " + config.maxBodyBytes() + " bytes");
    }
    return new String(body, StandardCharsets.UTF_8);
  }

  /**
   * Skips (never stores) the rest of a refused body, so the client reads the 400 instead of a
   * connection reset; past a few times the limit the connection is simply dropped.
   */
  private void discard(InputStream in) throws IOException {
    long budget = 4 * config.maxBodyBytes();
    byte[] sink = new byte[64 * 1024];
    for (int n; budget > 0 && (n = in.read(sink, 0, (int) Math.min(sink.length, budget))) > 0; ) {
      budget -= n;
    }
  }

  private JsonElement predict(ModelVersions.Loaded loaded, String text) throws Exception {
    JsonElement parsed = JsonParser.parseString(text);
    if (!parsed.isJsonObject()) {
      throw new IllegalArgumentException("The request body must be a JSON object with \"instances\" or \"inputs\"");
    }
    JsonObject request = parsed.getAsJsonObject();
    String key = request.has("signature_name") ? request.get("signature_name").getAsString() : "serving_default";
    Signature signature = loaded.signature(key);
    if (signature == null) {
      throw new IllegalArgumentException("Serving signature name: \"" + key + "\" not found in signature def");
    }
    boolean rowFormat = request.has("instances");
    if (rowFormat == request.has("inputs")) {
      throw new IllegalArgumentException("Give exactly one of \"instances\" (row format) or \"inputs\" (columnar)");
    }
    Map<String, List<JsonElement>> inputs = rowFormat
        ? rowsFromInstances(signature, request.get("instances"))
        : rowsFromColumns(signature, request.get("inputs"));
    int rows = inputs.values().iterator().next().size();
    for (var e : inputs.entrySet()) {
      if (e.getValue().size() != rows) {
        throw new IllegalArgumentException("Inputs have different numbers of rows (" + rows + " and "
            + e.getValue().size() + ")");
      }
    }
    if (rows == 0) {
      throw new IllegalArgumentException("The request holds no instances");
    }
    Map<String, List<JsonElement>> outputs = loaded.batcher(signature).run(inputs, rows);
    JsonObject response = new JsonObject();
    if (rowFormat) {
      JsonArray predictions = new JsonArray();
      for (int r = 0; r < rows; r++) {
        if (outputs.size() == 1) {
          predictions.add(outputs.values().iterator().next().get(r));
        } else {
          JsonObject row = new JsonObject();
          for (var e : outputs.entrySet()) {
            row.add(e.getKey(), e.getValue().get(r));
          }
          predictions.add(row);
        }
      }
      response.add("predictions", predictions);
    } else {
      JsonObject columns = new JsonObject();
      for (var e : outputs.entrySet()) {
        JsonArray column = new JsonArray();
        e.getValue().forEach(column::add);
        columns.add(e.getKey(), column);
      }
      response.add("outputs", outputs.size() == 1 ? columns.entrySet().iterator().next().getValue() : columns);
    }
    return response;
  }

  private static Map<String, List<JsonElement>> rowsFromInstances(Signature s, JsonElement instances) {
    if (!instances.isJsonArray()) {
      throw new IllegalArgumentException("\"instances\" must be a list");
    }
    Map<String, List<JsonElement>> rows = new LinkedHashMap<>();
    boolean single = s.inputNames().size() == 1;
    String only = s.inputNames().iterator().next();
    for (JsonElement instance : instances.getAsJsonArray()) {
      boolean named = instance.isJsonObject() && !(single && instance.getAsJsonObject().has("b64"));
      if (named) {
        for (var e : instance.getAsJsonObject().entrySet()) {
          rows.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
        }
      } else if (single) {
        rows.computeIfAbsent(only, k -> new ArrayList<>()).add(instance);
      } else {
        throw new IllegalArgumentException("Signature '" + s.key() + "' has inputs " + s.inputNames()
            + ": each instance must be an object naming them");
      }
    }
    if (rows.isEmpty()) {
      rows.put(only, new ArrayList<>());
    }
    return rows;
  }

  private static Map<String, List<JsonElement>> rowsFromColumns(Signature s, JsonElement inputs) {
    Map<String, List<JsonElement>> rows = new LinkedHashMap<>();
    boolean single = s.inputNames().size() == 1;
    if (inputs.isJsonObject() && !(single && inputs.getAsJsonObject().has("b64"))
        && !(single && !s.inputNames().containsAll(inputs.getAsJsonObject().keySet()))) {
      for (var e : inputs.getAsJsonObject().entrySet()) {
        rows.put(e.getKey(), column(e.getKey(), e.getValue()));
      }
    } else if (single) {
      String only = s.inputNames().iterator().next();
      rows.put(only, column(only, inputs));
    } else {
      throw new IllegalArgumentException("\"inputs\" must be an object naming " + s.inputNames());
    }
    return rows;
  }

  private static List<JsonElement> column(String name, JsonElement value) {
    if (!value.isJsonArray()) {
      throw new IllegalArgumentException("Input '" + name + "' must be a list with one entry per row");
    }
    List<JsonElement> rows = new ArrayList<>();
    value.getAsJsonArray().forEach(rows::add);
    return rows;
  }

  private JsonElement status(ModelVersions.Loaded loaded) {
    JsonObject status = new JsonObject();
    status.addProperty("error_code", "OK");
    status.addProperty("error_message", "");
    JsonObject version = new JsonObject();
    version.addProperty("version", Integer.toString(loaded.version));
    version.addProperty("state", "AVAILABLE");
    version.add("status", status);
    JsonArray list = new JsonArray();
    list.add(version);
    JsonObject out = new JsonObject();
    out.add("model_version_status", list);
    return out;
  }

  private JsonElement metadata(ModelVersions.Loaded loaded) {
    JsonObject defs = new JsonObject();
    for (Signature s : loaded.model.signatures()) {
      JsonObject def = new JsonObject();
      def.add("inputs", tensors(s.getInputs()));
      def.add("outputs", tensors(s.getOutputs()));
      def.addProperty("method_name", s.methodName());
      defs.add(s.key(), def);
    }
    JsonObject spec = new JsonObject();
    spec.addProperty("name", config.modelName());
    spec.addProperty("signature_name", "");
    spec.addProperty("version", Integer.toString(loaded.version));
    JsonObject wrapper = new JsonObject();
    wrapper.add("signature_def", defs);
    JsonObject meta = new JsonObject();
    meta.add("signature_def", wrapper);
    JsonObject out = new JsonObject();
    out.add("model_spec", spec);
    out.add("metadata", meta);
    return out;
  }

  private static JsonObject tensors(Map<String, Signature.TensorDescription> descriptions) {
    JsonObject out = new JsonObject();
    descriptions.forEach((name, d) -> {
      JsonObject t = new JsonObject();
      t.addProperty("dtype", d.dataType.name());
      JsonArray dims = new JsonArray();
      if (!d.shape.isUnknown()) {
        for (long dim : d.shape.asArray()) {
          JsonObject size = new JsonObject();
          size.addProperty("size", Long.toString(dim));
          size.addProperty("name", "");
          dims.add(size);
        }
      }
      JsonObject shape = new JsonObject();
      shape.add("dim", dims);
      shape.addProperty("unknown_rank", d.shape.isUnknown());
      t.add("tensor_shape", shape);
      t.addProperty("name", d.name);
      out.add(name, t);
    });
    return out;
  }

  private static JsonObject error(String message) {
    JsonObject e = new JsonObject();
    e.addProperty("error", message == null ? "unknown error" : message);
    return e;
  }

  /** An unknown model, version or path: HTTP 404. */
  private static final class NotFound extends RuntimeException {
    NotFound(String message) {
      super(message);
    }
  }

  @Override
  public void close() {
    http.stop(0);
    executor.shutdownNow();
    versions.close();
  }
}
