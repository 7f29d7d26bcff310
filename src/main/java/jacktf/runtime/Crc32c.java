package jacktf.runtime;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * CRC-32C as TensorFlow and LevelDB store it: masked, so a CRC of data holding CRCs stays strong. The one
 * copy for checkpoints (table blocks, tensor data) and TFRecord framing.
 */
public final class Crc32c {
    private static final int MASK_DELTA = 0xa282ead8;

    private Crc32c() {}

    /** TF's mask of a CRC. */
    public static int mask(int crc) {
        return ((crc >>> 15) | (crc << 17)) + MASK_DELTA;
    }

    /** The CRC behind a masked one. */
    public static int unmask(int masked) {
        int rot = masked - MASK_DELTA;
        return (rot >>> 17) | (rot << 15);
    }

    /** The (unmasked) CRC-32C of the buffer's remaining bytes; the buffer's position is unchanged. */
    public static int of(ByteBuffer data) {
        CRC32C crc = new CRC32C();
        crc.update(data.duplicate());
        return (int) crc.getValue();
    }
}
