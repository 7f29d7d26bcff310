package jacktf.examples.service;

import java.nio.file.Path;

/** {@code java jacktf.examples.service.Main [--port 8080] [--host 127.0.0.1] [--work-dir DIR] [--model SAVEDMODEL]}. */
public final class Main {
    private Main() {}

    /** Starts the service and runs until the process is stopped. */
    public static void main(String[] args) throws Exception {
        String host = "127.0.0.1";
        int port = 8080;
        Path workDir = Path.of("service-work");
        Path model = null;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(value);
                case "--host" -> host = value;
                case "--work-dir" -> workDir = Path.of(value);
                case "--model" -> model = Path.of(value);
                default -> {
                    System.err.println("Unknown option " + args[i]
                            + ". Options: --port N, --host ADDR, --work-dir DIR, " + "--model SAVEDMODEL");
                    System.exit(2);
                }
            }
            i++;
        }
        EmbeddedService service = EmbeddedService.start(host, port, workDir, model);
        System.out.println("Listening on " + service.uri() + " (model version " + service.modelVersion() + ")");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                service.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        Thread.currentThread().join();
    }
}
