package jacktf.cli;

import jacktf.checkpoint.RestoreOptions;
import jacktf.model.ScopeSet;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The warm-start flags, named as slim's train_image_classifier.py names them. */
final class WarmStartOptions {
    @Option(
            names = "--checkpoint-path",
            paramLabel = "CKPT",
            description = "Checkpoint to warm-start from (V1 file, V2 prefix or train dir).")
    Path checkpointPath;

    @Option(
            names = "--checkpoint-exclude-scopes",
            paramLabel = "a,b",
            description =
                    "Variables starting with these scopes are not restored (they start fresh). Default for train and restore-plan:"
                            + " the network's head (e.g. InceptionV3/Logits,InceptionV3/AuxLogits) when the checkpoint's"
                            + " logits have other classes than --num-classes, else none.")
    String excludeScopes;

    @Option(
            names = "--checkpoint-scope-map",
            paramLabel = "old/:new/,...",
            description = "Read model variables under NEW from checkpoint entries under OLD.")
    String scopeMap;

    @Option(
            names = "--ignore-missing-vars",
            description = "Variables missing from the checkpoint start fresh (warning) instead of failing.")
    boolean ignoreMissingVars;

    RestoreOptions options() {
        return new RestoreOptions(
                ScopeSet.parse(excludeScopes).scopes(), RestoreOptions.parseScopeMap(scopeMap), ignoreMissingVars);
    }
}
