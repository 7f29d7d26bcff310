package jacktf.data;

/**
 * Where one example's record is in its TFRecord shard, as {@link TfRecordDataset} found it: what
 * {@code TFRecordDatasetV2} needs to read exactly that record, and the image size its
 * {@code tf.train.Example} declares (for {@code data check}).
 *
 * @param offset where the record's length field starts (in the uncompressed stream of a GZIP shard)
 * @param frameLength the record's bytes, framing included
 * @param compression the shard's compression
 * @param width {@code image/width}, or 0 when the example has none
 * @param height {@code image/height}, or 0 when the example has none
 */
public record TfRecordRef(long offset, long frameLength, TfRecordScan.Compression compression, int width, int height) {}
