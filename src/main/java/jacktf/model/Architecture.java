package jacktf.model;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** The ResNet-v1 family of TF-Slim's {@code nets/resnet_v1.py}, each a short list of blocks. */
public enum Architecture {
  RESNET_V1_50("resnet_v1_50", 3, 4, 6, 3),
  RESNET_V1_101("resnet_v1_101", 3, 4, 23, 3),
  RESNET_V1_152("resnet_v1_152", 3, 8, 36, 3);

  private final String scope;
  private final List<Block> blocks;

  Architecture(String scope, int units1, int units2, int units3, int units4) {
    this.scope = scope;
    this.blocks = List.of(
        new Block("block1", 64, units1, 2),
        new Block("block2", 128, units2, 2),
        new Block("block3", 256, units3, 2),
        new Block("block4", 512, units4, 1));
  }

  /** The variable scope, e.g. {@code resnet_v1_50}: also the name users type. */
  public String scope() {
    return scope;
  }

  public List<Block> blocks() {
    return blocks;
  }

  public static Architecture byName(String name) {
    for (Architecture a : values()) {
      if (a.scope.equals(name.toLowerCase(Locale.ROOT))) {
        return a;
      }
    }
    throw new IllegalArgumentException("Unknown model '" + name + "'. Valid models: " + names());
  }

  public static String names() {
    return Arrays.stream(values()).map(Architecture::scope).collect(Collectors.joining(", "));
  }

  @Override
  public String toString() {
    return scope;
  }
}
