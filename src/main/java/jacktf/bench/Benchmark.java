package jacktf.bench;

import java.io.IOException;

/**
 * The measurements behind BENCHMARKS.md: each mode times steps after a warm-up and reports the
 * median, with CPU time against wall time so a disturbed run shows, and compute modes against
 * the machine's own MatMul peak measured in the same process. The mode picks its
 * {@code Measurement}; this class only runs it.
 */
public final class Benchmark {
    private final BenchConfig config;

    /** A benchmark of the config's mode. */
    public Benchmark(BenchConfig config) {
        this.config = config;
    }

    /** Runs the measurement; the result is what {@code jacktf bench} prints or writes as JSON. */
    public BenchResult run() throws IOException {
        return config.mode().measurement().measure(config);
    }
}
