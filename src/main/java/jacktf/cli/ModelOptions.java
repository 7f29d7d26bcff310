package jacktf.cli;

import jacktf.model.Architecture;
import jacktf.model.Head;
import jacktf.model.Precision;
import jacktf.model.ResNetV1;
import picocli.CommandLine.Option;

/** The options that describe a network, shared by every command that builds one. */
final class ModelOptions {
  @Option(names = "--model", defaultValue = "resnet_v1_50", paramLabel = "NAME",
      description = "Network: resnet_v1_50, resnet_v1_101 or resnet_v1_152 (default: ${DEFAULT-VALUE}).")
  String model;

  @Option(names = "--num-classes", paramLabel = "N",
      description = "Classes of the classifier head; omit for a headless feature extractor.")
  Integer numClasses;

  @Option(names = "--head", defaultValue = "slim", paramLabel = "slim|fc",
      description = "slim: <model>/logits 1x1 conv (slim's own); fc: Predict/logits fully connected "
          + "(default: ${DEFAULT-VALUE}).")
  String head;

  @Option(names = "--precision", defaultValue = "fp32", paramLabel = "fp32|bf16",
      description = "Compute precision of convolutions and matmuls (default: ${DEFAULT-VALUE}).")
  String precision;

  ResNetV1 network() {
    return network(numClasses);
  }

  ResNetV1 network(Integer classes) {
    return ResNetV1.builder(Architecture.byName(model))
        .numClasses(classes)
        .head(Head.byName(head))
        .precision(Precision.byName(precision))
        .build();
  }
}
