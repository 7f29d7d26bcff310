package jacktf.bench;

import jacktf.config.OptimizerType;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import jacktf.model.BatchNormPolicy;
import jacktf.model.ModelVariable;
import jacktf.train.Optimizer;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * {@link BenchMode#TRAIN} and {@link BenchMode#HEAD}: one training step (forward, gradients,
 * momentum update, batch-norm updates) against the MatMul peak.
 *
 * <p>Known gap: {@link #trainStep} builds its own copy of a training step (plain softmax
 * cross-entropy, {@code addGradients}, momentum) rather than the graph {@code jacktf train} runs
 * (jacktf.train's training graph: its loss, regularisation, frozen scopes, summaries). That method
 * is the one place to swap in the real training graph; the timing and FLOP accounting around it
 * stay as they are.
 */
final class TrainStepMeasurement implements Measurement {
  /** Which variables a step trains. */
  enum Trained {
    /** Every trainable variable, batch norm in training mode ({@code train}). */
    ALL,
    /** The logits layer only, batch norm in inference mode ({@code head}). */
    HEAD
  }

  private final Trained trained;

  TrainStepMeasurement(Trained trained) {
    this.trained = trained;
  }

  @Override
  public BenchResult measure(BenchConfig config) throws IOException {
    double peak = MatMulPeak.measure(config.precision());
    BatchNormPolicy bn = trained == Trained.ALL ? BatchNormPolicy.training() : BatchNormPolicy.inference();
    try (BenchNetwork network = BenchNetwork.build(config, bn)) {
      Operand<?> fetch = trainStep(network);
      // forward + gradients w.r.t. activations and weights: ~3x the forward FLOPs (head: the forward)
      double flopsPerStepImage = trained == Trained.ALL ? 3 * network.forwardFlopsPerImage
          : network.forwardFlopsPerImage;
      try (Session session = network.start()) {
        Timing t = Timing.of(() -> session.runner().fetch(fetch).run().close(), config.warmup(), config.steps());
        BenchMode mode = trained == Trained.ALL ? BenchMode.TRAIN : BenchMode.HEAD;
        return t.result(config, mode, config.batchSize(), flopsPerStepImage, peak);
      }
    }
  }

  /** Adds the loss, gradients and updates to the network's graph; the returned loss runs them all. */
  private Operand<?> trainStep(BenchNetwork network) {
    Ops tf = network.tf;
    String head = network.net.headScope();
    List<ModelVariable> trainable = network.model.variables().variables().stream()
        .filter(v -> v.role().trainable() && (trained == Trained.ALL || v.isUnder(head))).toList();
    Operand<TFloat32> onehot = tf.oneHot(network.labels, tf.constant(1000), tf.constant(1f), tf.constant(0f));
    Operand<TFloat32> loss = tf.math.mean(tf.nn.softmaxCrossEntropyWithLogits(network.tower.logits(), onehot).loss(),
        tf.constant(0));
    Output<?>[] grads = network.graph.addGradients(loss.asOutput(),
        trainable.stream().map(v -> v.variable().asOutput()).toArray(Output<?>[]::new));
    List<Optimizer.GradientAndVariable> pairs = new ArrayList<>();
    for (int i = 0; i < grads.length; i++) {
      @SuppressWarnings("unchecked")
      Operand<TFloat32> g = (Operand<TFloat32>) grads[i];
      pairs.add(new Optimizer.GradientAndVariable(trainable.get(i), g));
    }
    List<Op> updates = new ArrayList<>(Optimizer.create(OptimizerType.MOMENTUM, Optimizer.Params.slimDefaults())
        .applyGradients(network.model, pairs, tf.constant(0.001f)));
    updates.addAll(network.tower.updateOps());
    return tf.withControlDependencies(updates).identity(loss);
  }
}
