/**
 * Datasets and their way into the graph: where labelled images come from
 * ({@link jacktf.data.DatasetSource}: an image folder through {@link jacktf.data.ImageFolder}, a
 * list of (file, label) pairs through {@link jacktf.data.ImageList}), the checks that keep unusable
 * files out ({@link jacktf.data.ImageFiles}), slim's preprocessing functions
 * ({@link jacktf.data.ImagePreprocessing}: {@code vgg_preprocessing}, {@code inception_preprocessing}), the in-graph
 * {@code tf.data} pipeline ({@link jacktf.data.InputPipeline}), synthetic datasets, and slim's
 * {@code labels.txt} format ({@link jacktf.data.Labels}), ImageNet's class names from slim's label files
 * ({@link jacktf.data.ImageNetLabels}), and slim's TFRecord datasets: written by
 * {@link jacktf.data.TfRecordConverter} ({@link jacktf.data.SlimExample}s framed by
 * {@link jacktf.data.TfRecordWriter}), their records found by {@link jacktf.data.TfRecordScan} and read
 * back as a dataset by {@link jacktf.data.TfRecordDataset} ({@link jacktf.data.DatasetSource#of} tells
 * shards from a folder).
 *
 * <p>Imports config, runtime and model only.
 */
package jacktf.data;
