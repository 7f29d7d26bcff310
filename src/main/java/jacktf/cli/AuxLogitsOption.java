package jacktf.cli;

import picocli.CommandLine.Option;

/**
 * {@code --no-aux-logits}, for every command that builds an Inception for training or measuring it: one option,
 * one help text ({@link ModelOptions} and {@code bench} take it as a mixin).
 */
final class AuxLogitsOption {
    @Option(
            names = "--no-aux-logits",
            description = "Build the Inceptions without AuxLogits, whose 5x5 pool needs at least 107 px and whose"
                    + " variables' shapes follow the image size (the zoo's are 299's); without them inception_v3 and"
                    + " inception_resnet_v2 build from 75 px.")
    boolean noAuxLogits;

    /** Whether the network builds its auxiliary logits. */
    boolean auxLogits() {
        return !noAuxLogits;
    }
}
