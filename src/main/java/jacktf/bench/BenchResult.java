package jacktf.bench;

/**
 * One benchmark run, in the fields other tools compare ({@code --json}). Times are per step;
 * {@code cpuPerWall} near the core count means the run had the machine to itself.
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
        Double peakGflops) {}
