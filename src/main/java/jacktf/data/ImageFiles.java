package jacktf.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Set;

/**
 * Cheap checks of an image file from its header and trailer, without decoding: finds the
 * zero-byte, truncated, mislabelled and oversized files real datasets contain, and reports
 * width and height for statistics.
 */
public final class ImageFiles {
    /** Extensions a dataset folder is scanned for. */
    public static final Set<String> EXTENSIONS = Set.of("jpg", "jpeg", "png", "gif", "bmp");
    /** Larger images would take gigabytes to decode; they are reported instead. */
    public static final long MAX_PIXELS = 100_000_000L;

    private static final int HEADER_BYTES = 64 * 1024;
    /** Bytes at the end of a file searched for its end marker before a full forward scan. */
    private static final int END_WINDOW = 64 * 1024;

    private static final byte[] JPEG_EOI = {(byte) 0xff, (byte) 0xd9};
    /** IEND's length (0), type and CRC, the same in every PNG. */
    private static final byte[] PNG_IEND = {0, 0, 0, 0, 'I', 'E', 'N', 'D', (byte) 0xae, 0x42, 0x60, (byte) 0x82};
    /** Real JPEGs have a few dozen segments before the scan; more means a corrupt header. */
    private static final int MAX_JPEG_SEGMENTS = 10_000;

    private ImageFiles() {}

    /** What a file holds; {@code problem} is null for a usable image. */
    public record ImageInfo(Path file, String format, int width, int height, int channels, String problem) {
        /** True when the file passed every check and can be handed to the decoder. */
        public boolean usable() {
            return problem == null;
        }

        static ImageInfo bad(Path file, String format, String problem) {
            return new ImageInfo(file, format, 0, 0, 0, problem);
        }
    }

    /** True when the file name ends in one of {@link #EXTENSIONS} (any case). */
    public static boolean hasImageExtension(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot >= 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /**
     * Identifies the format and size of {@code file} from its header (and, for JPEG, its end-of-image
     * marker) without decoding it; an unusable file comes back with {@link ImageInfo#problem()} set
     * instead of an exception.
     */
    public static ImageInfo inspect(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size == 0) {
                return ImageInfo.bad(file, "?", "zero bytes");
            }
            ByteBuffer head = read(channel, 0, (int) Math.min(size, HEADER_BYTES));
            ByteBuffer tail = read(channel, Math.max(0, size - 16), (int) Math.min(size, 16));
            ImageInfo info = identify(file, channel, head, tail, size);
            if (info.usable() && (long) info.width() * info.height() > MAX_PIXELS) {
                return ImageInfo.bad(
                        file,
                        info.format(),
                        "too large to decode: " + info.width() + "x" + info.height() + " pixels (limit "
                                + MAX_PIXELS / 1_000_000 + " megapixels)");
            }
            if (info.usable() && (info.width() <= 0 || info.height() <= 0)) {
                return ImageInfo.bad(file, info.format(), "has no pixels (" + info.width() + "x" + info.height() + ")");
            }
            return info;
        } catch (IOException e) {
            return ImageInfo.bad(file, "?", "cannot be read: " + e.getMessage());
        }
    }

    private static ByteBuffer read(FileChannel channel, long offset, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length);
        while (b.hasRemaining() && channel.read(b, offset + b.position()) > 0) {
            // keep reading
        }
        return b.flip();
    }

    private static ImageInfo identify(Path file, FileChannel channel, ByteBuffer head, ByteBuffer tail, long size)
            throws IOException {
        int b0 = head.remaining() > 0 ? head.get(0) & 0xff : -1;
        int b1 = head.remaining() > 1 ? head.get(1) & 0xff : -1;
        if (b0 == 0xff && b1 == 0xd8) {
            return jpeg(file, channel, head, size);
        }
        if (head.remaining() >= 24 && head.getLong(0) == 0x89504e470d0a1a0aL) {
            return png(file, channel, head, size);
        }
        if (head.remaining() >= 10 && (startsWith(head, "GIF87a") || startsWith(head, "GIF89a"))) {
            return gif(file, channel, head, tail, size);
        }
        if (head.remaining() >= 26 && b0 == 'B' && b1 == 'M') {
            head.order(ByteOrder.LITTLE_ENDIAN);
            long declared = head.getInt(2) & 0xffffffffL;
            int w = head.getInt(18);
            int h = Math.abs(head.getInt(22));
            return declared > size
                    ? ImageInfo.bad(file, "bmp", "truncated (" + size + " of " + declared + " bytes)")
                    : new ImageInfo(file, "bmp", w, h, 3, null);
        }
        String what = looksLikeText(head) ? "not an image (text)" : "not an image (unknown format)";
        return ImageInfo.bad(file, "?", what);
    }

    /**
     * A JPEG is usable when its frame header is readable and an end-of-image marker (FF D9) follows
     * the start of its scan. The marker need not be the file's last two bytes: libjpeg, which TF's
     * DecodeJpeg runs, stops reading at EOI and ignores what follows (camera motion photos append a
     * video, others padding or metadata). A file cut inside its scan has no EOI after the scan start,
     * and TF rejects it ("Invalid JPEG data or crop window"), so it is reported as truncated.
     */
    private static ImageInfo jpeg(Path file, FileChannel channel, ByteBuffer head, long size) throws IOException {
        long pos = 2;
        ImageInfo frame = null;
        // Segments are walked by their lengths: the first 64 KB hold them in nearly every file; large
        // EXIF/ICC segments push the frame header further, and those segment headers are read one by one.
        for (int segments = 0; pos + 4 <= size && segments < MAX_JPEG_SEGMENTS; segments++) {
            ByteBuffer segment = pos + 10 <= head.limit()
                    ? head.duplicate().position((int) pos).slice()
                    : read(channel, pos, (int) Math.min(10, size - pos));
            segment.order(ByteOrder.BIG_ENDIAN);
            if ((segment.get(0) & 0xff) != 0xff) {
                return ImageInfo.bad(file, "jpeg", "corrupt JPEG header");
            }
            int marker = segment.get(1) & 0xff;
            if (marker == 0xff) {
                pos++;
                continue;
            }
            int length = segment.getShort(2) & 0xffff;
            boolean sof = marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc;
            if (sof && segment.limit() >= 10 && frame == null) {
                int h = segment.getShort(5) & 0xffff;
                int w = segment.getShort(7) & 0xffff;
                int components = segment.get(9) & 0xff;
                if (components == 4) {
                    return ImageInfo.bad(file, "jpeg", "CMYK JPEG, unsupported (convert it to RGB)");
                }
                if (components != 1 && components != 3) {
                    return ImageInfo.bad(file, "jpeg", "JPEG with " + components + " colour components, unsupported");
                }
                frame = new ImageInfo(file, "jpeg", w, h, components, null);
            }
            if (marker == 0xd9 || marker == 0xda) {
                break;
            }
            pos += 2 + length;
        }
        // The frame header comes before the scan; without it the file is not usable.
        if (frame == null) {
            return ImageInfo.bad(
                    file,
                    "jpeg",
                    endOfImageAfter(channel, pos, size) >= 0
                            ? "corrupt JPEG header (no frame header)"
                            : "truncated JPEG");
        }
        return endOfImageAfter(channel, pos, size) >= 0
                ? frame
                : ImageInfo.bad(file, "jpeg", "truncated (no end-of-image marker after the image data)");
    }

    private static long endOfImageAfter(FileChannel channel, long from, long size) throws IOException {
        return lastOccurrenceAfter(channel, from, size, JPEG_EOI);
    }

    /**
     * Offset of the last {@code pattern} (an end marker) at or after {@code from}, or -1. Looks in the
     * file's last {@link #END_WINDOW} bytes first, where the end marker is in nearly every file (at the
     * very end, or before padding and small trailers), so the check stays a small read. Only when that
     * window has none (a truncated file, or a large trailer such as a motion photo's video) does it
     * read the rest of the file forward from {@code from}, bounded by the file size.
     */
    private static long lastOccurrenceAfter(FileChannel channel, long from, long size, byte[] pattern)
            throws IOException {
        long windowStart = Math.max(from, size - END_WINDOW);
        if (windowStart < size) {
            ByteBuffer window = read(channel, windowStart, (int) (size - windowStart));
            for (int i = window.limit() - pattern.length; i >= 0; i--) {
                if (matches(window, i, pattern)) {
                    return windowStart + i;
                }
            }
        }
        // Forward over [from, windowStart + pattern.length - 1): chunks overlap by pattern.length - 1
        // bytes, which also catches a pattern straddling the window's start.
        long end = Math.min(size, windowStart + pattern.length - 1);
        for (long offset = from;
                windowStart > from && offset + pattern.length <= end;
                offset += END_WINDOW - pattern.length + 1) {
            ByteBuffer chunk = read(channel, offset, (int) Math.min(END_WINDOW, end - offset));
            for (int i = 0; i + pattern.length <= chunk.limit(); i++) {
                if (matches(chunk, i, pattern)) {
                    return offset + i;
                }
            }
        }
        return -1;
    }

    private static boolean matches(ByteBuffer b, int at, byte[] pattern) {
        for (int j = 0; j < pattern.length; j++) {
            if (b.get(at + j) != pattern[j]) {
                return false;
            }
        }
        return true;
    }

    /**
     * A GIF is usable when its block structure reaches the trailer (0x3B). giflib, which TF's
     * DecodeGif runs, stops there and ignores trailing bytes; a file cut inside its blocks never
     * reaches it. When the last byte is the trailer (nearly every file) that suffices; otherwise the
     * blocks are walked, which reads the file (GIFs in datasets are small).
     */
    private static ImageInfo gif(Path file, FileChannel channel, ByteBuffer head, ByteBuffer tail, long size)
            throws IOException {
        head.order(ByteOrder.LITTLE_ENDIAN);
        int w = head.getShort(6) & 0xffff;
        int h = head.getShort(8) & 0xffff;
        ImageInfo image = new ImageInfo(file, "gif", w, h, 3, null);
        if ((tail.get(tail.limit() - 1) & 0xff) == 0x3b) {
            return image;
        }
        return reachesGifTrailer(read(channel, 0, (int) Math.min(size, Integer.MAX_VALUE - 8)))
                ? image
                : ImageInfo.bad(file, "gif", "truncated (no GIF trailer after the image data)");
    }

    /** Walks GIF89a's blocks: header, screen descriptor, colour tables, extensions, images, trailer. */
    private static boolean reachesGifTrailer(ByteBuffer b) {
        int pos = 13;
        int flags = b.get(10) & 0xff;
        if ((flags & 0x80) != 0) {
            pos += 3 << ((flags & 7) + 1); // global colour table
        }
        while (pos < b.limit()) {
            int introducer = b.get(pos) & 0xff;
            if (introducer == 0x3b) {
                return true;
            } else if (introducer == 0x21) { // extension: label, then sub-blocks
                pos = skipSubBlocks(b, pos + 2);
            } else if (introducer == 0x2c) { // image descriptor (10 bytes), local table, LZW code size, data
                if (pos + 10 > b.limit()) {
                    return false;
                }
                int imageFlags = b.get(pos + 9) & 0xff;
                pos += 10;
                if ((imageFlags & 0x80) != 0) {
                    pos += 3 << ((imageFlags & 7) + 1);
                }
                pos = skipSubBlocks(b, pos + 1);
            } else {
                return false;
            }
        }
        return false;
    }

    /** The offset after a chain of sub-blocks (length byte, data) ended by a zero length, or past the end. */
    private static int skipSubBlocks(ByteBuffer b, int pos) {
        while (pos < b.limit()) {
            int length = b.get(pos) & 0xff;
            pos += 1 + length;
            if (length == 0) {
                return pos;
            }
        }
        return Integer.MAX_VALUE;
    }

    /**
     * A PNG is usable when its IEND chunk is there; as with JPEG, libpng (TF's DecodePng) stops at
     * IEND and ignores trailing bytes, so IEND need not end the file.
     */
    private static ImageInfo png(Path file, FileChannel channel, ByteBuffer head, long size) throws IOException {
        head.order(ByteOrder.BIG_ENDIAN);
        int w = head.getInt(16);
        int h = head.getInt(20);
        int colourType = head.remaining() > 25 ? head.get(25) & 0xff : 2;
        int channels =
                switch (colourType) {
                    case 0 -> 1;
                    case 4 -> 2;
                    case 6 -> 4;
                    default -> 3;
                };
        boolean ends = lastOccurrenceAfter(channel, 8, size, PNG_IEND) >= 0;
        return ends
                ? new ImageInfo(file, "png", w, h, channels, null)
                : ImageInfo.bad(file, "png", "truncated (no IEND chunk)");
    }

    private static boolean startsWith(ByteBuffer b, String magic) {
        for (int i = 0; i < magic.length(); i++) {
            if (b.get(i) != magic.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean looksLikeText(ByteBuffer head) {
        int n = Math.min(head.limit(), 512);
        for (int i = 0; i < n; i++) {
            int c = head.get(i) & 0xff;
            if (c < 9 || (c > 13 && c < 32 && c != 27)) {
                return false;
            }
        }
        return true;
    }
}
