package jacktf.eval;

import jacktf.data.DatasetException;
import jacktf.data.ImageDataset;
import jacktf.data.InputPipeline;
import jacktf.model.Precision;
import jacktf.runtime.Batches;
import jacktf.runtime.TensorFlowRuntime;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;

/**
 * Takes an inner layer out: an endpoint's activations for every image of a dataset, as a .npy
 * with labels.tsv and files.tsv, and optionally a TensorBoard projector.
 */
public final class FeatureExtractor {
    private static final int SPRITE_THUMB = 32;

    private FeatureExtractor() {}

    /** Result of an extraction. */
    public record Extraction(String endpoint, long[] shape, Path npy) {}

    /**
     * Writes {@code endpoint}'s activations for every image of {@code dataset} to {@code output}.
     *
     * @param endpoint a slim endpoint name or alias ({@code resnet_v1_50/block4}, {@code conv4}); null: the network's
     *     pooled features ({@code global_pool}, MobileNet's {@code AvgPool_1a}, Inception-v3's {@code PreLogits})
     */
    public static Extraction extract(
            Path checkpointPath, String endpoint, ImageDataset dataset, Path output, boolean projector, int batchSize)
            throws IOException {
        TensorFlowRuntime.ensureLoaded(); // a missing platform names its Maven classifier, not an UnsatisfiedLinkError
        Files.createDirectories(output);
        try (EvaluationGraph eval = EvaluationGraph.open(checkpointPath, dataset, batchSize)) {
            Session session = eval.session;
            InputPipeline input = eval.input;
            // null: the network's pooled features (global_pool, MobileNet's AvgPool_1a, Inception-v3's PreLogits)
            String name = eval.tower
                    .endpoints()
                    .canonicalName(
                            endpoint != null
                                    ? endpoint
                                    : eval.checkpoint
                                            .modelSpec()
                                            .network(Precision.FP32)
                                            .featureEndpoint());
            Operand<TFloat32> activations =
                    eval.model.ops("extract").dtypes.cast(eval.tower.endpoints().get(name), TFloat32.class);
            List<float[]> rows = new ArrayList<>();
            List<Long> labels = new ArrayList<>();
            List<String> files = new ArrayList<>();
            long[][] perImageShape = new long[1][];
            Batches.runToEnd(
                    () -> session.runner()
                            .fetch(activations)
                            .fetch(input.labels())
                            .fetch(input.files()),
                    r -> {
                        TFloat32 values = (TFloat32) r.get(0);
                        long[] shape = values.shape().asArray();
                        perImageShape[0] = Arrays.copyOfRange(shape, 1, shape.length);
                        int size = (int) (values.shape().size() / shape[0]);
                        float[] all = new float[(int) values.shape().size()];
                        values.copyTo(DataBuffers.of(all));
                        for (int i = 0; i < shape[0]; i++) {
                            rows.add(Arrays.copyOfRange(all, i * size, (i + 1) * size));
                            labels.add(((TInt64) r.get(1)).getLong(i));
                            files.add(((TString) r.get(2)).getObject(i));
                        }
                    });
            long[] perImage = perImageShape[0];
            if (rows.isEmpty()) {
                throw new DatasetException("No image of " + dataset.size() + " could be decoded");
            }
            int size = rows.get(0).length;
            float[] data = new float[rows.size() * size];
            for (int i = 0; i < rows.size(); i++) {
                System.arraycopy(rows.get(i), 0, data, i * size, size);
            }
            long[] shape = new long[perImage.length + 1];
            shape[0] = rows.size();
            System.arraycopy(perImage, 0, shape, 1, perImage.length);
            Path npy = output.resolve("features.npy");
            Npy.writeFloat32(npy, shape, data);
            try (Writer l = Files.newBufferedWriter(output.resolve("labels.tsv"), StandardCharsets.UTF_8);
                    Writer f = Files.newBufferedWriter(output.resolve("files.tsv"), StandardCharsets.UTF_8)) {
                for (int i = 0; i < rows.size(); i++) {
                    l.write(labels.get(i) + "\t"
                            + dataset.classNames().get(labels.get(i).intValue()) + "\n");
                    f.write(files.get(i) + "\n");
                }
            }
            if (projector) {
                int channels = (int) shape[shape.length - 1];
                writeProjector(
                        output,
                        channels == size ? rows : spatialMeans(rows, channels),
                        labels,
                        files,
                        dataset.classNames());
            }
            return new Extraction(name, shape, npy);
        }
    }

    /** The projector wants vectors: a spatial endpoint is averaged over height and width (as global_pool). */
    private static List<float[]> spatialMeans(List<float[]> rows, int channels) {
        List<float[]> means = new ArrayList<>();
        for (float[] row : rows) {
            float[] mean = new float[channels];
            int positions = row.length / channels;
            for (int i = 0; i < row.length; i++) {
                mean[i % channels] += row[i] / positions;
            }
            means.add(mean);
        }
        return means;
    }

    /** The files TensorBoard's projector plugin reads: vectors, metadata, a sprite and its config. */
    private static void writeProjector(
            Path output, List<float[]> rows, List<Long> labels, List<String> files, List<String> classNames)
            throws IOException {
        Path dir = Files.createDirectories(output.resolve("projector"));
        try (Writer t = Files.newBufferedWriter(dir.resolve("tensors.tsv"), StandardCharsets.UTF_8);
                Writer m = Files.newBufferedWriter(dir.resolve("metadata.tsv"), StandardCharsets.UTF_8)) {
            m.write("label\tfile\n");
            for (int i = 0; i < rows.size(); i++) {
                StringBuilder line = new StringBuilder();
                for (float v : rows.get(i)) {
                    line.append(line.length() == 0 ? "" : "\t").append(v);
                }
                t.write(line + "\n");
                m.write(classNames.get(labels.get(i).intValue()) + "\t"
                        + Path.of(files.get(i)).getFileName() + "\n");
            }
        }
        int grid = (int) Math.ceil(Math.sqrt(rows.size()));
        BufferedImage sprite = new BufferedImage(grid * SPRITE_THUMB, grid * SPRITE_THUMB, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sprite.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        for (int i = 0; i < files.size(); i++) {
            BufferedImage image = null;
            try {
                image = ImageIO.read(Path.of(files.get(i)).toFile());
            } catch (IOException | RuntimeException unreadable) {
                // TF decoded it; Java's decoder may not (e.g. some progressive JPEGs): leave the cell black
            }
            if (image != null) {
                g.drawImage(
                        image, (i % grid) * SPRITE_THUMB, (i / grid) * SPRITE_THUMB, SPRITE_THUMB, SPRITE_THUMB, null);
            }
        }
        g.dispose();
        ImageIO.write(sprite, "png", dir.resolve("sprite.png").toFile());
        Files.writeString(
                dir.resolve("projector_config.pbtxt"),
                "embeddings {\n  tensor_name: \"features\"\n"
                        + "  tensor_path: \"tensors.tsv\"\n  metadata_path: \"metadata.tsv\"\n  sprite {\n"
                        + "    image_path: \"sprite.png\"\n    single_image_dim: " + SPRITE_THUMB
                        + "\n    single_image_dim: "
                        + SPRITE_THUMB + "\n  }\n}\n");
    }
}
