package jacktf.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Where a training run's labelled images come from: an image folder ({@link ImageFolder#at}), slim's
 * TFRecord shards ({@link TfRecordDataset}), a list of (file, label) pairs ({@link ImageList}), or any
 * other source that can name its examples and their classes.
 */
public interface DatasetSource {
    /**
     * What {@code --dataset-dir} names: slim's TFRecord shards ({@link TfRecordDataset}) when the
     * directory holds any, else an image folder ({@link ImageFolder#at}). The one place that tells them apart.
     */
    static DatasetSource of(Path dir) throws IOException {
        return TfRecordDataset.holdsShards(dir) ? TfRecordDataset.at(dir) : ImageFolder.at(dir);
    }

    /**
     * The training and validation parts. A source without its own validation part holds out
     * {@code validationSplit} of each class, stratified and deterministic for {@code seed}
     * (as {@link ImageFolder#load} does); unusable files are kept aside in {@link ImageDataset#rejected()}.
     *
     * @param validationSplit the fraction of each class to hold out, in [0, 1)
     * @param seed the seed of the hold-out
     */
    DatasetSplits load(double validationSplit, long seed) throws IOException;

    /** What the source is, for messages: the folder's path, or "a list of 120 images". */
    String description();
}
