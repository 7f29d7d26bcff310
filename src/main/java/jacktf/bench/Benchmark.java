package jacktf.bench;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import jacktf.checkpoint.Checkpoint;
import jacktf.checkpoint.CheckpointSaver;
import jacktf.checkpoint.CheckpointVariable;
import jacktf.checkpoint.Restorer;
import jacktf.data.ImageFolder;
import jacktf.data.InputPipeline;
import jacktf.data.SyntheticImages;
import jacktf.export.SavedModelExporter;
import jacktf.model.Architecture;
import jacktf.model.BatchNormPolicy;
import jacktf.model.ModelGraph;
import jacktf.model.ModelVariable;
import jacktf.model.Precision;
import jacktf.model.ResNetV1;
import jacktf.model.Tower;
import jacktf.runtime.Sessions;
import jacktf.traindir.ModelInfo;
import jacktf.traindir.TrainDir;
import jacktf.serve.Classifier;
import jacktf.serve.ModelServer;
import jacktf.train.Optimizer;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TBfloat16;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * The measurements behind BENCHMARKS.md: each mode times steps after a warm-up and reports the
 * median, with CPU time against wall time so a disturbed run shows, and compute modes against
 * the machine's own MatMul peak measured in the same process.
 */
public final class Benchmark {
  /** What to run. */
  public record Config(String mode, Architecture model, int batchSize, int imageSize, Precision precision, int steps,
      int warmup, Path work, int clients, int serverBatchSize) {}

  private final Config config;

  public Benchmark(Config config) {
    this.config = config;
  }

  public BenchResult run() throws IOException {
    return switch (config.mode()) {
      case "train" -> compute(Mode.TRAIN);
      case "head" -> compute(Mode.HEAD);
      case "infer" -> compute(Mode.INFER);
      case "pipeline" -> pipeline();
      case "restore" -> restore();
      case "serve" -> serve();
      case "http" -> http();
      case "peak" -> peak();
      default -> throw new IllegalArgumentException("Unknown mode '" + config.mode()
          + "'. Valid: train, head, infer, pipeline, restore, serve, http, peak");
    };
  }

  private enum Mode { TRAIN, HEAD, INFER }

  private interface Step {
    void run() throws Exception;
  }

  /** Timings of a run: per-step wall times plus CPU and wall totals of the measured part. */
  private record Timing(double[] ms, double cpuPerWall) {}

  private Timing time(Step step, int warmup, int steps) throws IOException {
    try {
      for (int i = 0; i < warmup; i++) {
        step.run();
      }
      double[] ms = new double[steps];
      long cpu0 = cpuNanos();
      long wall0 = System.nanoTime();
      for (int i = 0; i < steps; i++) {
        long t0 = System.nanoTime();
        step.run();
        ms[i] = (System.nanoTime() - t0) / 1e6;
      }
      double wall = System.nanoTime() - wall0;
      return new Timing(ms, (cpuNanos() - cpu0) / wall);
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e);
    }
  }

  private BenchResult result(String mode, Timing t, int imagesPerStep, Double flopsPerImage, Double peakFlops) {
    double[] sorted = t.ms().clone();
    Arrays.sort(sorted);
    double median = sorted.length % 2 == 1 ? sorted[sorted.length / 2]
        : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    double imagesPerSec = imagesPerStep / (median / 1000);
    double p99 = sorted[Math.min(sorted.length - 1, (int) Math.ceil(0.99 * sorted.length) - 1)];
    Double fraction = flopsPerImage == null || peakFlops == null ? null : flopsPerImage * imagesPerSec / peakFlops;
    return new BenchResult(mode, config.model().scope(), config.precision().toString(), config.batchSize(),
        config.imageSize(), t.ms().length, median, p99, sorted[0], sorted[sorted.length - 1], imagesPerSec, t.cpuPerWall(),
        peakRssMb(), flopsPerImage, fraction, peakFlops == null ? null : peakFlops / 1e9);
  }

  private BenchResult compute(Mode mode) throws IOException {
    double peak = matmulPeak(config.precision());
    try (Graph graph = new Graph()) {
      ModelGraph model = ModelGraph.local(graph);
      Ops tf = model.ops("bench");
      Shape shape = Shape.of(config.batchSize(), config.imageSize(), config.imageSize(), 3);
      // Inputs live in a variable: the measurement is the network, not the feeding.
      Variable<TFloat32> images = tf.withName("images").variable(shape, TFloat32.class);
      Op setImages = tf.assign(images, tf.math.mul(tf.random.randomUniform(tf.constant(shape.asArray()), TFloat32.class),
          tf.constant(255f)));
      Variable<TInt64> labels = tf.withName("labels").variable(Shape.of(config.batchSize()), TInt64.class);
      Op setLabels = tf.assign(labels, tf.math.mod(tf.range(tf.constant(0L), tf.constant((long) config.batchSize()),
          tf.constant(1L)), tf.constant(1000L)));
      ResNetV1 net = ResNetV1.builder(config.model()).numClasses(1000).precision(config.precision()).build();
      String head = net.headScope();
      BatchNormPolicy bn = switch (mode) {
        case TRAIN -> BatchNormPolicy.training();
        case HEAD, INFER -> BatchNormPolicy.inference();
      };
      Tower tower = net.apply(model, tf.identity(images), bn);
      double flopsPerImage = forwardFlops(graph) / config.batchSize();
      Operand<?> target = tower.predictions();
      double flopsPerStepImage = flopsPerImage;
      if (mode != Mode.INFER) {
        List<ModelVariable> trainable = model.variables().variables().stream()
            .filter(v -> v.role().trainable() && (mode == Mode.TRAIN || v.isUnder(head))).toList();
        Operand<TFloat32> onehot = tf.oneHot(labels, tf.constant(1000), tf.constant(1f), tf.constant(0f));
        Operand<TFloat32> loss = tf.math.mean(tf.nn.softmaxCrossEntropyWithLogits(tower.logits(), onehot).loss(),
            tf.constant(0));
        Output<?>[] grads = graph.addGradients(loss.asOutput(),
            trainable.stream().map(v -> v.variable().asOutput()).toArray(Output<?>[]::new));
        List<Optimizer.GradientAndVariable> pairs = new ArrayList<>();
        for (int i = 0; i < grads.length; i++) {
          @SuppressWarnings("unchecked")
          Operand<TFloat32> g = (Operand<TFloat32>) grads[i];
          pairs.add(new Optimizer.GradientAndVariable(trainable.get(i), g));
        }
        List<Op> updates = new ArrayList<>(Optimizer.create("momentum", Optimizer.Params.slimDefaults())
            .applyGradients(model, pairs, tf.constant(0.001f)));
        updates.addAll(tower.updateOps());
        target = tf.withControlDependencies(updates).identity(loss);
        // forward + gradients w.r.t. activations and weights: ~3x the forward FLOPs (head: the forward)
        flopsPerStepImage = mode == Mode.TRAIN ? 3 * flopsPerImage : flopsPerImage;
      }
      Operand<?> fetch = target;
      try (Session session = Sessions.open(graph)) {
        session.run(model.initializer());
        session.run(setImages);
        session.run(setLabels);
        Timing t = time(() -> session.runner().fetch(fetch).run().close(), config.warmup(), config.steps());
        return result(mode.name().toLowerCase(), t, config.batchSize(), flopsPerStepImage, peak);
      }
    }
  }

  /** 2 x multiply-adds of every Conv2D and MatMul in the graph so far (the forward pass). */
  static double forwardFlops(Graph graph) {
    double flops = 0;
    for (Iterator<GraphOperation> it = graph.operations(); it.hasNext(); ) {
      GraphOperation op = it.next();
      if (op.type().equals("Conv2D")) {
        long[] out = op.output(0).shape().asArray();
        long[] filter = op.input(1).shape().asArray();
        flops += 2.0 * out[0] * out[1] * out[2] * out[3] * filter[0] * filter[1] * filter[2];
      } else if (op.type().equals("MatMul")) {
        long[] a = op.input(0).shape().asArray();
        long[] b = op.input(1).shape().asArray();
        flops += 2.0 * a[0] * a[1] * b[1];
      }
    }
    return flops;
  }

  /** The machine's attainable FLOP/s: a large square MatMul, its best of several runs. */
  static double matmulPeak(Precision precision) {
    int n = 2048;
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      Variable<TFloat32> a = tf.variable(Shape.of(n, n), TFloat32.class);
      Op init = tf.assign(a, tf.random.randomUniform(tf.constant(new long[] {n, n}), TFloat32.class));
      Operand<?> product;
      if (precision == Precision.BF16) {
        Operand<TBfloat16> x = tf.dtypes.cast(tf.identity(a), TBfloat16.class);
        product = tf.sum(tf.dtypes.cast(tf.linalg.matMul(x, x), TFloat32.class), tf.constant(new int[] {0, 1}));
      } else {
        Operand<TFloat32> x = tf.identity(a);
        product = tf.sum(tf.linalg.matMul(x, x), tf.constant(new int[] {0, 1}));
      }
      try (Session s = Sessions.open(graph)) {
        s.run(init);
        double[] ms = new double[10];
        for (int i = -3; i < ms.length; i++) {
          long t0 = System.nanoTime();
          s.runner().fetch(product).run().close();
          if (i >= 0) {
            ms[i] = (System.nanoTime() - t0) / 1e6;
          }
        }
        Arrays.sort(ms);
        return 2.0 * n * n * n / (ms[0] / 1000);
      }
    }
  }

  private BenchResult peak() throws IOException {
    long cpu0 = cpuNanos();
    long wall0 = System.nanoTime();
    double flops = matmulPeak(config.precision());
    double cpuPerWall = (cpuNanos() - cpu0) / (double) (System.nanoTime() - wall0);
    double[] one = {2.0 * 2048 * 2048 * 2048 / flops * 1000};
    return result("peak", new Timing(one, cpuPerWall), 0, null, flops);
  }

  private BenchResult pipeline() throws IOException {
    Path images = config.work().resolve("pipeline_jpegs");
    if (!Files.isDirectory(images)) {
      writePhotoSizedJpegs(images, 64);
    }
    var dataset = ImageFolder.load(images, 0, 0).train();
    try (Graph graph = new Graph()) {
      ModelGraph model = ModelGraph.local(graph);
      InputPipeline input = InputPipeline.build(model, "input", dataset,
          InputPipeline.Config.training(config.batchSize(), config.imageSize(), 1));
      try (Session session = Sessions.open(graph)) {
        session.run(input.initializer());
        Timing t = time(() -> session.runner().fetch(input.images()).run().close(), config.warmup(), config.steps());
        return result("pipeline", t, config.batchSize(), null, null);
      }
    }
  }

  /** ~500x375 JPEGs, the size of typical photo datasets (Kaggle's dogs vs cats). */
  private static void writePhotoSizedJpegs(Path dir, int count) throws IOException {
    Path tmp = dir.resolveSibling(dir.getFileName() + ".tmp");
    SyntheticImages.generate(tmp, 2, count / 2, 500, 7, 0, SyntheticImages.Layout.FOLDERS);
    try (var files = Files.walk(tmp)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        BufferedImage square = ImageIO.read(f.toFile());
        ImageIO.write(square.getSubimage(0, 62, 500, 375), "jpg", f.toFile());
      }
    }
    Files.move(tmp, dir);
  }

  /** A full 1000-class checkpoint: the real slim one when present, else a freshly initialised one. */
  private Path fullCheckpoint() throws IOException {
    Path real = Path.of("models", config.model().scope() + ".ckpt");
    if (Files.isRegularFile(real)) {
      return real;
    }
    Path dir = config.work().resolve("full_" + config.model().scope());
    if (CheckpointSaver.latest(dir).isPresent()) {
      return CheckpointSaver.latest(dir).get();
    }
    try (Graph graph = new Graph()) {
      ModelGraph model = ModelGraph.local(graph);
      ResNetV1.builder(config.model()).numClasses(1000).build().apply(model,
          model.ops("").placeholder(TFloat32.class, org.tensorflow.op.core.Placeholder.shape(Shape.of(-1, 224, 224, 3))),
          BatchNormPolicy.inference());
      try (Session session = Sessions.open(graph)) {
        session.run(model.initializer());
        List<CheckpointVariable> targets = CheckpointVariable.modelVariables(model);
        Path saved = new CheckpointSaver(model, targets, dir, 1).save(session, 0);
        TrainDir.of(dir).writeLabels(java.util.stream.IntStream.range(0, 1000).mapToObj(i -> "class_" + i).toList());
        TrainDir.of(dir).writeModelInfo(new ModelInfo(config.imageSize(), 0, 0));
        return saved;
      }
    }
  }

  private BenchResult restore() throws IOException {
    Path checkpoint = fullCheckpoint();
    Timing t = time(() -> {
      try (Graph graph = new Graph(); Session session = Sessions.open(graph); Checkpoint c = Checkpoint.open(checkpoint)) {
        ModelGraph model = ModelGraph.local(graph);
        ResNetV1.builder(config.model()).numClasses(1000).build().apply(model,
            model.ops("").placeholder(TFloat32.class, org.tensorflow.op.core.Placeholder.shape(Shape.of(-1, 224, 224, 3))),
            BatchNormPolicy.inference());
        session.run(model.initializer());
        Restorer.restoreModel(session, model, c);
      }
    }, config.warmup(), config.steps());
    return result("restore", t, 0, null, null);
  }

  /**
   * The REST server under concurrent load: {@code clients} threads each send {@code steps}
   * single-image predict requests over loopback; the figure is requests/s, latency per request.
   */
  private BenchResult http() throws IOException {
    Path base = exportedModel();
    byte[] bytes = photoSizedJpeg();
    String body = "{\"instances\": [{\"b64\": \"" + java.util.Base64.getEncoder().encodeToString(bytes) + "\"}]}";
    ModelServer.Config defaults = ModelServer.Config.defaults(base);
    try (ModelServer server = ModelServer.start(new ModelServer.Config(base, "bench", "127.0.0.1", 0,
        config.serverBatchSize(), 2000, defaults.maxBodyBytes(), 3600, Math.max(4, 2 * config.clients())))) {
      java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
      java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(
          java.net.URI.create("http://127.0.0.1:" + server.port() + "/v1/models/bench:predict"))
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build();
      for (int i = 0; i < config.warmup(); i++) {
        client.send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
      }
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(config.clients());
      List<java.util.concurrent.Future<double[]>> futures = new ArrayList<>();
      long cpu0 = cpuNanos();
      long wall0 = System.nanoTime();
      for (int c = 0; c < config.clients(); c++) {
        futures.add(pool.submit(() -> {
          double[] ms = new double[config.steps()];
          for (int i = 0; i < ms.length; i++) {
            long t0 = System.nanoTime();
            var response = client.send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
              throw new IOException("request failed: " + response.body());
            }
            ms[i] = (System.nanoTime() - t0) / 1e6;
          }
          return ms;
        }));
      }
      List<Double> all = new ArrayList<>();
      for (var f : futures) {
        for (double v : f.get()) {
          all.add(v);
        }
      }
      double wallSeconds = (System.nanoTime() - wall0) / 1e9;
      double cpuPerWall = (cpuNanos() - cpu0) / 1e9 / wallSeconds;
      pool.shutdown();
      double[] ms = all.stream().mapToDouble(Double::doubleValue).toArray();
      BenchResult latency = result("http", new Timing(ms, cpuPerWall), 1, null, null);
      return new BenchResult(latency.mode(), latency.model(), latency.precision(), config.serverBatchSize(),
          latency.imageSize(), ms.length, latency.medianMs(), latency.p99Ms(), latency.minMs(), latency.maxMs(),
          ms.length / wallSeconds, cpuPerWall, peakRssMb(), null, null, null);
    } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
      throw new IOException("HTTP benchmark failed", e);
    }
  }

  private Path exportedModel() throws IOException {
    Path checkpoint = fullCheckpoint();
    Path base = config.work().resolve("savedmodel_" + config.model().scope() + "_" + config.precision());
    if (!Files.isDirectory(base.resolve("1"))) {
      SavedModelExporter.export(checkpoint, base, 1, config.precision(), "global_pool");
    }
    return base;
  }

  private byte[] photoSizedJpeg() throws IOException {
    Path images = config.work().resolve("pipeline_jpegs");
    if (!Files.isDirectory(images)) {
      writePhotoSizedJpegs(images, 64);
    }
    return Files.readAllBytes(ImageFolder.load(images, 0, 0).train().examples().get(0).file());
  }

  private BenchResult serve() throws IOException {
    Path base = exportedModel();
    byte[] bytes = photoSizedJpeg();
    List<byte[]> batch = new ArrayList<>();
    for (int i = 0; i < config.batchSize(); i++) {
      batch.add(bytes);
    }
    try (Classifier classifier = Classifier.load(base)) {
      Timing t = time(() -> classifier.classifyAll(batch), config.warmup(), config.steps());
      return result("serve", t, config.batchSize(), null, null);
    }
  }

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** VmHWM of /proc/self/status: the process's peak resident memory, native included. */
  static double peakRssMb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
        }
      }
    } catch (IOException | NumberFormatException ignored) {
      // not Linux: unknown
    }
    return Double.NaN;
  }
}
