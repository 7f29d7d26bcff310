package jacktf.bench;

import jacktf.runtime.CpuFeatures;
import java.io.IOException;
import java.util.Arrays;

/** Per-step wall times of a measured run, with the process's CPU time per wall time over it. */
record Timing(double[] ms, double cpuPerWall) {

    /** One step of a measurement. */
    interface Step {
        /** Runs the step once. */
        void run() throws Exception;
    }

    /** Times {@code steps} runs of a step after {@code warmup} untimed ones. */
    static Timing of(Step step, int warmup, int steps) throws IOException {
        try {
            for (int i = 0; i < warmup; i++) {
                step.run();
            }
            double[] ms = new double[steps];
            long cpu0 = ProcessStats.cpuNanos();
            long wall0 = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                long t0 = System.nanoTime();
                step.run();
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            double wall = System.nanoTime() - wall0;
            return new Timing(ms, (ProcessStats.cpuNanos() - cpu0) / wall);
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    /**
     * The result of a mode: median, p99, min and max step time, images/s from the median, and the
     * fraction of the MatMul peak when the FLOPs per image and the peak are known.
     */
    BenchResult result(BenchConfig config, BenchMode mode, int imagesPerStep, Double flopsPerImage, Double peakFlops) {
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        double median = sorted.length % 2 == 1
                ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
        double imagesPerSec = imagesPerStep / (median / 1000);
        double p99 = percentile(sorted, 0.99);
        Double fraction = flopsPerImage == null || peakFlops == null ? null : flopsPerImage * imagesPerSec / peakFlops;
        return new BenchResult(
                mode.label(),
                config.model().name(),
                config.precision().toString(),
                config.batchSize(),
                config.imageSize(),
                ms.length,
                median,
                p99,
                sorted[0],
                sorted[sorted.length - 1],
                imagesPerSec,
                cpuPerWall,
                ProcessStats.peakRssMb(),
                flopsPerImage,
                fraction,
                peakFlops == null ? null : peakFlops / 1e9,
                CpuFeatures.detect().describe(),
                null);
    }

    /**
     * A server under load ({@code http}, {@code grpc}, {@code overload}): the latency per request,
     * {@code imagesPerSecond} over the load's wall time, and the server's batch size as the batch.
     */
    BenchResult loadResult(BenchConfig config, BenchMode mode, int serverBatchSize, double imagesPerSecond) {
        BenchResult r = result(config, mode, 1, null, null);
        return new BenchResult(
                r.mode(),
                r.model(),
                r.precision(),
                serverBatchSize,
                r.imageSize(),
                r.steps(),
                r.medianMs(),
                r.p99Ms(),
                r.minMs(),
                r.maxMs(),
                imagesPerSecond,
                r.cpuPerWall(),
                r.peakRssMb(),
                null,
                null,
                null,
                r.cpu(),
                null);
    }

    /** The nearest-rank percentile {@code p} of ascending values; NaN for none. */
    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, Math.max(0, (int) Math.ceil(p * sorted.length) - 1))];
    }
}
