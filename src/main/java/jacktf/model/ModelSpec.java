package jacktf.model;

import jacktf.config.JacktfException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Which network a set of variables holds, read from their names and shapes, so eval, predict,
 * extract and export need nothing but a checkpoint.
 *
 * @param architecture the network's scope and blocks
 * @param head the classifier's form
 * @param numClasses classes of the head, or null for a headless checkpoint
 */
public record ModelSpec(Architecture architecture, Head head, Integer numClasses) {

    /** The network this spec describes, at {@code precision}. */
    public ResNetV1 network(Precision precision) {
        return ResNetV1.builder(architecture)
                .numClasses(numClasses)
                .head(head)
                .precision(precision)
                .build();
    }

    /**
     * Detects the network from variable shapes by name (a checkpoint's listing). slim's three nets
     * are recognised by scope; any other ResNet-v1 by its blocks, which must then follow slim's
     * {@code resnet_v1_block} layout (units named {@code unit_1..n}, the last block unstrided, every
     * other block strided by 2 at its end), since strides leave no trace in a checkpoint.
     *
     * @param shapes the shape of every variable by full name
     * @param source what the variables came from, for the error message
     */
    public static ModelSpec detect(Map<String, long[]> shapes, String source) {
        for (Architecture a : Architecture.slimNetworks()) {
            if (shapes.containsKey(a.scope() + "/conv1/weights")) {
                return withHead(a, shapes);
            }
        }
        for (String name : shapes.keySet()) {
            int slash = name.indexOf('/');
            if (slash > 0 && name.substring(slash).equals("/conv1/weights")) {
                Architecture custom = customArchitecture(name.substring(0, slash), shapes);
                if (custom != null) {
                    return withHead(custom, shapes);
                }
            }
        }
        throw new JacktfException(source + " holds no ResNet-v1 this tool knows: none of "
                + Architecture.names() + " has its conv1/weights there, nor any scope with SCOPE/conv1/weights and "
                + "SCOPE/block1/unit_1/bottleneck_v1/conv1/weights");
    }

    private static ModelSpec withHead(Architecture a, Map<String, long[]> shapes) {
        long[] slim = shapes.get(a.scope() + "/logits/weights");
        if (slim != null) {
            return new ModelSpec(a, Head.SLIM, (int) slim[3]);
        }
        long[] fc = shapes.get("Predict/logits/weights");
        if (fc != null) {
            return new ModelSpec(a, Head.FC, (int) fc[1]);
        }
        return new ModelSpec(a, Head.SLIM, null);
    }

    private static Architecture customArchitecture(String scope, Map<String, long[]> shapes) {
        List<int[]> found = new ArrayList<>(); // {baseDepth, units}
        for (int b = 1; ; b++) {
            long[] first = shapes.get(unitConv1(scope, b, 1));
            if (first == null) {
                break;
            }
            int units = 1;
            while (shapes.containsKey(unitConv1(scope, b, units + 1))) {
                units++;
            }
            found.add(new int[] {(int) first[3], units});
        }
        if (found.isEmpty()) {
            return null;
        }
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < found.size(); i++) {
            blocks.add(new Block("block" + (i + 1), found.get(i)[0], found.get(i)[1], i == found.size() - 1 ? 1 : 2));
        }
        return Architecture.of(scope, blocks);
    }

    private static String unitConv1(String scope, int block, int unit) {
        return scope + "/block" + block + "/unit_" + unit + "/bottleneck_v1/conv1/weights";
    }
}
