package jacktf.model;

import java.util.Optional;
import jacktf.checkpoint.Checkpoint;
import jacktf.checkpoint.TensorInfo;

/**
 * Which network a checkpoint holds, read from its variable names and shapes, so eval, predict,
 * extract and export need nothing but the checkpoint.
 */
public record ModelSpec(Architecture architecture, Head head, Integer numClasses) {

  public ResNetV1 network(Precision precision) {
    return ResNetV1.builder(architecture).numClasses(numClasses).head(head).precision(precision).build();
  }

  public static ModelSpec detect(Checkpoint checkpoint) {
    for (Architecture a : Architecture.values()) {
      if (checkpoint.find(a.scope() + "/conv1/weights").isEmpty()) {
        continue;
      }
      Optional<TensorInfo> slim = checkpoint.find(a.scope() + "/logits/weights");
      if (slim.isPresent()) {
        return new ModelSpec(a, Head.SLIM, (int) slim.get().shape()[3]);
      }
      Optional<TensorInfo> fc = checkpoint.find("Predict/logits/weights");
      if (fc.isPresent()) {
        return new ModelSpec(a, Head.FC, (int) fc.get().shape()[1]);
      }
      return new ModelSpec(a, Head.SLIM, null);
    }
    throw new IllegalArgumentException("Checkpoint " + checkpoint.path() + " holds no ResNet-v1 this tool knows: "
        + "none of " + Architecture.names() + " has its conv1/weights there");
  }
}
