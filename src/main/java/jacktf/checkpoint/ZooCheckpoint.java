package jacktf.checkpoint;

import jacktf.config.JacktfException;
import jacktf.config.Preprocessing;
import jacktf.model.NetworkType;
import jacktf.model.Networks;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/**
 * One checkpoint of TF-Slim's model zoo and the conventions it was trained with: the one table of them
 * ({@link #slim()}), keyed by slim's {@code nets_factory} name. Sources, all in tensorflow/models
 * {@code research/slim}: the archives of README.md's "Pre-trained Models" table (MobileNet-v1's of
 * {@code nets/mobilenet_v1.md}, MobileNet-v2's of {@code nets/mobilenet/README.md}: other paths, another
 * host), the checkpoint names in them and the head scopes of {@code scripts/finetune_*_on_flowers.sh},
 * the preprocessing of {@code preprocessing_factory.py} except ResNet-v2's (README's footnote: inception
 * preprocessing at 299, not the vgg the factory maps it to), the image sizes of each net's
 * {@code default_image_size}.
 *
 * @param name slim's nets_factory name, e.g. {@code inception_v3}: what {@code jacktf download} and
 *     {@code --model} take
 * @param network the network jacktf builds for it, or null while jacktf has no builder for it (the
 *     download then checks every tensor's checksum and the logits' classes, not the variable list)
 * @param url where the archive is published
 * @param checkpointName the checkpoint inside the archive: a V1 file ({@code inception_v3.ckpt}) or a V2
 *     prefix ({@code mobilenet_v1_1.0_224.ckpt}: its {@code .index} and {@code .data-*} files are taken,
 *     not the {@code .meta}, the frozen graph or the {@code .tflite} beside them)
 * @param format the checkpoint's format: V1 for the 2016-2017 nets, V2 for the MobileNets
 * @param numClasses the classes of the checkpoint's logits: 1001 where class 0 is background (the
 *     Inceptions, ResNet-v2, MobileNet), 1000 for the nets converted from Caffe (ResNet-v1, VGG)
 * @param labelsOffset the classes before ImageNet's 1000 in the logits: 1 for the background class, else 0
 *     (slim's {@code --labels_offset} for evaluating a 1000-class net on 1001-label data)
 * @param preprocessing the preprocessing it was trained with
 * @param evalImageSize the image side it was trained and is evaluated at
 * @param headScopes the scopes of its classifier: excluded from the restore and trained for a new dataset,
 *     the logits' scope first
 */
public record ZooCheckpoint(
        String name,
        NetworkType network,
        URI url,
        String checkpointName,
        Checkpoint.Format format,
        int numClasses,
        int labelsOffset,
        Preprocessing preprocessing,
        int evalImageSize,
        List<String> headScopes) {

    /** ImageNet's classes (ILSVRC-2012-CLS), what every zoo checkpoint was trained on. */
    public static final int IMAGENET_CLASSES = 1000;

    private static final String TF_MODELS = "http://download.tensorflow.org/models/";
    private static final String MOBILENET_V1 = TF_MODELS + "mobilenet_v1_2018_02_22/";
    private static final String MOBILENET_V2 = "https://storage.googleapis.com/mobilenet_v2/checkpoints/";
    private static final Checkpoint.Format V1 = Checkpoint.Format.V1;
    private static final Checkpoint.Format V2 = Checkpoint.Format.V2;
    private static final Preprocessing INCEPTION = Preprocessing.INCEPTION;
    private static final Preprocessing VGG = Preprocessing.VGG;

    /** slim's resnet_v1_50: 1000 classes (converted from Caffe: no background class), vgg at 224. */
    public static final ZooCheckpoint RESNET_V1_50 = slim(
            "resnet_v1_50",
            TF_MODELS + "resnet_v1_50_2016_08_28.tar.gz",
            "resnet_v1_50.ckpt",
            V1,
            0,
            VGG,
            224,
            "resnet_v1_50/logits");

    private static final List<ZooCheckpoint> SLIM = List.of(
            slim(
                    "inception_v1",
                    TF_MODELS + "inception_v1_2016_08_28.tar.gz",
                    "inception_v1.ckpt",
                    V1,
                    1,
                    INCEPTION,
                    224,
                    "InceptionV1/Logits"),
            slim(
                    "inception_v3",
                    TF_MODELS + "inception_v3_2016_08_28.tar.gz",
                    "inception_v3.ckpt",
                    V1,
                    1,
                    INCEPTION,
                    299,
                    "InceptionV3/Logits",
                    "InceptionV3/AuxLogits"),
            // the file inside keeps the archive's date (finetune_inception_resnet_v2_on_flowers.sh renames it)
            slim(
                    "inception_resnet_v2",
                    TF_MODELS + "inception_resnet_v2_2016_08_30.tar.gz",
                    "inception_resnet_v2_2016_08_30.ckpt",
                    V1,
                    1,
                    INCEPTION,
                    299,
                    "InceptionResnetV2/Logits",
                    "InceptionResnetV2/AuxLogits"),
            RESNET_V1_50,
            slim(
                    "resnet_v1_101",
                    TF_MODELS + "resnet_v1_101_2016_08_28.tar.gz",
                    "resnet_v1_101.ckpt",
                    V1,
                    0,
                    VGG,
                    224,
                    "resnet_v1_101/logits"),
            slim(
                    "resnet_v1_152",
                    TF_MODELS + "resnet_v1_152_2016_08_28.tar.gz",
                    "resnet_v1_152.ckpt",
                    V1,
                    0,
                    VGG,
                    224,
                    "resnet_v1_152/logits"),
            // README's footnote: "ResNet V2 models use Inception pre-processing and input image size of 299"
            slim(
                    "resnet_v2_50",
                    TF_MODELS + "resnet_v2_50_2017_04_14.tar.gz",
                    "resnet_v2_50.ckpt",
                    V1,
                    1,
                    INCEPTION,
                    299,
                    "resnet_v2_50/logits"),
            slim(
                    "resnet_v2_101",
                    TF_MODELS + "resnet_v2_101_2017_04_14.tar.gz",
                    "resnet_v2_101.ckpt",
                    V1,
                    1,
                    INCEPTION,
                    299,
                    "resnet_v2_101/logits"),
            slim(
                    "resnet_v2_152",
                    TF_MODELS + "resnet_v2_152_2017_04_14.tar.gz",
                    "resnet_v2_152.ckpt",
                    V1,
                    1,
                    INCEPTION,
                    299,
                    "resnet_v2_152/logits"),
            slim("vgg_16", TF_MODELS + "vgg_16_2016_08_28.tar.gz", "vgg_16.ckpt", V1, 0, VGG, 224, "vgg_16/fc8"),
            slim("vgg_19", TF_MODELS + "vgg_19_2016_08_28.tar.gz", "vgg_19.ckpt", V1, 0, VGG, 224, "vgg_19/fc8"),
            // MobileNets: the 224-pixel archive of each depth multiplier (nets/mobilenet_v1.md lists 4 sizes each)
            slim(
                    "mobilenet_v1",
                    MOBILENET_V1 + "mobilenet_v1_1.0_224.tgz",
                    "mobilenet_v1_1.0_224.ckpt",
                    V2,
                    1,
                    INCEPTION,
                    224,
                    "MobilenetV1/Logits"),
            slim(
                    "mobilenet_v1_075",
                    MOBILENET_V1 + "mobilenet_v1_0.75_224.tgz",
                    "mobilenet_v1_0.75_224.ckpt",
                    V2,
                    1,
                    INCEPTION,
                    224,
                    "MobilenetV1/Logits"),
            slim(
                    "mobilenet_v1_050",
                    MOBILENET_V1 + "mobilenet_v1_0.5_224.tgz",
                    "mobilenet_v1_0.5_224.ckpt",
                    V2,
                    1,
                    INCEPTION,
                    224,
                    "MobilenetV1/Logits"),
            slim(
                    "mobilenet_v1_025",
                    MOBILENET_V1 + "mobilenet_v1_0.25_224.tgz",
                    "mobilenet_v1_0.25_224.ckpt",
                    V2,
                    1,
                    INCEPTION,
                    224,
                    "MobilenetV1/Logits"),
            slim(
                    "mobilenet_v2",
                    MOBILENET_V2 + "mobilenet_v2_1.0_224.tgz",
                    "mobilenet_v2_1.0_224.ckpt",
                    V2,
                    1,
                    INCEPTION,
                    224,
                    "MobilenetV2/Logits"),
            slim(
                    "mobilenet_v2_140",
                    MOBILENET_V2 + "mobilenet_v2_1.4_224.tgz",
                    "mobilenet_v2_1.4_224.ckpt",
                    V2,
                    1,
                    INCEPTION,
                    224,
                    "MobilenetV2/Logits"));

    /** Checks the names, the URL, the class count against the offset and the head scopes. */
    public ZooCheckpoint {
        if (name == null || !name.matches("[a-z0-9_]+")) {
            throw new JacktfException(
                    "A zoo checkpoint's name is slim's nets_factory name such as inception_v3. Received: '" + name
                            + "'");
        }
        Objects.requireNonNull(url, "url");
        requirePlainName(archiveName(url), "archive name (the URL's last segment)");
        requirePlainName(checkpointName, "checkpointName");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(preprocessing, "preprocessing");
        if (labelsOffset != 0 && labelsOffset != 1) {
            throw new JacktfException(
                    "A zoo checkpoint's labelsOffset is 1 (a background class 0) or 0. Received: " + labelsOffset);
        }
        if (numClasses <= labelsOffset) {
            throw new JacktfException("A zoo checkpoint's numClasses must exceed its labelsOffset " + labelsOffset
                    + ". Received: " + numClasses);
        }
        if (evalImageSize < 1) {
            throw new JacktfException("A zoo checkpoint's evalImageSize must be positive. Received: " + evalImageSize);
        }
        headScopes = List.copyOf(headScopes);
        if (headScopes.isEmpty() || headScopes.stream().anyMatch(s -> s.isBlank() || s.endsWith("/"))) {
            throw new JacktfException(
                    "A zoo checkpoint's headScopes are scopes such as InceptionV3/Logits, the logits' "
                            + "first. Received: " + headScopes);
        }
    }

    /** An ImageNet entry of slim's table; its network is the registry's, when jacktf builds it. */
    private static ZooCheckpoint slim(
            String name,
            String url,
            String checkpointName,
            Checkpoint.Format format,
            int labelsOffset,
            Preprocessing preprocessing,
            int evalImageSize,
            String... headScopes) {
        return new ZooCheckpoint(
                name,
                Networks.find(name).orElse(null),
                URI.create(url),
                checkpointName,
                format,
                IMAGENET_CLASSES + labelsOffset,
                labelsOffset,
                preprocessing,
                evalImageSize,
                List.of(headScopes));
    }

    /** The archive's file name: the URL's last segment, e.g. {@code mobilenet_v1_1.0_224.tgz}. */
    public String archiveName() {
        return archiveName(url);
    }

    private static String archiveName(URI url) {
        String path = url.getPath() == null ? "" : url.getPath();
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** The network jacktf builds for this checkpoint, if it has a builder for it. */
    public Optional<NetworkType> networkType() {
        return Optional.ofNullable(network);
    }

    /** The scope of the logits, the first head scope, e.g. {@code InceptionV3/Logits}. */
    public String logitsScope() {
        return headScopes.get(0);
    }

    /** Whether its logits are ImageNet's 1000 classes after {@link #labelsOffset} (every entry of slim's). */
    public boolean imagenet() {
        return numClasses - labelsOffset == IMAGENET_CLASSES;
    }

    /**
     * The classes of {@code checkpoint}'s logits by this entry's convention: the length of the one rank-1
     * {@code biases} tensor under {@link #logitsScope()} ({@code resnet_v1_50/logits/biases},
     * {@code InceptionV3/Logits/Conv2d_1c_1x1/biases}, {@code vgg_16/fc8/biases}); empty when there is none.
     */
    public OptionalInt logitsClasses(Checkpoint checkpoint) {
        List<TensorInfo> biases = checkpoint.tensors().stream()
                .filter(t -> t.name().startsWith(logitsScope() + "/")
                        && t.name().endsWith("/biases")
                        && t.shape().length == 1)
                .toList();
        return biases.size() == 1 ? OptionalInt.of((int) biases.get(0).shape()[0]) : OptionalInt.empty();
    }

    /** slim's zoo checkpoints, one per nets_factory name, in slim's README's order of families. */
    public static List<ZooCheckpoint> slim() {
        return SLIM;
    }

    /** slim's zoo checkpoint of {@code name} (nets_factory's, case-insensitive), if the zoo has one. */
    public static Optional<ZooCheckpoint> find(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String key = name.toLowerCase(Locale.ROOT);
        return SLIM.stream().filter(z -> z.name.equals(key)).findFirst();
    }

    /** One of slim's zoo checkpoints by name ({@code inception_v3}, case-insensitive). */
    public static ZooCheckpoint byName(String name) {
        return find(name)
                .orElseThrow(() -> new JacktfException(
                        "Unknown zoo checkpoint. Received: '" + name + "', expected one of: " + names()));
    }

    /** The names of slim's zoo checkpoints, comma-separated, for messages and help texts. */
    public static String names() {
        return SLIM.stream().map(ZooCheckpoint::name).collect(Collectors.joining(", "));
    }

    private static void requirePlainName(String name, String field) {
        if (name == null || name.isBlank() || name.contains("/") || name.contains("\\") || name.startsWith(".")) {
            throw new JacktfException("A zoo checkpoint's " + field + " is a plain file name such as "
                    + "inception_v3.ckpt. Received: '" + name + "'");
        }
    }
}
