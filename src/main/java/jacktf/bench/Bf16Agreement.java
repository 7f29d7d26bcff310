package jacktf.bench;

import jacktf.data.ImageFolder;
import jacktf.model.BatchNormPolicy;
import jacktf.model.ModelGraph;
import jacktf.model.NetworkOptions;
import jacktf.model.Precision;
import jacktf.model.Tower;
import jacktf.runtime.Bf16SelfCheck;
import jacktf.runtime.Sessions;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * What a bf16 speed figure is worth: the top-1 class of the same network (same seeded weights, 1000 classes)
 * in bf16 and in fp32 on the benchmark's sample images (photo-sized JPEGs, resized, VGG means subtracted).
 * The weights are He-initialised, not trained: classes are nearer to ties than a trained model's, so this
 * agreement is a floor; a wrong kernel gives chance (0.1%).
 *
 * @param agreeing images whose top-1 class is the same in both precisions
 * @param images images compared
 */
public record Bf16Agreement(int agreeing, int images) {
    private static final float[] VGG_MEANS = {123.68f, 116.78f, 103.94f};

    /** The agreement for {@code config}'s model and image size; the bf16 self-check runs first. */
    public static Bf16Agreement measure(BenchConfig config) throws IOException {
        List<Path> files = ImageFolder.load(SampleImages.folder(config.work()), 0, 0).train().examples().stream()
                .map(e -> e.file())
                .toList();
        int size = config.imageSize();
        float[] pixels = new float[files.size() * size * size * 3];
        int at = 0;
        for (Path f : files) {
            BufferedImage resized = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = resized.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(ImageIO.read(f.toFile()), 0, 0, size, size, null);
            g.dispose();
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    int rgb = resized.getRGB(x, y);
                    pixels[at++] = ((rgb >> 16) & 0xFF) - VGG_MEANS[0];
                    pixels[at++] = ((rgb >> 8) & 0xFF) - VGG_MEANS[1];
                    pixels[at++] = (rgb & 0xFF) - VGG_MEANS[2];
                }
            }
        }
        try (Graph graph = new Graph()) {
            ModelGraph model = ModelGraph.local(graph);
            Ops tf = model.ops("agreement");
            Placeholder<TFloat32> images =
                    tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, size, size, 3)));
            Operand<TInt64> fp32 = top1(tf, model, config, Precision.FP32, images);
            Operand<TInt64> bf16 = top1(tf, model, config, Precision.BF16, images); // the same variables
            Bf16SelfCheck.requireAgreement(graph, "the benchmark's agreement");
            try (Session session = Sessions.open(graph);
                    TFloat32 batch = TFloat32.tensorOf(Shape.of(files.size(), size, size, 3), DataBuffers.of(pixels))) {
                session.run(model.initializer());
                try (var r = session.runner()
                        .feed(images, batch)
                        .fetch(fp32)
                        .fetch(bf16)
                        .run()) {
                    TInt64 a = (TInt64) r.get(0);
                    TInt64 b = (TInt64) r.get(1);
                    int agreeing = 0;
                    for (int i = 0; i < files.size(); i++) {
                        agreeing += a.getLong(i) == b.getLong(i) ? 1 : 0;
                    }
                    return new Bf16Agreement(agreeing, files.size());
                }
            }
        }
    }

    private static Operand<TInt64> top1(
            Ops tf, ModelGraph model, BenchConfig config, Precision precision, Operand<TFloat32> images) {
        Tower tower = config.model()
                .build(NetworkOptions.defaults()
                        .withNumClasses(1000)
                        .withPrecision(precision)
                        .withAuxLogits(config.auxLogits()))
                .apply(model, images, BatchNormPolicy.inference());
        return tf.math.argMax(tower.logits(), tf.constant(1));
    }

    /** The share of images that agree. */
    public double fraction() {
        return images == 0 ? 0 : (double) agreeing / images;
    }
}
