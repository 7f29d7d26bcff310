package jacktf.data;

import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.image.EncodeJpeg;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;

/** The bad-file matrix of real datasets, made on the fly. */
public final class TestImages {
    private TestImages() {}

    public static Path zeroBytes(Path file) throws IOException {
        return Files.write(file, new byte[0]);
    }

    public static Path truncatedJpeg(Path source, Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(source);
        return Files.write(file, Arrays.copyOf(bytes, bytes.length / 2));
    }

    public static Path textNamedJpg(Path file) throws IOException {
        return Files.writeString(file, "<html>404 not found</html>\n");
    }

    public static Path pngWithAlpha(Path file) throws IOException {
        BufferedImage image = new BufferedImage(40, 30, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 30; y++) {
            for (int x = 0; x < 40; x++) {
                image.setRGB(x, y, ((x * 6) << 24) | (200 << 16) | (x * 5 << 8) | y * 7);
            }
        }
        ImageIO.write(image, "png", file.toFile());
        return file;
    }

    public static Path png16Bit(Path file) throws IOException {
        BufferedImage image = new BufferedImage(40, 30, BufferedImage.TYPE_USHORT_GRAY);
        WritableRaster r = image.getRaster();
        for (int y = 0; y < 30; y++) {
            for (int x = 0; x < 40; x++) {
                r.setSample(x, y, 0, x * 1600);
            }
        }
        ImageIO.write(image, "png", file.toFile());
        return file;
    }

    /** A four-component (CMYK) JPEG, written from a raster as print workflows produce them. */
    public static Path cmykJpeg(Path file) throws IOException {
        WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 32, 32, 4, null);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                raster.setPixel(x, y, new int[] {x * 8, y * 8, 50, 20});
            }
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (OutputStream out = Files.newOutputStream(file);
                ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            writer.write(null, new IIOImage(raster, null, null), writer.getDefaultWriteParam());
        } finally {
            writer.dispose();
        }
        return file;
    }

    /** A lossless RGB PNG with the given pixels (row-major, 0xRRGGBB). */
    public static Path png(Path file, int width, int height, int[] rgb) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, width, height, rgb, 0, width);
        ImageIO.write(image, "png", file.toFile());
        return file;
    }

    /** The kinds of JPEG TF's {@code EncodeJpeg} writes that decoders treat differently. */
    public enum JpegKind {
        BASELINE_RGB,
        PROGRESSIVE_RGB,
        GRAYSCALE
    }

    /**
     * A photo-sized JPEG written by TensorFlow's own encoder ({@code EncodeJpeg}, libjpeg), for tests that need a
     * real-format JPEG and not a particular photo: smooth colour gradients with a disc, so the entropy-coded scan
     * is long like a photo's. Progressive and single-channel JPEGs are those a decoder most often gets wrong.
     */
    public static Path tfJpeg(Path file, int width, int height, JpegKind kind) throws IOException {
        int channels = kind == JpegKind.GRAYSCALE ? 1 : 3;
        byte[] pixels = new byte[height * width * channels];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                boolean disc =
                        (x - width / 2) * (x - width / 2) + (y - height / 2) * (y - height / 2) < height * height / 9;
                for (int c = 0; c < channels; c++) {
                    int v = disc ? 230 - c * 60 : (x * 255 / width + y * (c + 1) * 97 / height + ((x ^ y) & 7)) % 256;
                    pixels[(y * width + x) * channels + c] = (byte) v;
                }
            }
        }
        try (Graph g = new Graph();
                Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            Operand<TUint8> image = tf.constant(Shape.of(height, width, channels), DataBuffers.of(pixels, true, false));
            try (Result r = s.runner()
                    .fetch(tf.image.encodeJpeg(
                            image,
                            EncodeJpeg.format(kind == JpegKind.GRAYSCALE ? "grayscale" : "rgb"),
                            EncodeJpeg.progressive(kind == JpegKind.PROGRESSIVE_RGB),
                            EncodeJpeg.quality(90L)))
                    .run()) {
                return Files.write(file, ((TString) r.get(0)).asBytes().getObject());
            }
        }
    }
}
