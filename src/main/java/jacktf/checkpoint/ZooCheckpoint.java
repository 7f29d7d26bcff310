package jacktf.checkpoint;

import jacktf.config.JacktfException;
import jacktf.model.Architecture;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A checkpoint of TF-Slim's model zoo: the network it holds, the archive it is published in and
 * the checkpoint file inside that archive. The three ResNet-v1 entries are those of the
 * "Pre-trained Models" table in {@code research/slim/README.md} of tensorflow/models; {@link #of}
 * describes any other archive (a mirror's, or a test's).
 *
 * @param architecture the network whose variables the checkpoint must hold, e.g. {@link Architecture#RESNET_V1_50}
 * @param archiveName the archive's file name under the base URL, e.g. {@code resnet_v1_50_2016_08_28.tar.gz}
 * @param checkpointName the checkpoint inside the archive: a V1 file ({@code resnet_v1_50.ckpt}) or a V2
 *     prefix (its {@code .index} and {@code .data-*} files are taken)
 * @param numClasses the classes of the checkpoint's logits layer
 */
public record ZooCheckpoint(Architecture architecture, String archiveName, String checkpointName, int numClasses) {
    /**
     * slim's resnet_v1_50 (ImageNet, 1000 classes: slim's ResNet-v1 and VGG checkpoints have no
     * background class, hence {@code --labels_offset=1} in slim's eval instructions).
     */
    public static final ZooCheckpoint RESNET_V1_50 =
            of(Architecture.RESNET_V1_50, "resnet_v1_50_2016_08_28.tar.gz", "resnet_v1_50.ckpt", 1000);
    /** slim's resnet_v1_101 (ImageNet, 1000 classes). */
    public static final ZooCheckpoint RESNET_V1_101 =
            of(Architecture.RESNET_V1_101, "resnet_v1_101_2016_08_28.tar.gz", "resnet_v1_101.ckpt", 1000);
    /** slim's resnet_v1_152 (ImageNet, 1000 classes). */
    public static final ZooCheckpoint RESNET_V1_152 =
            of(Architecture.RESNET_V1_152, "resnet_v1_152_2016_08_28.tar.gz", "resnet_v1_152.ckpt", 1000);

    private static final List<ZooCheckpoint> SLIM = List.of(RESNET_V1_50, RESNET_V1_101, RESNET_V1_152);

    /** Checks that both file names are plain names (no directories) and the class count positive. */
    public ZooCheckpoint {
        Objects.requireNonNull(architecture, "architecture");
        requirePlainName(archiveName, "archiveName");
        requirePlainName(checkpointName, "checkpointName");
        if (numClasses < 1) {
            throw new JacktfException("A zoo checkpoint's numClasses must be at least 1. Received: " + numClasses);
        }
    }

    /** Any archive holding a checkpoint of {@code architecture}. */
    public static ZooCheckpoint of(
            Architecture architecture, String archiveName, String checkpointName, int numClasses) {
        return new ZooCheckpoint(architecture, archiveName, checkpointName, numClasses);
    }

    /** The zoo's name of this checkpoint: its network's scope, e.g. {@code resnet_v1_50}. */
    public String name() {
        return architecture.scope();
    }

    /** The ResNet-v1 checkpoints of slim's model zoo. */
    public static List<ZooCheckpoint> slim() {
        return SLIM;
    }

    /** One of slim's zoo checkpoints by name ({@code resnet_v1_50}, case-insensitive). */
    public static ZooCheckpoint byName(String name) {
        for (ZooCheckpoint z : SLIM) {
            if (z.name().equals(name.toLowerCase(Locale.ROOT))) {
                return z;
            }
        }
        throw new JacktfException("Unknown zoo checkpoint. Received: '" + name + "', expected one of: " + names());
    }

    /** The names of slim's zoo checkpoints, comma-separated, for messages and help texts. */
    public static String names() {
        return SLIM.stream().map(ZooCheckpoint::name).collect(Collectors.joining(", "));
    }

    private static void requirePlainName(String name, String field) {
        if (name == null || name.isBlank() || name.contains("/") || name.contains("\\") || name.startsWith(".")) {
            throw new JacktfException("A zoo checkpoint's " + field + " is a plain file name such as "
                    + "resnet_v1_50.ckpt. Received: '" + name + "'");
        }
    }
}
