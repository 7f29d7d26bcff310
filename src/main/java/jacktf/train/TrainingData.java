package jacktf.train;

import jacktf.config.ConfigException;
import jacktf.config.Defaults;
import jacktf.config.JacktfException;
import jacktf.data.DatasetSource;
import jacktf.data.DatasetSplits;
import jacktf.data.InputPipeline;
import java.io.IOException;
import java.util.List;

/**
 * The dataset of a run, checked against its config before anything is built: the splits, the
 * number of classes and the run's length in global steps.
 */
record TrainingData(DatasetSplits splits, int numClasses, long maxSteps) {

    /**
     * Loads the config's dataset ({@code dataset}, else the image folder or TFRecord shards in
     * {@code datasetDir}) and checks that it can train a classifier as configured.
     */
    static TrainingData load(TrainConfig config) throws IOException {
        DatasetSource source = config.dataset() != null ? config.dataset() : DatasetSource.of(config.datasetDir());
        DatasetSplits data = source.load(config.validationSplit(), config.seed());
        int numClasses = data.train().numClasses();
        if (config.numClasses() != null && config.numClasses() != numClasses) {
            throw new ConfigException(
                    "numClasses",
                    "the dataset's number of classes, " + numClasses + " "
                            + data.train().classNames() + " (leave it unset to use the dataset's)",
                    config.numClasses());
        }
        if (numClasses < 2) {
            throw new JacktfException("The dataset " + config.datasetDir() + " has one class "
                    + data.train().classNames()
                    + "; a classifier needs at least two: put each class's images in a folder of its own");
        }
        if (!config.cacheFeatures() && !InputPipeline.anyDecodable(data.train())) {
            throw new JacktfException("None of the " + data.train().size() + " training images in "
                    + source.description() + " can be decoded by TensorFlow, although their headers look right (first: "
                    + data.train().files().get(0) + "). Check that they are complete JPEG/PNG/BMP/GIF files.");
        }
        long maxSteps = config.maxNumberOfSteps() != null
                ? config.maxNumberOfSteps()
                : (long) Math.ceil((config.epochs() == null ? Defaults.EPOCHS_DEFAULT : config.epochs())
                        * data.train().size()
                        / config.batchSize());
        return new TrainingData(data, numClasses, maxSteps);
    }

    /** The class names, in label order. */
    List<String> classNames() {
        return splits.train().classNames();
    }
}
