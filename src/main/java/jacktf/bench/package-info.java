/**
 * {@code jacktf bench}: the measurements behind BENCHMARKS.md. {@link jacktf.bench.Benchmark} runs the
 * {@link jacktf.bench.BenchMode}'s measurement (one class per mode behind {@code Measurement});
 * shared parts are the step timer ({@code Timing}, {@code ProcessStats}), FLOP counting
 * ({@code FlopCounter}, {@code MatMulPeak}), sample JPEGs ({@code SampleImages}), full-size models
 * ({@code BenchModels}) and the HTTP load client ({@code HttpLoadClient}).
 * Imports from jacktf: model, checkpoint, data, train (the optimizer), export, serve and runtime;
 * only cli imports it.
 */
package jacktf.bench;
