package jacktf.data;

import jacktf.config.JacktfException;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Polygon;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.AffineTransform;
import java.awt.geom.Area;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Procedurally drawn JPEG datasets whose classes are learnable: each class is a shape, drawn at a
 * random place, size, rotation and colour on a noisy background. Classes taken from different
 * parts of the list are "related tasks" (same visual family), which is what a transfer-learning
 * demo needs. The same seed gives the same bytes.
 */
public final class SyntheticImages {
    /** The shapes, in class order. */
    public static final List<String> SHAPES = List.of(
            "circle",
            "square",
            "triangle",
            "cross",
            "ring",
            "star",
            "diamond",
            "hexagon",
            "crescent",
            "stripes",
            "dots",
            "arrow");

    /** Where files go: one folder per class, or Kaggle's flat {@code circle.17.jpg}. */
    public enum Layout {
        FOLDERS,
        FLAT
    }

    private SyntheticImages() {}

    /**
     * Writes {@code perClass} images for each of {@code classes} shapes starting at {@code firstClass}.
     * Returns the class names.
     */
    public static List<String> generate(
            Path output, int classes, int perClass, int size, long seed, int firstClass, Layout layout)
            throws IOException {
        if (classes < 1 || firstClass < 0 || firstClass + classes > SHAPES.size()) {
            throw new JacktfException("--classes and --first-class must pick within the " + SHAPES.size() + " shapes "
                    + SHAPES + ", got classes " + classes + " from " + firstClass);
        }
        if (perClass < 1 || size < 16 || size > 1024) {
            throw new JacktfException("--per-class must be >= 1 and --size in [16, 1024]");
        }
        List<String> names = SHAPES.subList(firstClass, firstClass + classes);
        Files.createDirectories(output);
        for (int c = 0; c < classes; c++) {
            String name = names.get(c);
            Path dir = layout == Layout.FOLDERS ? Files.createDirectories(output.resolve(name)) : output;
            for (int i = 0; i < perClass; i++) {
                Random random = new Random(mix(mix(mix(seed) + firstClass + c) + i));
                String file =
                        layout == Layout.FOLDERS ? String.format("%s_%04d.jpg", name, i) : name + "." + i + ".jpg";
                writeJpeg(draw(name, size, random), dir.resolve(file));
            }
        }
        return names;
    }

    /** SplitMix64's finaliser: nearby seeds must not give correlated images (java.util.Random's would). */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    static BufferedImage draw(String shape, int size, Random random) {
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        Color background = Color.getHSBColor(
                random.nextFloat(), 0.15f + 0.2f * random.nextFloat(), 0.75f + 0.25f * random.nextFloat());
        g.setColor(background);
        g.fillRect(0, 0, size, size);
        for (int i = 0; i < size / 2; i++) { // speckle noise
            g.setColor(Color.getHSBColor(random.nextFloat(), 0.3f, random.nextFloat()));
            int s = 1 + random.nextInt(Math.max(1, size / 32));
            g.fillRect(random.nextInt(size), random.nextInt(size), s, s);
        }
        // Large and near the centre: slim's training crops keep as little as 44% of each side.
        double extent = size * (0.6 + 0.3 * random.nextDouble());
        double cx = size / 2.0 + (random.nextDouble() - 0.5) * (size - extent) * 0.5;
        double cy = size / 2.0 + (random.nextDouble() - 0.5) * (size - extent) * 0.5;
        AffineTransform at = new AffineTransform();
        at.translate(cx, cy);
        at.rotate(random.nextDouble() * 2 * Math.PI);
        at.scale(extent / 2, extent / 2);
        g.setColor(Color.getHSBColor(
                random.nextFloat(), 0.7f + 0.3f * random.nextFloat(), 0.25f + 0.5f * random.nextFloat()));
        g.fill(at.createTransformedShape(unitShape(shape)));
        g.dispose();
        return image;
    }

    /** The shape in [-1, 1]^2. */
    private static Shape unitShape(String shape) {
        return switch (shape) {
            case "circle" -> new Ellipse2D.Double(-1, -1, 2, 2);
            case "square" -> new Rectangle2D.Double(-0.8, -0.8, 1.6, 1.6);
            case "triangle" -> polygon(3, 1, 0);
            case "cross" -> union(new Rectangle2D.Double(-1, -0.25, 2, 0.5), new Rectangle2D.Double(-0.25, -1, 0.5, 2));
            case "ring" -> minus(new Ellipse2D.Double(-1, -1, 2, 2), new Ellipse2D.Double(-0.55, -0.55, 1.1, 1.1));
            case "star" -> star(5, 1, 0.4);
            case "diamond" -> polygon(4, 1, 0);
            case "hexagon" -> polygon(6, 1, 0);
            case "crescent" -> minus(new Ellipse2D.Double(-1, -1, 2, 2), new Ellipse2D.Double(-0.5, -1.1, 2, 2));
            case "stripes" ->
                union(
                        union(new Rectangle2D.Double(-1, -1, 2, 0.4), new Rectangle2D.Double(-1, -0.2, 2, 0.4)),
                        new Rectangle2D.Double(-1, 0.6, 2, 0.4));
            case "dots" ->
                union(
                        union(new Ellipse2D.Double(-1, -1, 0.8, 0.8), new Ellipse2D.Double(0.2, -1, 0.8, 0.8)),
                        union(new Ellipse2D.Double(-1, 0.2, 0.8, 0.8), new Ellipse2D.Double(0.2, 0.2, 0.8, 0.8)));
            case "arrow" -> union(new Rectangle2D.Double(-1, -0.2, 1.2, 0.4), polygon(3, 0.8, 0.3));
            default -> throw new IllegalArgumentException("Unknown shape " + shape);
        };
    }

    private static Shape polygon(int corners, double radius, double dx) {
        Polygon p = new Polygon();
        for (int i = 0; i < corners; i++) {
            double a = 2 * Math.PI * i / corners - Math.PI / 2;
            p.addPoint((int) Math.round(1000 * (dx + radius * Math.cos(a))), (int)
                    Math.round(1000 * radius * Math.sin(a)));
        }
        return AffineTransform.getScaleInstance(0.001, 0.001).createTransformedShape(p);
    }

    private static Shape star(int points, double outer, double inner) {
        Polygon p = new Polygon();
        for (int i = 0; i < 2 * points; i++) {
            double r = i % 2 == 0 ? outer : inner;
            double a = Math.PI * i / points - Math.PI / 2;
            p.addPoint((int) Math.round(1000 * r * Math.cos(a)), (int) Math.round(1000 * r * Math.sin(a)));
        }
        return AffineTransform.getScaleInstance(0.001, 0.001).createTransformedShape(p);
    }

    private static Shape union(Shape a, Shape b) {
        Area area = new Area(a);
        area.add(new Area(b));
        return area;
    }

    private static Shape minus(Shape a, Shape b) {
        Area area = new Area(a);
        area.subtract(new Area(b));
        return area;
    }

    static void writeJpeg(BufferedImage image, Path file) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(0.92f);
        try (OutputStream out = Files.newOutputStream(file);
                ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
    }
}
