package jacktf.bench;

/** {@link BenchMode#PEAK}: the MatMul peak alone; its one "step" is the best product's time. */
final class PeakMeasurement implements Measurement {
    @Override
    public BenchResult measure(BenchConfig config) {
        long cpu0 = ProcessStats.cpuNanos();
        long wall0 = System.nanoTime();
        double flops = MatMulPeak.measure(config.precision());
        double cpuPerWall = (ProcessStats.cpuNanos() - cpu0) / (double) (System.nanoTime() - wall0);
        double[] one = {MatMulPeak.flopsPerProduct() / flops * 1000};
        return new Timing(one, cpuPerWall).result(config, BenchMode.PEAK, 0, null, flops);
    }
}
