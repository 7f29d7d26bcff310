package jacktf.data;

import java.nio.file.Path;

/**
 * One labelled image: an image file, or one record of a TFRecord shard ({@code file} is then the
 * shard and {@code record} says where in it).
 *
 * @param file the image file, or the shard holding the record
 * @param label the class id
 * @param record where the example's {@code tf.train.Example} is in {@code file}, or null for an image file
 */
public record Example(Path file, int label, TfRecordRef record) {

    /** An image file. */
    public Example(Path file, int label) {
        this(file, label, null);
    }

    /**
     * What names the example in messages and in the input pipeline's {@code files} column: the file's
     * path, or {@code SHARD@OFFSET} for a record.
     */
    public String id() {
        return record == null ? file.toString() : file + "@" + record.offset();
    }
}
