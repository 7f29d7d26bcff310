package jacktf.bench;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import jacktf.serve.ModelServer;
import jacktf.serve.apis.ModelSpec;
import jacktf.serve.apis.PredictRequest;
import jacktf.serve.apis.PredictionServiceGrpc;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;

/**
 * {@link BenchMode#GRPC}: the server's gRPC {@code PredictionService} under concurrent load, the
 * twin of {@link HttpMeasurement}: {@code clients} threads each send {@code steps} Predict calls
 * of {@code imagesPerRequest} images (a string TensorProto, no JSON or base64) over loopback.
 */
final class GrpcMeasurement implements Measurement {
    @Override
    public BenchResult measure(BenchConfig config) throws IOException {
        Path base = BenchModels.exportedModel(config);
        byte[] bytes = SampleImages.oneJpeg(config.work());
        TensorProto.Builder images = TensorProto.newBuilder()
                .setDtype(DataType.DT_STRING)
                .setTensorShape(TensorShapeProto.newBuilder()
                        .addDim(TensorShapeProto.Dim.newBuilder().setSize(config.imagesPerRequest())));
        for (int i = 0; i < config.imagesPerRequest(); i++) {
            images.addStringVal(ByteString.copyFrom(bytes));
        }
        PredictRequest request = PredictRequest.newBuilder()
                .setModelSpec(ModelSpec.newBuilder().setName("bench"))
                .putInputs("image_bytes", images.build())
                .build();
        try (ModelServer server = ModelServer.start(ModelServer.Config.defaults(base)
                .withModelName("bench")
                .withPorts(0, 0)
                .withBatching(config.serverBatchSize(), 2000)
                .withThreads(2, 4, 3600))) {
            ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.grpcPort())
                    .usePlaintext()
                    .maxInboundMessageSize(64 << 20)
                    .build();
            try {
                double[] load = run(channel, request, config);
                double wallSeconds = load[load.length - 2];
                double cpuPerWall = load[load.length - 1];
                double[] ms = Arrays.copyOf(load, load.length - 2);
                return new Timing(ms, cpuPerWall)
                        .loadResult(
                                config,
                                BenchMode.GRPC,
                                config.serverBatchSize(),
                                ms.length * (double) config.imagesPerRequest() / wallSeconds);
            } finally {
                channel.shutdownNow();
            }
        }
    }

    /** Every call's latency in ms, then the wall seconds and the CPU per wall time of the whole load. */
    private static double[] run(ManagedChannel channel, PredictRequest request, BenchConfig config) throws IOException {
        var stub = PredictionServiceGrpc.newBlockingStub(channel);
        for (int i = 0; i < config.warmup(); i++) {
            stub.predict(request);
        }
        ExecutorService pool = Executors.newFixedThreadPool(config.clients());
        try {
            List<Future<double[]>> futures = new ArrayList<>();
            long cpu0 = ProcessStats.cpuNanos();
            long wall0 = System.nanoTime();
            for (int c = 0; c < config.clients(); c++) {
                futures.add(pool.submit(() -> {
                    double[] ms = new double[config.steps()];
                    for (int i = 0; i < ms.length; i++) {
                        long t0 = System.nanoTime();
                        stub.predict(request); // any failure status throws and fails the run
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
            all.add(wallSeconds);
            all.add((ProcessStats.cpuNanos() - cpu0) / 1e9 / wallSeconds);
            return all.stream().mapToDouble(Double::doubleValue).toArray();
        } catch (InterruptedException | ExecutionException e) {
            throw new IOException("gRPC benchmark failed", e);
        } finally {
            pool.shutdown();
        }
    }
}
