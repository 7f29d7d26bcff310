package jacktf.model;

import jacktf.config.JacktfException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Which network a set of variables holds, read from their names and shapes, so eval, predict,
 * extract and export need nothing but a checkpoint.
 *
 * @param type the network: one of {@link Networks}, or a ResNet-v1 {@link Architecture} of any blocks
 * @param head the classifier's form
 * @param numClasses classes of the head, or null for a headless checkpoint
 * @param auxLogits whether the variables include the auxiliary classifier's (the Inceptions')
 */
public record ModelSpec(NetworkType type, Head head, Integer numClasses, boolean auxLogits) {

    /** A spec without auxiliary logits. */
    public ModelSpec(NetworkType type, Head head, Integer numClasses) {
        this(type, head, numClasses, false);
    }

    /** The ResNet-v1 architecture, or null for another family. */
    public Architecture architecture() {
        return type instanceof Architecture a ? a : null;
    }

    /**
     * The network this spec describes, at {@code precision}, for inference: without auxiliary logits,
     * which only training uses (their variables stay in the checkpoint, unread).
     */
    public Network network(Precision precision) {
        return type.build(NetworkOptions.defaults()
                .withNumClasses(numClasses)
                .withHead(head)
                .withPrecision(precision)
                .withAuxLogits(false));
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
        for (NetworkType t : Networks.all()) {
            if (t.matches(shapes)) {
                return withHead(t, shapes);
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
        throw new JacktfException(source + " holds no network this tool knows: none of " + Networks.names()
                + " has its variables there, nor any ResNet-v1 scope with SCOPE/conv1/weights and "
                + "SCOPE/block1/unit_1/bottleneck_v1/conv1/weights");
    }

    /** The head's form and classes from the last dimension of its weights (a 1x1 conv's or a matmul's). */
    private static ModelSpec withHead(NetworkType t, Map<String, long[]> shapes) {
        Network slim = t.build(NetworkOptions.defaults().withNumClasses(1));
        String aux = slim.auxLogitsScope();
        boolean hasAux = aux != null && shapes.keySet().stream().anyMatch(n -> n.startsWith(aux + "/"));
        long[] slimHead = shapes.get(slim.headScope() + "/weights");
        if (slimHead != null) {
            return new ModelSpec(t, Head.SLIM, (int) slimHead[slimHead.length - 1], hasAux);
        }
        long[] fc = shapes.get(Head.FC.scope(t.scope()) + "/weights");
        if (fc != null) {
            return new ModelSpec(t, Head.FC, (int) fc[1], hasAux);
        }
        return new ModelSpec(t, Head.SLIM, null, false);
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
