package jacktf.model.zoo;

import static jacktf.model.zoo.RefOps.Padding.SAME;
import static jacktf.model.zoo.RefOps.Padding.VALID;

import jacktf.model.zoo.RefOps.Act;
import jacktf.model.zoo.RefOps.Padding;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Plain-Java forward passes of slim's zoo networks in inference mode, written from slim's network
 * files (see {@link SlimSpecs} for the list) and TF's op semantics ({@link RefOps}), not from
 * jacktf's builders. Each records slim's {@code end_points} under slim's keys.
 *
 * <p>slim.conv2d here: the convolution, then batch norm when the arg scope gives a normalizer (else
 * the biases), then the activation. Dropout is the identity at inference.
 */
final class SlimForward {
    /**
     * resnet_arg_scope's epsilon 1e-5 reaches tf.nn.fused_batch_norm, which raises anything below
     * 1.001e-5 to 1.001e-5; the other arg scopes use 0.001 (inception_arg_scope,
     * inception_resnet_v2_arg_scope, mobilenet_v1_arg_scope, and slim.batch_norm's default for
     * MobileNet-v2, whose training_scope sets no epsilon).
     */
    static final double RESNET_EPSILON = 1.001e-5;

    static final double DEFAULT_EPSILON = 0.001;

    private final Map<String, float[]> values;
    private final double epsilon;
    private final boolean gamma;
    final Map<String, Act> endpoints = new LinkedHashMap<>();
    /**
     * Endpoints jacktf adds beyond slim's end_points dict, still computed here from slim's layers so
     * they are checked too (listed in /work/spec-findings.md for the lead to decide on).
     */
    final Map<String, Act> jacktfAdditions = new LinkedHashMap<>();

    /**
     * @param epsilon the batch norm's epsilon as the kernel sees it
     * @param gamma whether slim's batch norm has a scale (ResNet, MobileNet: yes; Inception: no)
     */
    SlimForward(Map<String, float[]> values, double epsilon, boolean gamma) {
        this.values = values;
        this.epsilon = epsilon;
        this.gamma = gamma;
    }

    enum Act6 {
        NONE,
        RELU,
        RELU6
    }

    private float[] v(String name) {
        return RefOps.value(values, name);
    }

    /** slim.conv2d with batch norm (or biases when {@code bn} is false) and an activation. */
    private Act conv(String scope, Act x, int kh, int kw, int out, int stride, Padding p, boolean bn, Act6 act) {
        Act y = RefOps.conv(x, v(scope + "/weights"), kh, kw, out, stride, p);
        if (bn) {
            RefOps.batchNorm(y, values, scope + "/BatchNorm", epsilon, gamma);
        } else {
            RefOps.addBias(y, v(scope + "/biases"));
        }
        return activate(y, act);
    }

    private static Act activate(Act y, Act6 act) {
        return switch (act) {
            case NONE -> y;
            case RELU -> RefOps.relu(y);
            case RELU6 -> RefOps.relu6(y);
        };
    }

    /** slim.separable_conv2d(num_outputs=None): depthwise, batch norm, activation. */
    private Act depthwise(String scope, Act x, int k, int stride, Act6 act) {
        Act y = RefOps.depthwise(x, v(scope + "/depthwise_weights"), k, stride, SAME);
        RefOps.batchNorm(y, values, scope + "/BatchNorm", epsilon, gamma);
        return activate(y, act);
    }

    private Act put(String key, Act a) {
        endpoints.put(key, a);
        return a;
    }

    private Act logitsAndPredictions(String logitsKey, String predictionsKey, Act logits) {
        put(logitsKey, logits);
        put(predictionsKey, RefOps.softmax(logits));
        return logits;
    }

    // ---------------------------------------------------------------- resnet_v2.py, resnet_utils.py

    /** resnet_utils.conv2d_same: SAME at stride 1, else explicit (k-1)/2 padding and VALID. */
    private Act conv2dSame(String scope, Act x, int out, int k, int stride, boolean bn, Act6 act) {
        if (stride == 1) {
            return conv(scope, x, k, k, out, 1, SAME, bn, act);
        }
        int padBeg = (k - 1) / 2;
        return conv(scope, RefOps.zeroPad(x, padBeg, k - 1 - padBeg), k, k, out, stride, VALID, bn, act);
    }

    /**
     * resnet_v2 with resnet_v2_block(base_depth, num_units, stride) blocks of bases 64, 128, 256, 512
     * and strides 2, 2, 2, 1 (in the block's last unit). conv1 has neither batch norm nor activation
     * (the first unit's preact does them); pool1 is a 3x3/2 SAME max pool; each bottleneck_v2: preact =
     * relu(batch_norm(x)); shortcut = subsample(x) (a 1x1 max pool with the stride, on x, not on
     * preact) when the depth is unchanged, else conv2d 1x1 with the stride on preact with biases and no
     * activation; residual: conv1 1x1, conv2 = conv2d_same 3x3 with the stride, conv3 1x1 with biases
     * and no activation; output = shortcut + residual, no activation. After the blocks postnorm =
     * relu(batch_norm), global_pool, logits 1x1 with biases, spatial_squeeze, predictions.
     * end_points: every conv2d (conv1, shortcut, conv1..3 of each unit), each unit, each block.
     */
    Act resnetV2(Act images, String scope, int[] units, Integer classes) {
        int[] bases = {64, 128, 256, 512};
        int[] strides = {2, 2, 2, 1};
        Act net = put(scope + "/conv1", conv2dSame(scope + "/conv1", images, 64, 7, 2, false, Act6.NONE));
        net = RefOps.maxPool(net, 3, 2, SAME);
        for (int b = 0; b < 4; b++) {
            String block = scope + "/block" + (b + 1);
            int depth = 4 * bases[b];
            for (int u = 1; u <= units[b]; u++) {
                int stride = u == units[b] ? strides[b] : 1;
                String unit = block + "/unit_" + u + "/bottleneck_v2";
                Act preact = RefOps.relu(RefOps.batchNorm(net.copy(), values, unit + "/preact", epsilon, gamma));
                Act shortcut = net.c() == depth
                        ? RefOps.maxPool(net, 1, stride, SAME)
                        : put(
                                unit + "/shortcut",
                                conv(unit + "/shortcut", preact, 1, 1, depth, stride, SAME, false, Act6.NONE));
                Act residual =
                        put(unit + "/conv1", conv(unit + "/conv1", preact, 1, 1, bases[b], 1, SAME, true, Act6.RELU));
                residual = put(
                        unit + "/conv2", conv2dSame(unit + "/conv2", residual, bases[b], 3, stride, true, Act6.RELU));
                residual =
                        put(unit + "/conv3", conv(unit + "/conv3", residual, 1, 1, depth, 1, SAME, false, Act6.NONE));
                net = put(unit, RefOps.add(shortcut, residual, 1));
            }
            put(block, net);
        }
        net = RefOps.relu(RefOps.batchNorm(net.copy(), values, scope + "/postnorm", epsilon, gamma));
        net = put("global_pool", RefOps.mean(net));
        if (classes == null) {
            return net;
        }
        Act logits = put(scope + "/logits", conv(scope + "/logits", net, 1, 1, classes, 1, SAME, false, Act6.NONE));
        put(scope + "/spatial_squeeze", logits);
        put("predictions", RefOps.softmax(logits));
        return logits;
    }

    // ---------------------------------------------------------------- mobilenet_v1.py

    /**
     * mobilenet_v1 under mobilenet_v1_arg_scope (ReLU6, batch norm with scale, SAME): Conv2d_0 3x3/2,
     * then per DepthSepConv a 3x3 depthwise (with the def's stride) and a 1x1 pointwise conv, each
     * with batch norm and ReLU6; Logits: AvgPool_1a, a VALID average pool with kernel min(size, 7) and
     * slim.avg_pool2d's default stride 2; Conv2d_1c_1x1 with biases; SpatialSqueeze; Predictions.
     */
    Act mobilenetV1(Act images, double multiplier, Integer classes) {
        String scope = "MobilenetV1";
        Act net = images;
        for (int i = 0; i < SlimSpecs.MOBILENET_V1_DEFS.length; i++) {
            int stride = SlimSpecs.MOBILENET_V1_DEFS[i][0];
            int depth = SlimSpecs.mobilenetV1Depth(SlimSpecs.MOBILENET_V1_DEFS[i][1], multiplier);
            if (i == 0) {
                net = put("Conv2d_0", conv(scope + "/Conv2d_0", net, 3, 3, depth, stride, SAME, true, Act6.RELU6));
            } else {
                String base = "Conv2d_" + i;
                net = put(
                        base + "_depthwise", depthwise(scope + "/" + base + "_depthwise", net, 3, stride, Act6.RELU6));
                net = put(
                        base + "_pointwise",
                        conv(scope + "/" + base + "_pointwise", net, 1, 1, depth, 1, SAME, true, Act6.RELU6));
            }
        }
        net = put("AvgPool_1a", RefOps.avgPool(net, Math.min(net.h(), 7), Math.min(net.w(), 7), 2, VALID));
        if (classes == null) {
            return net;
        }
        Act logits = conv(scope + "/Logits/Conv2d_1c_1x1", net, 1, 1, classes, 1, SAME, false, Act6.NONE);
        return logitsAndPredictions("Logits", "Predictions", logits);
    }

    // ---------------------------------------------------------------- vgg.py

    /**
     * vgg_16/vgg_19 under vgg_arg_scope (ReLU, biases, SAME convs): the repeated 3x3 convs, 2x2/2 max
     * pools (slim's default VALID), fc6 7x7 VALID, fc7 1x1, fc8 1x1 with no activation, squeezed.
     * end_points: every conv and pool under its scope, fc6, fc7 and fc8 (slim's vgg has no
     * predictions endpoint).
     */
    Act vgg(Act images, int depth, Integer classes) {
        String scope = "vgg_" + depth;
        int[] repeats = SlimSpecs.vggRepeats(depth);
        int[] depths = {64, 128, 256, 512, 512};
        Act net = images;
        for (int k = 1; k <= 5; k++) {
            for (int i = 1; i <= repeats[k - 1]; i++) {
                String name = scope + "/conv" + k + "/conv" + k + "_" + i;
                net = put(name, conv(name, net, 3, 3, depths[k - 1], 1, SAME, false, Act6.RELU));
            }
            net = put(scope + "/pool" + k, RefOps.maxPool(net, 2, 2, VALID));
        }
        net = put(scope + "/fc6", conv(scope + "/fc6", net, 7, 7, 4096, 1, VALID, false, Act6.RELU));
        net = put(scope + "/fc7", conv(scope + "/fc7", net, 1, 1, 4096, 1, SAME, false, Act6.RELU));
        if (classes == null) {
            return net;
        }
        Act logits = put(scope + "/fc8", conv(scope + "/fc8", net, 1, 1, classes, 1, SAME, false, Act6.NONE));
        // slim's vgg returns no predictions endpoint; jacktf's Tower has one: softmax of fc8
        jacktfAdditions.put("predictions", RefOps.softmax(logits));
        return logits;
    }

    // ---------------------------------------------------------------- mobilenet/mobilenet_v2.py

    /**
     * mobilenet_v2 (V2_DEF: ReLU6, batch norm with scale, SAME): layer_1 = Conv 3x3/2; layer_2..18 =
     * expanded_conv: expand 1x1 (when the inner depth exceeds the input's) with batch norm and ReLU6,
     * depthwise 3x3 with the op's stride, batch norm and ReLU6, project 1x1 with batch norm and no
     * activation, plus the input when the stride is 1 and the depths match; layer_19 = Conv_1 1x1;
     * Logits: global_pool (an average pool over the whole map), Conv2d_1c_1x1 with biases, squeezed;
     * Predictions. end_points: layer_1..layer_19, and from each expanded_conv the tensors named
     * expansion_output, depthwise_output and output as layer_k/&lt;name&gt;.
     */
    Act mobilenetV2(Act images, double multiplier, Integer classes) {
        String scope = "MobilenetV2";
        Act net = put(
                "layer_1",
                conv(
                        scope + "/Conv",
                        images,
                        3,
                        3,
                        SlimSpecs.mobilenetV2Depth(32, multiplier),
                        2,
                        SAME,
                        true,
                        Act6.RELU6));
        for (int i = 0; i < SlimSpecs.MOBILENET_V2_BLOCKS.length; i++) {
            String block = scope + "/expanded_conv" + (i == 0 ? "" : "_" + i);
            String layer = "layer_" + (i + 2);
            int stride = SlimSpecs.MOBILENET_V2_BLOCKS[i][0];
            int out = SlimSpecs.mobilenetV2Depth(SlimSpecs.MOBILENET_V2_BLOCKS[i][1], multiplier);
            int inner = SlimSpecs.mobilenetV2Inner(i, net.c());
            Act x = net;
            if (inner > net.c()) {
                x = put(
                        layer + "/expansion_output",
                        conv(block + "/expand", x, 1, 1, inner, 1, SAME, true, Act6.RELU6));
            }
            x = put(layer + "/depthwise_output", depthwise(block + "/depthwise", x, 3, stride, Act6.RELU6));
            x = conv(block + "/project", x, 1, 1, out, 1, SAME, true, Act6.NONE);
            if (stride == 1 && out == net.c()) {
                x = RefOps.add(net, x, 1);
            }
            net = put(layer, x);
            put(layer + "/output", x);
        }
        net = put(
                "layer_19",
                conv(
                        scope + "/Conv_1",
                        net,
                        1,
                        1,
                        SlimSpecs.mobilenetV2Depth(1280, multiplier),
                        1,
                        SAME,
                        true,
                        Act6.RELU6));
        net = put("global_pool", RefOps.avgPool(net, net.h(), net.w(), 1, VALID));
        if (classes == null) {
            return net;
        }
        Act logits = conv(scope + "/Logits/Conv2d_1c_1x1", net, 1, 1, classes, 1, SAME, false, Act6.NONE);
        return logitsAndPredictions("Logits", "Predictions", logits);
    }

    // ---------------------------------------------------------------- inception_v1.py

    /**
     * inception_v1 (inception_arg_scope: ReLU, batch norm without scale; the base's arg scope: stride
     * 1, SAME for convs and max pools): Conv2d_1a_7x7/2, MaxPool_2a_3x3/2, Conv2d_2b_1x1,
     * Conv2d_2c_3x3, MaxPool_3a_3x3/2, Mixed_3b, 3c, MaxPool_4a_3x3/2, Mixed_4b..4f, MaxPool_5a_2x2/2,
     * Mixed_5b, 5c (each: 1x1 | 1x1, 3x3 | 1x1, 3x3 | 3x3/1 max pool, 1x1, concatenated); Logits:
     * AvgPool_0a_7x7 (stride 1, slim's default VALID), Conv2d_0c_1x1 with biases, squeezed;
     * Predictions.
     */
    Act inceptionV1(Act images, Integer classes) {
        String sc = "InceptionV1/";
        Act net = put("Conv2d_1a_7x7", conv(sc + "Conv2d_1a_7x7", images, 7, 7, 64, 2, SAME, true, Act6.RELU));
        net = put("MaxPool_2a_3x3", RefOps.maxPool(net, 3, 2, SAME));
        net = put("Conv2d_2b_1x1", conv(sc + "Conv2d_2b_1x1", net, 1, 1, 64, 1, SAME, true, Act6.RELU));
        net = put("Conv2d_2c_3x3", conv(sc + "Conv2d_2c_3x3", net, 3, 3, 192, 1, SAME, true, Act6.RELU));
        net = put("MaxPool_3a_3x3", RefOps.maxPool(net, 3, 2, SAME));
        for (Object[] m : SlimSpecs.INCEPTION_V1_MIXED) {
            String name = (String) m[0];
            if (name.equals("Mixed_4b")) {
                net = put("MaxPool_4a_3x3", RefOps.maxPool(net, 3, 2, SAME));
            } else if (name.equals("Mixed_5b")) {
                net = put("MaxPool_5a_2x2", RefOps.maxPool(net, 2, 2, SAME));
            }
            String mx = sc + name;
            Act b0 = conv(mx + "/Branch_0/Conv2d_0a_1x1", net, 1, 1, (int) m[1], 1, SAME, true, Act6.RELU);
            Act b1 = conv(mx + "/Branch_1/Conv2d_0a_1x1", net, 1, 1, (int) m[2], 1, SAME, true, Act6.RELU);
            b1 = conv(mx + "/Branch_1/Conv2d_0b_3x3", b1, 3, 3, (int) m[3], 1, SAME, true, Act6.RELU);
            Act b2 = conv(mx + "/Branch_2/Conv2d_0a_1x1", net, 1, 1, (int) m[4], 1, SAME, true, Act6.RELU);
            String b2Name = name.equals("Mixed_5b") ? "/Branch_2/Conv2d_0a_3x3" : "/Branch_2/Conv2d_0b_3x3";
            b2 = conv(mx + b2Name, b2, 3, 3, (int) m[5], 1, SAME, true, Act6.RELU);
            Act b3 = RefOps.maxPool(net, 3, 1, SAME);
            b3 = conv(mx + "/Branch_3/Conv2d_0b_1x1", b3, 1, 1, (int) m[6], 1, SAME, true, Act6.RELU);
            net = put(name, RefOps.concat(List.of(b0, b1, b2, b3)));
        }
        net = put("AvgPool_0a_7x7", RefOps.avgPool(net, 7, 7, 1, VALID));
        if (classes == null) {
            return net;
        }
        Act logits = conv(sc + "Logits/Conv2d_0c_1x1", net, 1, 1, classes, 1, SAME, false, Act6.NONE);
        return logitsAndPredictions("Logits", "Predictions", logits);
    }

    // ---------------------------------------------------------------- inception_v3.py

    private Act c(String scope, Act x, int kh, int kw, int out, int stride, Padding p) {
        return conv(scope, x, kh, kw, out, stride, p, true, Act6.RELU);
    }

    /**
     * inception_v3 (inception_arg_scope; the stem with stride 1 and VALID by default, Conv2d_2b_3x3
     * SAME; the mixed blocks SAME with 3x3/1 average pools, whose SAME windows average only the
     * positions inside the input): see {@link SlimSpecs#inceptionV3} for the layers. AuxLogits on
     * Mixed_6e (when {@code auxLogits}): 5x5/3 VALID average pool, Conv2d_1b_1x1, a VALID conv with
     * kernel min(size, 5), Conv2d_2b_1x1 with biases, squeezed. Logits: a VALID average pool with
     * kernel min(size, 8) and slim's default stride 2, recorded as AvgPool_1a; PreLogits (dropout);
     * Conv2d_1c_1x1 with biases, squeezed; Predictions.
     */
    Act inceptionV3(Act images, Integer classes, boolean auxLogits) {
        String sc = "InceptionV3/";
        Act net = put("Conv2d_1a_3x3", c(sc + "Conv2d_1a_3x3", images, 3, 3, 32, 2, VALID));
        net = put("Conv2d_2a_3x3", c(sc + "Conv2d_2a_3x3", net, 3, 3, 32, 1, VALID));
        net = put("Conv2d_2b_3x3", c(sc + "Conv2d_2b_3x3", net, 3, 3, 64, 1, SAME));
        net = put("MaxPool_3a_3x3", RefOps.maxPool(net, 3, 2, VALID));
        net = put("Conv2d_3b_1x1", c(sc + "Conv2d_3b_1x1", net, 1, 1, 80, 1, VALID));
        net = put("Conv2d_4a_3x3", c(sc + "Conv2d_4a_3x3", net, 3, 3, 192, 1, VALID));
        net = put("MaxPool_5a_3x3", RefOps.maxPool(net, 3, 2, VALID));
        String[] m5 = {"Mixed_5b", "Mixed_5c", "Mixed_5d"};
        int[] m5Pool = {32, 64, 64};
        for (int i = 0; i < 3; i++) {
            String m = sc + m5[i];
            Act b0 = c(m + "/Branch_0/Conv2d_0a_1x1", net, 1, 1, 64, 1, SAME);
            Act b1 = i == 1
                    ? c(
                            m + "/Branch_1/Conv_1_0c_5x5",
                            c(m + "/Branch_1/Conv2d_0b_1x1", net, 1, 1, 48, 1, SAME),
                            5,
                            5,
                            64,
                            1,
                            SAME)
                    : c(
                            m + "/Branch_1/Conv2d_0b_5x5",
                            c(m + "/Branch_1/Conv2d_0a_1x1", net, 1, 1, 48, 1, SAME),
                            5,
                            5,
                            64,
                            1,
                            SAME);
            Act b2 = c(m + "/Branch_2/Conv2d_0a_1x1", net, 1, 1, 64, 1, SAME);
            b2 = c(m + "/Branch_2/Conv2d_0b_3x3", b2, 3, 3, 96, 1, SAME);
            b2 = c(m + "/Branch_2/Conv2d_0c_3x3", b2, 3, 3, 96, 1, SAME);
            Act b3 = c(m + "/Branch_3/Conv2d_0b_1x1", RefOps.avgPool(net, 3, 3, 1, SAME), 1, 1, m5Pool[i], 1, SAME);
            net = put(m5[i], RefOps.concat(List.of(b0, b1, b2, b3)));
        }
        {
            String m = sc + "Mixed_6a";
            Act b0 = c(m + "/Branch_0/Conv2d_1a_1x1", net, 3, 3, 384, 2, VALID);
            Act b1 = c(m + "/Branch_1/Conv2d_0a_1x1", net, 1, 1, 64, 1, SAME);
            b1 = c(m + "/Branch_1/Conv2d_0b_3x3", b1, 3, 3, 96, 1, SAME);
            b1 = c(m + "/Branch_1/Conv2d_1a_1x1", b1, 3, 3, 96, 2, VALID);
            Act b2 = RefOps.maxPool(net, 3, 2, VALID);
            net = put("Mixed_6a", RefOps.concat(List.of(b0, b1, b2)));
        }
        String[] m6 = {"Mixed_6b", "Mixed_6c", "Mixed_6d", "Mixed_6e"};
        int[] m6Inner = {128, 160, 160, 192};
        for (int i = 0; i < 4; i++) {
            String m = sc + m6[i];
            int k = m6Inner[i];
            Act b0 = c(m + "/Branch_0/Conv2d_0a_1x1", net, 1, 1, 192, 1, SAME);
            Act b1 = c(m + "/Branch_1/Conv2d_0a_1x1", net, 1, 1, k, 1, SAME);
            b1 = c(m + "/Branch_1/Conv2d_0b_1x7", b1, 1, 7, k, 1, SAME);
            b1 = c(m + "/Branch_1/Conv2d_0c_7x1", b1, 7, 1, 192, 1, SAME);
            Act b2 = c(m + "/Branch_2/Conv2d_0a_1x1", net, 1, 1, k, 1, SAME);
            b2 = c(m + "/Branch_2/Conv2d_0b_7x1", b2, 7, 1, k, 1, SAME);
            b2 = c(m + "/Branch_2/Conv2d_0c_1x7", b2, 1, 7, k, 1, SAME);
            b2 = c(m + "/Branch_2/Conv2d_0d_7x1", b2, 7, 1, k, 1, SAME);
            b2 = c(m + "/Branch_2/Conv2d_0e_1x7", b2, 1, 7, 192, 1, SAME);
            Act b3 = c(m + "/Branch_3/Conv2d_0b_1x1", RefOps.avgPool(net, 3, 3, 1, SAME), 1, 1, 192, 1, SAME);
            net = put(m6[i], RefOps.concat(List.of(b0, b1, b2, b3)));
        }
        Act mixed6e = net;
        {
            String m = sc + "Mixed_7a";
            Act b0 = c(m + "/Branch_0/Conv2d_0a_1x1", net, 1, 1, 192, 1, SAME);
            b0 = c(m + "/Branch_0/Conv2d_1a_3x3", b0, 3, 3, 320, 2, VALID);
            Act b1 = c(m + "/Branch_1/Conv2d_0a_1x1", net, 1, 1, 192, 1, SAME);
            b1 = c(m + "/Branch_1/Conv2d_0b_1x7", b1, 1, 7, 192, 1, SAME);
            b1 = c(m + "/Branch_1/Conv2d_0c_7x1", b1, 7, 1, 192, 1, SAME);
            b1 = c(m + "/Branch_1/Conv2d_1a_3x3", b1, 3, 3, 192, 2, VALID);
            Act b2 = RefOps.maxPool(net, 3, 2, VALID);
            net = put("Mixed_7a", RefOps.concat(List.of(b0, b1, b2)));
        }
        String[] m7 = {"Mixed_7b", "Mixed_7c"};
        for (int i = 0; i < 2; i++) {
            String m = sc + m7[i];
            Act b0 = c(m + "/Branch_0/Conv2d_0a_1x1", net, 1, 1, 320, 1, SAME);
            Act b1 = c(m + "/Branch_1/Conv2d_0a_1x1", net, 1, 1, 384, 1, SAME);
            b1 = RefOps.concat(List.of(
                    c(m + "/Branch_1/Conv2d_0b_1x3", b1, 1, 3, 384, 1, SAME),
                    c(m + (i == 0 ? "/Branch_1/Conv2d_0b_3x1" : "/Branch_1/Conv2d_0c_3x1"), b1, 3, 1, 384, 1, SAME)));
            Act b2 = c(m + "/Branch_2/Conv2d_0a_1x1", net, 1, 1, 448, 1, SAME);
            b2 = c(m + "/Branch_2/Conv2d_0b_3x3", b2, 3, 3, 384, 1, SAME);
            b2 = RefOps.concat(List.of(
                    c(m + "/Branch_2/Conv2d_0c_1x3", b2, 1, 3, 384, 1, SAME),
                    c(m + "/Branch_2/Conv2d_0d_3x1", b2, 3, 1, 384, 1, SAME)));
            Act b3 = c(m + "/Branch_3/Conv2d_0b_1x1", RefOps.avgPool(net, 3, 3, 1, SAME), 1, 1, 192, 1, SAME);
            net = put(m7[i], RefOps.concat(List.of(b0, b1, b2, b3)));
        }
        if (classes != null && auxLogits) {
            Act aux = RefOps.avgPool(mixed6e, 5, 5, 3, VALID);
            aux = c(sc + "AuxLogits/Conv2d_1b_1x1", aux, 1, 1, 128, 1, SAME);
            int kh = Math.min(aux.h(), 5);
            int kw = Math.min(aux.w(), 5);
            aux = c(sc + "AuxLogits/Conv2d_2a_" + kh + "x" + kw, aux, kh, kw, 768, 1, VALID);
            aux = conv(sc + "AuxLogits/Conv2d_2b_1x1", aux, 1, 1, classes, 1, SAME, false, Act6.NONE);
            put("AuxLogits", aux);
        }
        net = put("AvgPool_1a", RefOps.avgPool(net, Math.min(net.h(), 8), Math.min(net.w(), 8), 2, VALID));
        if (classes == null) {
            return net;
        }
        put("PreLogits", net);
        Act logits = conv(sc + "Logits/Conv2d_1c_1x1", net, 1, 1, classes, 1, SAME, false, Act6.NONE);
        return logitsAndPredictions("Logits", "Predictions", logits);
    }

    // ---------------------------------------------------------------- inception_resnet_v2.py

    /** block35/block17/block8: branches, concat, Conv2d_1x1 up with biases, net + scale * up, relu. */
    private Act residualBlock(String b, Act net, int kind, double scale, boolean activation) {
        Act mixed;
        if (kind == 35) {
            Act t0 = c(b + "/Branch_0/Conv2d_1x1", net, 1, 1, 32, 1, SAME);
            Act t1 = c(
                    b + "/Branch_1/Conv2d_0b_3x3",
                    c(b + "/Branch_1/Conv2d_0a_1x1", net, 1, 1, 32, 1, SAME),
                    3,
                    3,
                    32,
                    1,
                    SAME);
            Act t2 = c(b + "/Branch_2/Conv2d_0a_1x1", net, 1, 1, 32, 1, SAME);
            t2 = c(b + "/Branch_2/Conv2d_0b_3x3", t2, 3, 3, 48, 1, SAME);
            t2 = c(b + "/Branch_2/Conv2d_0c_3x3", t2, 3, 3, 64, 1, SAME);
            mixed = RefOps.concat(List.of(t0, t1, t2));
        } else if (kind == 17) {
            Act t0 = c(b + "/Branch_0/Conv2d_1x1", net, 1, 1, 192, 1, SAME);
            Act t1 = c(b + "/Branch_1/Conv2d_0a_1x1", net, 1, 1, 128, 1, SAME);
            t1 = c(b + "/Branch_1/Conv2d_0b_1x7", t1, 1, 7, 160, 1, SAME);
            t1 = c(b + "/Branch_1/Conv2d_0c_7x1", t1, 7, 1, 192, 1, SAME);
            mixed = RefOps.concat(List.of(t0, t1));
        } else {
            Act t0 = c(b + "/Branch_0/Conv2d_1x1", net, 1, 1, 192, 1, SAME);
            Act t1 = c(b + "/Branch_1/Conv2d_0a_1x1", net, 1, 1, 192, 1, SAME);
            t1 = c(b + "/Branch_1/Conv2d_0b_1x3", t1, 1, 3, 224, 1, SAME);
            t1 = c(b + "/Branch_1/Conv2d_0c_3x1", t1, 3, 1, 256, 1, SAME);
            mixed = RefOps.concat(List.of(t0, t1));
        }
        Act up = conv(b + "/Conv2d_1x1", mixed, 1, 1, net.c(), 1, SAME, false, Act6.NONE);
        Act out = RefOps.add(net, up, scale);
        return activation ? RefOps.relu(out) : out;
    }

    /**
     * inception_resnet_v2 (its arg scope: ReLU, batch norm without scale; stride 1 and SAME by default,
     * VALID where slim passes padding=padding, align_feature_maps False): see {@link
     * SlimSpecs#inceptionResnetV2} for the layers; block35 x10 at scale 0.17, block17 x20 at 0.10,
     * block8 x9 at 0.20 and a last block8 at scale 1 without activation. AuxLogits (on PreAuxLogits):
     * 5x5/3 VALID average pool, Conv2d_1b_1x1, a VALID conv whose kernel is the whole map, flatten,
     * fully connected Logits. Logits: AvgPool_1a_8x8 over the whole map (recorded as global_pool),
     * flatten and dropout (PreLogitsFlatten), fully connected Logits; Predictions.
     */
    Act inceptionResnetV2(Act images, Integer classes, boolean auxLogits) {
        String sc = "InceptionResnetV2/";
        Act net = put("Conv2d_1a_3x3", c(sc + "Conv2d_1a_3x3", images, 3, 3, 32, 2, VALID));
        net = put("Conv2d_2a_3x3", c(sc + "Conv2d_2a_3x3", net, 3, 3, 32, 1, VALID));
        net = put("Conv2d_2b_3x3", c(sc + "Conv2d_2b_3x3", net, 3, 3, 64, 1, SAME));
        net = put("MaxPool_3a_3x3", RefOps.maxPool(net, 3, 2, VALID));
        net = put("Conv2d_3b_1x1", c(sc + "Conv2d_3b_1x1", net, 1, 1, 80, 1, VALID));
        net = put("Conv2d_4a_3x3", c(sc + "Conv2d_4a_3x3", net, 3, 3, 192, 1, VALID));
        net = put("MaxPool_5a_3x3", RefOps.maxPool(net, 3, 2, VALID));
        {
            String m = sc + "Mixed_5b";
            Act t0 = c(m + "/Branch_0/Conv2d_1x1", net, 1, 1, 96, 1, SAME);
            Act t1 = c(
                    m + "/Branch_1/Conv2d_0b_5x5",
                    c(m + "/Branch_1/Conv2d_0a_1x1", net, 1, 1, 48, 1, SAME),
                    5,
                    5,
                    64,
                    1,
                    SAME);
            Act t2 = c(m + "/Branch_2/Conv2d_0a_1x1", net, 1, 1, 64, 1, SAME);
            t2 = c(m + "/Branch_2/Conv2d_0b_3x3", t2, 3, 3, 96, 1, SAME);
            t2 = c(m + "/Branch_2/Conv2d_0c_3x3", t2, 3, 3, 96, 1, SAME);
            Act t3 = c(m + "/Branch_3/Conv2d_0b_1x1", RefOps.avgPool(net, 3, 3, 1, SAME), 1, 1, 64, 1, SAME);
            net = put("Mixed_5b", RefOps.concat(List.of(t0, t1, t2, t3)));
        }
        for (int i = 1; i <= 10; i++) {
            net = residualBlock(sc + "Repeat/block35_" + i, net, 35, 0.17, true);
        }
        {
            String m = sc + "Mixed_6a";
            Act t0 = c(m + "/Branch_0/Conv2d_1a_3x3", net, 3, 3, 384, 2, VALID);
            Act t1 = c(m + "/Branch_1/Conv2d_0a_1x1", net, 1, 1, 256, 1, SAME);
            t1 = c(m + "/Branch_1/Conv2d_0b_3x3", t1, 3, 3, 256, 1, SAME);
            t1 = c(m + "/Branch_1/Conv2d_1a_3x3", t1, 3, 3, 384, 2, VALID);
            Act t2 = RefOps.maxPool(net, 3, 2, VALID);
            net = put("Mixed_6a", RefOps.concat(List.of(t0, t1, t2)));
        }
        for (int i = 1; i <= 20; i++) {
            net = residualBlock(sc + "Repeat_1/block17_" + i, net, 17, 0.10, true);
        }
        Act preAux = put("PreAuxLogits", net);
        {
            String m = sc + "Mixed_7a";
            Act t0 = c(m + "/Branch_0/Conv2d_0a_1x1", net, 1, 1, 256, 1, SAME);
            t0 = c(m + "/Branch_0/Conv2d_1a_3x3", t0, 3, 3, 384, 2, VALID);
            Act t1 = c(m + "/Branch_1/Conv2d_0a_1x1", net, 1, 1, 256, 1, SAME);
            t1 = c(m + "/Branch_1/Conv2d_1a_3x3", t1, 3, 3, 288, 2, VALID);
            Act t2 = c(m + "/Branch_2/Conv2d_0a_1x1", net, 1, 1, 256, 1, SAME);
            t2 = c(m + "/Branch_2/Conv2d_0b_3x3", t2, 3, 3, 288, 1, SAME);
            t2 = c(m + "/Branch_2/Conv2d_1a_3x3", t2, 3, 3, 320, 2, VALID);
            Act t3 = RefOps.maxPool(net, 3, 2, VALID);
            net = put("Mixed_7a", RefOps.concat(List.of(t0, t1, t2, t3)));
        }
        for (int i = 1; i <= 9; i++) {
            net = residualBlock(sc + "Repeat_2/block8_" + i, net, 8, 0.20, true);
        }
        net = residualBlock(sc + "Block8", net, 8, 1.0, false);
        net = put("Conv2d_7b_1x1", c(sc + "Conv2d_7b_1x1", net, 1, 1, 1536, 1, SAME));
        if (classes != null && auxLogits) {
            Act aux = RefOps.avgPool(preAux, 5, 5, 3, VALID);
            aux = c(sc + "AuxLogits/Conv2d_1b_1x1", aux, 1, 1, 128, 1, SAME);
            aux = c(sc + "AuxLogits/Conv2d_2a_5x5", aux, aux.h(), aux.w(), 768, 1, VALID);
            aux = RefOps.fullyConnected(aux, v(sc + "AuxLogits/Logits/weights"), v(sc + "AuxLogits/Logits/biases"));
            put("AuxLogits", aux);
        }
        net = put("global_pool", RefOps.avgPool(net, net.h(), net.w(), 1, VALID));
        if (classes == null) {
            return net;
        }
        put("PreLogitsFlatten", net);
        Act logits = RefOps.fullyConnected(net, v(sc + "Logits/Logits/weights"), v(sc + "Logits/Logits/biases"));
        return logitsAndPredictions("Logits", "Predictions", logits);
    }

    /** The forward pass of a nets_factory name. */
    Act forward(String name, Act images, Integer classes, boolean auxLogits) {
        return switch (name) {
            case "resnet_v2_50", "resnet_v2_101", "resnet_v2_152" -> {
                int depth = Integer.parseInt(name.substring("resnet_v2_".length()));
                yield resnetV2(images, name, SlimSpecs.resnetV2Units(depth), classes);
            }
            case "mobilenet_v1" -> mobilenetV1(images, 1.0, classes);
            case "mobilenet_v1_075" -> mobilenetV1(images, 0.75, classes);
            case "mobilenet_v1_050" -> mobilenetV1(images, 0.5, classes);
            case "mobilenet_v1_025" -> mobilenetV1(images, 0.25, classes);
            case "vgg_16" -> vgg(images, 16, classes);
            case "vgg_19" -> vgg(images, 19, classes);
            case "mobilenet_v2" -> mobilenetV2(images, 1.0, classes);
            case "mobilenet_v2_140" -> mobilenetV2(images, 1.4, classes);
            case "inception_v1" -> inceptionV1(images, classes);
            case "inception_v3" -> inceptionV3(images, classes, auxLogits);
            case "inception_resnet_v2" -> inceptionResnetV2(images, classes, auxLogits);
            default -> throw new IllegalArgumentException(name);
        };
    }

    /** The epsilon the kernel sees and whether batch norm has a gamma, per family. */
    static SlimForward forNetwork(String name, Map<String, float[]> values) {
        if (name.startsWith("resnet_v2")) {
            return new SlimForward(values, RESNET_EPSILON, true);
        }
        if (name.startsWith("mobilenet") || name.startsWith("vgg")) {
            return new SlimForward(values, DEFAULT_EPSILON, true);
        }
        return new SlimForward(values, DEFAULT_EPSILON, false);
    }
}
