package jacktf.bench;

/**
 * One benchmark run, in the fields other tools compare ({@code --json}). Times are per step;
 * {@code cpuPerWall} near the core count means the run had the machine to itself; {@code cpu} (a {@code
 * jacktf.runtime.CpuFeatures} description) says which kernels the figures measured (AVX2, AVX-512, AVX512_BF16 or AMX).
 */
public record BenchResult(
        String mode,
        String model,
        String precision,
        int batchSize,
        int imageSize,
        int steps,
        double medianMs,
        double p99Ms,
        double minMs,
        double maxMs,
        double imagesPerSec,
        double cpuPerWall,
        double peakRssMb,
        Double flopsPerImage,
        Double fractionOfPeak,
        Double peakGflops,
        String cpu,
        Shed shed) {
    /**
     * {@link BenchMode#OVERLOAD}: what the server refused (503) beside what it admitted (the result's
     * latencies are the admitted requests').
     *
     * @param admitted requests answered 200
     * @param rejected requests answered 503 at once
     * @param rejectP50Ms median time to the 503
     * @param rejectP99Ms 99th percentile time to the 503
     */
    public record Shed(int admitted, int rejected, double rejectP50Ms, double rejectP99Ms) {}

    /** This result with an overload run's refusals. */
    public BenchResult withShed(Shed shed) {
        return new BenchResult(
                mode,
                model,
                precision,
                batchSize,
                imageSize,
                steps,
                medianMs,
                p99Ms,
                minMs,
                maxMs,
                imagesPerSec,
                cpuPerWall,
                peakRssMb,
                flopsPerImage,
                fractionOfPeak,
                peakGflops,
                cpu,
                shed);
    }
}
