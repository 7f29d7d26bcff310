package jacktf.serve;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/** The gRPC side: a Netty server on {@code host:port} carrying the {@link GrpcApi}'s services. */
final class GrpcTransport implements AutoCloseable {
    private final Server server;

    private GrpcTransport(Server server) {
        this.server = server;
    }

    /** Binds {@code host:port} (0: any free port); messages up to {@code maxMessageBytes}. */
    static GrpcTransport start(String host, int port, long maxMessageBytes, GrpcApi api) throws IOException {
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
                .maxInboundMessageSize((int) Math.min(Integer.MAX_VALUE, maxMessageBytes))
                .addService(api.predictionService())
                .addService(api.modelService())
                .build();
        try {
            server.start();
        } catch (IOException e) {
            throw new IOException("Cannot listen for gRPC on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        return new GrpcTransport(server);
    }

    int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.shutdown();
        try {
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                server.shutdownNow();
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
