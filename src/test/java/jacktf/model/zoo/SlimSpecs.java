package jacktf.model.zoo;

/**
 * slim's variable lists, written from the network definitions in tensorflow/models
 * {@code research/slim/nets} (resnet_v2.py, resnet_utils.py, mobilenet_v1.py, vgg.py,
 * mobilenet/mobilenet_v2.py with mobilenet.py and conv_blocks.py, inception_v1.py, inception_v3.py,
 * inception_resnet_v2.py, inception_utils.py), independently of jacktf's builders: each method reads
 * like the slim file it comes from, layer by layer, with slim's scope names spelled out.
 */
final class SlimSpecs {
    private SlimSpecs() {}

    // ---------------------------------------------------------------- resnet_v2.py

    /** Units per block of resnet_v2_50/101/152 (resnet_v2_block's num_units). */
    static int[] resnetV2Units(int depth) {
        return switch (depth) {
            case 50 -> new int[] {3, 4, 6, 3};
            case 101 -> new int[] {3, 4, 23, 3};
            case 152 -> new int[] {3, 8, 36, 3};
            default -> throw new IllegalArgumentException("resnet_v2_" + depth);
        };
    }

    /**
     * resnet_v2(blocks): conv1 = conv2d_same(64, 7, stride 2) with activation and normalizer None (so
     * biases); each bottleneck_v2 unit: preact = batch_norm on the unit's input; shortcut =
     * conv2d 1x1 without normalizer (biases) when the depth changes, else a subsample (no variables);
     * conv1 1x1 and conv2 3x3 with batch norm; conv3 1x1 without normalizer (biases); after the
     * blocks postnorm = batch_norm; logits = conv2d 1x1 without normalizer. resnet_arg_scope:
     * batch_norm_scale=True.
     */
    static VariableSpec resnetV2(int depth, Integer classes) {
        String scope = "resnet_v2_" + depth;
        int[] units = resnetV2Units(depth);
        int[] bases = {64, 128, 256, 512};
        VariableSpec s = new VariableSpec(true);
        s.convBias(scope + "/conv1", 7, 7, 3, 64);
        int in = 64;
        for (int b = 0; b < 4; b++) {
            int base = bases[b];
            for (int u = 1; u <= units[b]; u++) {
                String unit = scope + "/block" + (b + 1) + "/unit_" + u + "/bottleneck_v2";
                s.batchNorm(unit + "/preact", in);
                if (in != 4 * base) {
                    s.convBias(unit + "/shortcut", 1, 1, in, 4 * base);
                }
                s.convBn(unit + "/conv1", 1, 1, in, base);
                s.convBn(unit + "/conv2", 3, 3, base, base);
                s.convBias(unit + "/conv3", 1, 1, base, 4 * base);
                in = 4 * base;
            }
        }
        s.batchNorm(scope + "/postnorm", 2048);
        if (classes != null) {
            s.convBias(scope + "/logits", 1, 1, 2048, classes);
        }
        return s;
    }

    // ---------------------------------------------------------------- mobilenet_v1.py

    /** _CONV_DEFS: (stride, depth); entry 0 is the full 3x3 Conv, the rest DepthSepConv 3x3. */
    static final int[][] MOBILENET_V1_DEFS = {
        {2, 32}, {1, 64}, {2, 128}, {1, 128}, {2, 256}, {1, 256}, {2, 512},
        {1, 512}, {1, 512}, {1, 512}, {1, 512}, {1, 512}, {2, 1024}, {1, 1024}
    };

    /** mobilenet_v1_base's depth(d) = max(int(d * depth_multiplier), min_depth=8). */
    static int mobilenetV1Depth(int d, double multiplier) {
        return Math.max((int) (d * multiplier), 8);
    }

    /**
     * mobilenet_v1: Conv2d_0 (conv2d 3x3 + batch norm), then per DepthSepConv i: Conv2d_i_depthwise
     * (separable_conv2d with num_outputs None: depthwise_weights, batch norm) and Conv2d_i_pointwise
     * (conv2d 1x1 + batch norm); Logits/Conv2d_1c_1x1 (conv2d 1x1, no normalizer: biases).
     * mobilenet_v1_arg_scope: scale=True.
     */
    static VariableSpec mobilenetV1(double multiplier, Integer classes) {
        VariableSpec s = new VariableSpec(true);
        String scope = "MobilenetV1";
        int in = 3;
        for (int i = 0; i < MOBILENET_V1_DEFS.length; i++) {
            int out = mobilenetV1Depth(MOBILENET_V1_DEFS[i][1], multiplier);
            if (i == 0) {
                s.convBn(scope + "/Conv2d_0", 3, 3, in, out);
            } else {
                s.depthwiseBn(scope + "/Conv2d_" + i + "_depthwise", 3, in);
                s.convBn(scope + "/Conv2d_" + i + "_pointwise", 1, 1, in, out);
            }
            in = out;
        }
        if (classes != null) {
            s.convBias(scope + "/Logits/Conv2d_1c_1x1", 1, 1, in, classes);
        }
        return s;
    }

    // ---------------------------------------------------------------- vgg.py

    /** slim.repeat counts of conv1..conv5 for vgg_16 and vgg_19. */
    static int[] vggRepeats(int depth) {
        return switch (depth) {
            case 16 -> new int[] {2, 2, 3, 3, 3};
            case 19 -> new int[] {2, 2, 4, 4, 4};
            default -> throw new IllegalArgumentException("vgg_" + depth);
        };
    }

    /**
     * vgg_16/vgg_19: slim.repeat(n, conv2d, d, [3, 3], scope='convK') names its layers convK/convK_1..
     * convK_n; vgg_arg_scope has no normalizer, so every conv has weights and biases; fc6 is a 7x7
     * conv to 4096, fc7 1x1 to 4096, fc8 1x1 to the classes.
     */
    static VariableSpec vgg(int depth, Integer classes) {
        String scope = "vgg_" + depth;
        int[] repeats = vggRepeats(depth);
        int[] depths = {64, 128, 256, 512, 512};
        VariableSpec s = new VariableSpec(true);
        int in = 3;
        for (int k = 0; k < 5; k++) {
            for (int i = 1; i <= repeats[k]; i++) {
                s.convBias(scope + "/conv" + (k + 1) + "/conv" + (k + 1) + "_" + i, 3, 3, in, depths[k]);
                in = depths[k];
            }
        }
        s.convBias(scope + "/fc6", 7, 7, 512, 4096);
        s.convBias(scope + "/fc7", 1, 1, 4096, 4096);
        if (classes != null) {
            s.convBias(scope + "/fc8", 1, 1, 4096, classes);
        }
        return s;
    }

    // ---------------------------------------------------------------- mobilenet/mobilenet_v2.py

    /** V2_DEF's expanded_conv ops: (stride, num_outputs); the first has expansion factor 1. */
    static final int[][] MOBILENET_V2_BLOCKS = {
        {1, 16}, {2, 24}, {1, 24}, {2, 32}, {1, 32}, {1, 32}, {2, 64}, {1, 64}, {1, 64}, {1, 64}, {1, 96}, {1, 96},
        {1, 96}, {2, 160}, {1, 160}, {1, 160}, {1, 320}
    };

    /** mobilenet.py's _make_divisible(v, divisor, min_value=divisor). */
    static int makeDivisible(double v, int divisor) {
        int newV = Math.max(divisor, (int) (v + divisor / 2.0) / divisor * divisor);
        if (newV < 0.9 * v) {
            newV += divisor;
        }
        return newV;
    }

    /** depth_multiplier applied to an op's num_outputs: _make_divisible(d * m, 8, min_depth 8). */
    static int mobilenetV2Depth(int d, double multiplier) {
        return makeDivisible(d * multiplier, 8);
    }

    /**
     * The inner (expansion) depth of expanded_conv number {@code i} (0-based) with input depth
     * {@code in}: expand_input_by_factor(6) = _make_divisible(in * 6, 8); the first op uses
     * expand_input(1, divisible_by=1), i.e. in, which is not larger than the input, so it has no
     * expand conv.
     */
    static int mobilenetV2Inner(int i, int in) {
        return i == 0 ? makeDivisible(in, 1) : makeDivisible(in * 6.0, 8);
    }

    /**
     * mobilenet_v2: layer_1 = slim.conv2d 3x3 stride 2 without a scope, so slim names it Conv; the
     * expanded_convs take default scope names expanded_conv, expanded_conv_1, ..; each has expand
     * (1x1 conv + batch norm, only when the inner depth exceeds the input's), depthwise
     * (separable_conv2d, depthwise_weights + batch norm), project (1x1 conv + batch norm, no
     * activation); layer_19 = conv2d 1x1 to 1280, the second unnamed conv: Conv_1; Logits/Conv2d_1c_1x1
     * with biases. V2_DEF sets batch norm center and scale. mobilenet_v2_140 is depth_multiplier 1.4
     * (no finegrain mode, so Conv_1 grows to 1792 too).
     */
    static VariableSpec mobilenetV2(double multiplier, Integer classes) {
        VariableSpec s = new VariableSpec(true);
        String scope = "MobilenetV2";
        int in = mobilenetV2Depth(32, multiplier);
        s.convBn(scope + "/Conv", 3, 3, 3, in);
        for (int i = 0; i < MOBILENET_V2_BLOCKS.length; i++) {
            String block = scope + "/expanded_conv" + (i == 0 ? "" : "_" + i);
            int out = mobilenetV2Depth(MOBILENET_V2_BLOCKS[i][1], multiplier);
            int inner = mobilenetV2Inner(i, in);
            if (inner > in) {
                s.convBn(block + "/expand", 1, 1, in, inner);
            }
            s.depthwiseBn(block + "/depthwise", 3, inner);
            s.convBn(block + "/project", 1, 1, inner, out);
            in = out;
        }
        int last = mobilenetV2Depth(1280, multiplier);
        s.convBn(scope + "/Conv_1", 1, 1, in, last);
        if (classes != null) {
            s.convBias(scope + "/Logits/Conv2d_1c_1x1", 1, 1, last, classes);
        }
        return s;
    }

    // ---------------------------------------------------------------- inception_v1.py

    /**
     * The inception modules of inception_v1_base in order: name, Branch_0 1x1, Branch_1 1x1 and
     * 3x3, Branch_2 1x1 and 3x3, Branch_3 (max pool then) 1x1.
     */
    static final Object[][] INCEPTION_V1_MIXED = {
        {"Mixed_3b", 64, 96, 128, 16, 32, 32},
        {"Mixed_3c", 128, 128, 192, 32, 96, 64},
        {"Mixed_4b", 192, 96, 208, 16, 48, 64},
        {"Mixed_4c", 160, 112, 224, 24, 64, 64},
        {"Mixed_4d", 128, 128, 256, 24, 64, 64},
        {"Mixed_4e", 112, 144, 288, 32, 64, 64},
        {"Mixed_4f", 256, 160, 320, 32, 128, 128},
        {"Mixed_5b", 256, 160, 320, 32, 128, 128},
        {"Mixed_5c", 384, 192, 384, 48, 128, 128}
    };

    /**
     * inception_v1: Conv2d_1a_7x7, Conv2d_2b_1x1, Conv2d_2c_3x3, the modules (Mixed_5b's Branch_2
     * 3x3 is named Conv2d_0a_3x3 in slim, every other module's Conv2d_0b_3x3), Logits/Conv2d_0c_1x1
     * with biases. inception_arg_scope: batch norm without scale (no gamma).
     */
    static VariableSpec inceptionV1(Integer classes) {
        VariableSpec s = new VariableSpec(false);
        String scope = "InceptionV1";
        s.convBn(scope + "/Conv2d_1a_7x7", 7, 7, 3, 64);
        s.convBn(scope + "/Conv2d_2b_1x1", 1, 1, 64, 64);
        s.convBn(scope + "/Conv2d_2c_3x3", 3, 3, 64, 192);
        int in = 192;
        for (Object[] m : INCEPTION_V1_MIXED) {
            String mixed = scope + "/" + m[0];
            int b0 = (int) m[1], b1a = (int) m[2], b1b = (int) m[3], b2a = (int) m[4], b2b = (int) m[5];
            int b3 = (int) m[6];
            s.convBn(mixed + "/Branch_0/Conv2d_0a_1x1", 1, 1, in, b0);
            s.convBn(mixed + "/Branch_1/Conv2d_0a_1x1", 1, 1, in, b1a);
            s.convBn(mixed + "/Branch_1/Conv2d_0b_3x3", 3, 3, b1a, b1b);
            s.convBn(mixed + "/Branch_2/Conv2d_0a_1x1", 1, 1, in, b2a);
            String b2Second = m[0].equals("Mixed_5b") ? "Conv2d_0a_3x3" : "Conv2d_0b_3x3";
            s.convBn(mixed + "/Branch_2/" + b2Second, 3, 3, b2a, b2b);
            s.convBn(mixed + "/Branch_3/Conv2d_0b_1x1", 1, 1, in, b3);
            in = b0 + b1b + b2b + b3;
        }
        if (classes != null) {
            s.convBias(scope + "/Logits/Conv2d_0c_1x1", 1, 1, in, classes);
        }
        return s;
    }

    // ---------------------------------------------------------------- inception_v3.py

    /**
     * inception_v3 (depth_multiplier 1): the stem, Mixed_5b..Mixed_7c with slim's irregular names
     * (Mixed_5c's Branch_1 is Conv2d_0b_1x1 then Conv_1_0c_5x5; Mixed_6a's and Mixed_7a's strided
     * convs are Conv2d_1a_1x1 (a 3x3 kernel) and Conv2d_1a_3x3; Mixed_7b's Branch_1 pair is
     * Conv2d_0b_1x3 / Conv2d_0b_3x1, Mixed_7c's Conv2d_0b_1x3 / Conv2d_0c_3x1), AuxLogits at 299 (on
     * Mixed_6e's 17x17: a 5x5/3 VALID average pool to 5x5, Conv2d_1b_1x1 to 128, Conv2d_2a_5x5 VALID to
     * 768, Conv2d_2b_1x1 with biases), Logits/Conv2d_1c_1x1 with biases. No gamma (inception_arg_scope).
     */
    static VariableSpec inceptionV3(Integer classes, boolean auxLogits) {
        VariableSpec s = new VariableSpec(false);
        String sc = "InceptionV3/";
        s.convBn(sc + "Conv2d_1a_3x3", 3, 3, 3, 32);
        s.convBn(sc + "Conv2d_2a_3x3", 3, 3, 32, 32);
        s.convBn(sc + "Conv2d_2b_3x3", 3, 3, 32, 64);
        s.convBn(sc + "Conv2d_3b_1x1", 1, 1, 64, 80);
        s.convBn(sc + "Conv2d_4a_3x3", 3, 3, 80, 192);
        // Mixed_5b, 5c, 5d: 35x35
        int[][] m5 = {{192, 32}, {256, 64}, {288, 64}};
        String[] m5Names = {"Mixed_5b", "Mixed_5c", "Mixed_5d"};
        for (int i = 0; i < 3; i++) {
            String m = sc + m5Names[i];
            int in = m5[i][0];
            s.convBn(m + "/Branch_0/Conv2d_0a_1x1", 1, 1, in, 64);
            if (i == 1) {
                s.convBn(m + "/Branch_1/Conv2d_0b_1x1", 1, 1, in, 48);
                s.convBn(m + "/Branch_1/Conv_1_0c_5x5", 5, 5, 48, 64);
            } else {
                s.convBn(m + "/Branch_1/Conv2d_0a_1x1", 1, 1, in, 48);
                s.convBn(m + "/Branch_1/Conv2d_0b_5x5", 5, 5, 48, 64);
            }
            s.convBn(m + "/Branch_2/Conv2d_0a_1x1", 1, 1, in, 64);
            s.convBn(m + "/Branch_2/Conv2d_0b_3x3", 3, 3, 64, 96);
            s.convBn(m + "/Branch_2/Conv2d_0c_3x3", 3, 3, 96, 96);
            s.convBn(m + "/Branch_3/Conv2d_0b_1x1", 1, 1, in, m5[i][1]);
        }
        // Mixed_6a: 35 -> 17, 288 -> 768
        s.convBn(sc + "Mixed_6a/Branch_0/Conv2d_1a_1x1", 3, 3, 288, 384);
        s.convBn(sc + "Mixed_6a/Branch_1/Conv2d_0a_1x1", 1, 1, 288, 64);
        s.convBn(sc + "Mixed_6a/Branch_1/Conv2d_0b_3x3", 3, 3, 64, 96);
        s.convBn(sc + "Mixed_6a/Branch_1/Conv2d_1a_1x1", 3, 3, 96, 96);
        // Mixed_6b..6e: 17x17x768, the 7x7 factorized into 1x7 and 7x1 with 128, 160, 160, 192 inside
        String[] m6Names = {"Mixed_6b", "Mixed_6c", "Mixed_6d", "Mixed_6e"};
        int[] m6Inner = {128, 160, 160, 192};
        for (int i = 0; i < 4; i++) {
            String m = sc + m6Names[i];
            int c = m6Inner[i];
            s.convBn(m + "/Branch_0/Conv2d_0a_1x1", 1, 1, 768, 192);
            s.convBn(m + "/Branch_1/Conv2d_0a_1x1", 1, 1, 768, c);
            s.convBn(m + "/Branch_1/Conv2d_0b_1x7", 1, 7, c, c);
            s.convBn(m + "/Branch_1/Conv2d_0c_7x1", 7, 1, c, 192);
            s.convBn(m + "/Branch_2/Conv2d_0a_1x1", 1, 1, 768, c);
            s.convBn(m + "/Branch_2/Conv2d_0b_7x1", 7, 1, c, c);
            s.convBn(m + "/Branch_2/Conv2d_0c_1x7", 1, 7, c, c);
            s.convBn(m + "/Branch_2/Conv2d_0d_7x1", 7, 1, c, c);
            s.convBn(m + "/Branch_2/Conv2d_0e_1x7", 1, 7, c, 192);
            s.convBn(m + "/Branch_3/Conv2d_0b_1x1", 1, 1, 768, 192);
        }
        // Mixed_7a: 17 -> 8, 768 -> 1280
        s.convBn(sc + "Mixed_7a/Branch_0/Conv2d_0a_1x1", 1, 1, 768, 192);
        s.convBn(sc + "Mixed_7a/Branch_0/Conv2d_1a_3x3", 3, 3, 192, 320);
        s.convBn(sc + "Mixed_7a/Branch_1/Conv2d_0a_1x1", 1, 1, 768, 192);
        s.convBn(sc + "Mixed_7a/Branch_1/Conv2d_0b_1x7", 1, 7, 192, 192);
        s.convBn(sc + "Mixed_7a/Branch_1/Conv2d_0c_7x1", 7, 1, 192, 192);
        s.convBn(sc + "Mixed_7a/Branch_1/Conv2d_1a_3x3", 3, 3, 192, 192);
        // Mixed_7b, 7c: 8x8x2048
        int[] m7In = {1280, 2048};
        String[] m7Names = {"Mixed_7b", "Mixed_7c"};
        for (int i = 0; i < 2; i++) {
            String m = sc + m7Names[i];
            int in = m7In[i];
            s.convBn(m + "/Branch_0/Conv2d_0a_1x1", 1, 1, in, 320);
            s.convBn(m + "/Branch_1/Conv2d_0a_1x1", 1, 1, in, 384);
            s.convBn(m + "/Branch_1/Conv2d_0b_1x3", 1, 3, 384, 384);
            s.convBn(m + "/Branch_1/" + (i == 0 ? "Conv2d_0b_3x1" : "Conv2d_0c_3x1"), 3, 1, 384, 384);
            s.convBn(m + "/Branch_2/Conv2d_0a_1x1", 1, 1, in, 448);
            s.convBn(m + "/Branch_2/Conv2d_0b_3x3", 3, 3, 448, 384);
            s.convBn(m + "/Branch_2/Conv2d_0c_1x3", 1, 3, 384, 384);
            s.convBn(m + "/Branch_2/Conv2d_0d_3x1", 3, 1, 384, 384);
            s.convBn(m + "/Branch_3/Conv2d_0b_1x1", 1, 1, in, 192);
        }
        if (classes != null) {
            if (auxLogits) {
                s.convBn(sc + "AuxLogits/Conv2d_1b_1x1", 1, 1, 768, 128);
                s.convBn(sc + "AuxLogits/Conv2d_2a_5x5", 5, 5, 128, 768);
                s.convBias(sc + "AuxLogits/Conv2d_2b_1x1", 1, 1, 768, classes);
            }
            s.convBias(sc + "Logits/Conv2d_1c_1x1", 1, 1, 2048, classes);
        }
        return s;
    }

    // ---------------------------------------------------------------- inception_resnet_v2.py

    /**
     * inception_resnet_v2: the stem (as inception_v3's), Mixed_5b (Branch_0 is Conv2d_1x1), slim.repeat
     * of 10 block35 (Repeat/block35_1..10), Mixed_6a, 20 block17 (Repeat_1/block17_1..20), Mixed_7a, 9
     * block8 (Repeat_2/block8_1..9) and one more block8 without activation under the default scope
     * Block8, Conv2d_7b_1x1 to 1536; every block's up-projection Conv2d_1x1 has no normalizer
     * (biases); AuxLogits at 299 (on the 17x17 PreAuxLogits: a 5x5/3 VALID average pool to 5x5,
     * Conv2d_1b_1x1 to 128, Conv2d_2a_5x5 VALID to 768, flatten, fully_connected Logits); Logits/Logits
     * fully connected. No gamma (inception_resnet_v2_arg_scope sets no scale).
     */
    static VariableSpec inceptionResnetV2(Integer classes, boolean auxLogits) {
        VariableSpec s = new VariableSpec(false);
        String sc = "InceptionResnetV2/";
        s.convBn(sc + "Conv2d_1a_3x3", 3, 3, 3, 32);
        s.convBn(sc + "Conv2d_2a_3x3", 3, 3, 32, 32);
        s.convBn(sc + "Conv2d_2b_3x3", 3, 3, 32, 64);
        s.convBn(sc + "Conv2d_3b_1x1", 1, 1, 64, 80);
        s.convBn(sc + "Conv2d_4a_3x3", 3, 3, 80, 192);
        s.convBn(sc + "Mixed_5b/Branch_0/Conv2d_1x1", 1, 1, 192, 96);
        s.convBn(sc + "Mixed_5b/Branch_1/Conv2d_0a_1x1", 1, 1, 192, 48);
        s.convBn(sc + "Mixed_5b/Branch_1/Conv2d_0b_5x5", 5, 5, 48, 64);
        s.convBn(sc + "Mixed_5b/Branch_2/Conv2d_0a_1x1", 1, 1, 192, 64);
        s.convBn(sc + "Mixed_5b/Branch_2/Conv2d_0b_3x3", 3, 3, 64, 96);
        s.convBn(sc + "Mixed_5b/Branch_2/Conv2d_0c_3x3", 3, 3, 96, 96);
        s.convBn(sc + "Mixed_5b/Branch_3/Conv2d_0b_1x1", 1, 1, 192, 64);
        for (int i = 1; i <= 10; i++) {
            String b = sc + "Repeat/block35_" + i;
            s.convBn(b + "/Branch_0/Conv2d_1x1", 1, 1, 320, 32);
            s.convBn(b + "/Branch_1/Conv2d_0a_1x1", 1, 1, 320, 32);
            s.convBn(b + "/Branch_1/Conv2d_0b_3x3", 3, 3, 32, 32);
            s.convBn(b + "/Branch_2/Conv2d_0a_1x1", 1, 1, 320, 32);
            s.convBn(b + "/Branch_2/Conv2d_0b_3x3", 3, 3, 32, 48);
            s.convBn(b + "/Branch_2/Conv2d_0c_3x3", 3, 3, 48, 64);
            s.convBias(b + "/Conv2d_1x1", 1, 1, 32 + 32 + 64, 320);
        }
        s.convBn(sc + "Mixed_6a/Branch_0/Conv2d_1a_3x3", 3, 3, 320, 384);
        s.convBn(sc + "Mixed_6a/Branch_1/Conv2d_0a_1x1", 1, 1, 320, 256);
        s.convBn(sc + "Mixed_6a/Branch_1/Conv2d_0b_3x3", 3, 3, 256, 256);
        s.convBn(sc + "Mixed_6a/Branch_1/Conv2d_1a_3x3", 3, 3, 256, 384);
        for (int i = 1; i <= 20; i++) {
            String b = sc + "Repeat_1/block17_" + i;
            s.convBn(b + "/Branch_0/Conv2d_1x1", 1, 1, 1088, 192);
            s.convBn(b + "/Branch_1/Conv2d_0a_1x1", 1, 1, 1088, 128);
            s.convBn(b + "/Branch_1/Conv2d_0b_1x7", 1, 7, 128, 160);
            s.convBn(b + "/Branch_1/Conv2d_0c_7x1", 7, 1, 160, 192);
            s.convBias(b + "/Conv2d_1x1", 1, 1, 192 + 192, 1088);
        }
        s.convBn(sc + "Mixed_7a/Branch_0/Conv2d_0a_1x1", 1, 1, 1088, 256);
        s.convBn(sc + "Mixed_7a/Branch_0/Conv2d_1a_3x3", 3, 3, 256, 384);
        s.convBn(sc + "Mixed_7a/Branch_1/Conv2d_0a_1x1", 1, 1, 1088, 256);
        s.convBn(sc + "Mixed_7a/Branch_1/Conv2d_1a_3x3", 3, 3, 256, 288);
        s.convBn(sc + "Mixed_7a/Branch_2/Conv2d_0a_1x1", 1, 1, 1088, 256);
        s.convBn(sc + "Mixed_7a/Branch_2/Conv2d_0b_3x3", 3, 3, 256, 288);
        s.convBn(sc + "Mixed_7a/Branch_2/Conv2d_1a_3x3", 3, 3, 288, 320);
        for (int i = 1; i <= 10; i++) {
            String b = i <= 9 ? sc + "Repeat_2/block8_" + i : sc + "Block8";
            s.convBn(b + "/Branch_0/Conv2d_1x1", 1, 1, 2080, 192);
            s.convBn(b + "/Branch_1/Conv2d_0a_1x1", 1, 1, 2080, 192);
            s.convBn(b + "/Branch_1/Conv2d_0b_1x3", 1, 3, 192, 224);
            s.convBn(b + "/Branch_1/Conv2d_0c_3x1", 3, 1, 224, 256);
            s.convBias(b + "/Conv2d_1x1", 1, 1, 192 + 256, 2080);
        }
        s.convBn(sc + "Conv2d_7b_1x1", 1, 1, 2080, 1536);
        if (classes != null) {
            if (auxLogits) {
                s.convBn(sc + "AuxLogits/Conv2d_1b_1x1", 1, 1, 1088, 128);
                s.convBn(sc + "AuxLogits/Conv2d_2a_5x5", 5, 5, 128, 768);
                s.fc(sc + "AuxLogits/Logits", 768, classes);
            }
            s.fc(sc + "Logits/Logits", 1536, classes);
        }
        return s;
    }

    /** The spec of a nets_factory name. */
    static VariableSpec of(String name, Integer classes, boolean auxLogits) {
        return switch (name) {
            case "resnet_v2_50" -> resnetV2(50, classes);
            case "resnet_v2_101" -> resnetV2(101, classes);
            case "resnet_v2_152" -> resnetV2(152, classes);
            case "mobilenet_v1" -> mobilenetV1(1.0, classes);
            case "mobilenet_v1_075" -> mobilenetV1(0.75, classes);
            case "mobilenet_v1_050" -> mobilenetV1(0.5, classes);
            case "mobilenet_v1_025" -> mobilenetV1(0.25, classes);
            case "vgg_16" -> vgg(16, classes);
            case "vgg_19" -> vgg(19, classes);
            case "mobilenet_v2" -> mobilenetV2(1.0, classes);
            case "mobilenet_v2_140" -> mobilenetV2(1.4, classes);
            case "inception_v1" -> inceptionV1(classes);
            case "inception_v3" -> inceptionV3(classes, auxLogits);
            case "inception_resnet_v2" -> inceptionResnetV2(classes, auxLogits);
            default -> throw new IllegalArgumentException(name);
        };
    }
}
