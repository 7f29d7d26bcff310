package jacktf.model;

import java.util.List;

/** Chooses the batch norm mode per layer, so a frozen part can run in inference mode while the rest trains. */
@FunctionalInterface
public interface BatchNormPolicy {

  BatchNormMode modeFor(String layerScope);

  static BatchNormPolicy training() {
    return layer -> BatchNormMode.TRAINING;
  }

  static BatchNormPolicy inference() {
    return layer -> BatchNormMode.INFERENCE;
  }

  /** Inference mode for layers under any of the given scope prefixes, training elsewhere. */
  static BatchNormPolicy inferenceUnder(List<String> scopePrefixes) {
    return layer -> scopePrefixes.stream().anyMatch(layer::startsWith)
        ? BatchNormMode.INFERENCE
        : BatchNormMode.TRAINING;
  }
}
