package jacktf.data;

import jacktf.config.JacktfException;

/** The training and validation parts of a dataset (validation may be empty). */
public record DatasetSplits(ImageDataset train, ImageDataset validation) {

    public ImageDataset get(String split) {
        return switch (split) {
            case "train" -> train;
            case "validation" -> validation;
            default -> throw new JacktfException("Unknown split '" + split + "'. Valid: train, validation");
        };
    }
}
