package jacktf.data;

import java.nio.file.Path;

/**
 * Where one example's record is, as {@link TfRecordDataset} found it: what {@code TFRecordDatasetV2}
 * needs to read exactly that record, and the image size its {@code tf.train.Example} declares (for
 * {@code data check}).
 *
 * @param readFrom the file the input pipeline reads the record from: its shard, or for a GZIP shard the
 *     shard's unpacked copy ({@link UnpackedShards}), since TensorFlow can only reach an offset of a
 *     compressed stream by decompressing everything before it
 * @param offset where the record's length field starts in {@code readFrom}
 * @param frameLength the record's bytes, framing included
 * @param compression {@code readFrom}'s compression
 * @param width {@code image/width}, or 0 when the example has none
 * @param height {@code image/height}, or 0 when the example has none
 */
public record TfRecordRef(
        Path readFrom, long offset, long frameLength, TfRecordScan.Compression compression, int width, int height) {}
