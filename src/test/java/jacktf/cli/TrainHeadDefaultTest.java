package jacktf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jacktf.checkpoint.RestoreOptions;
import jacktf.checkpoint.ZooCheckpoint;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code jacktf train --checkpoint-path ZOO --num-classes N}: the network's head scopes (the zoo table's,
 * from slim's fine-tuning scripts) reach the restore as the default exclude, which the restore plan applies
 * when the checkpoint's classes differ (HeadExcludeDefaultTest); a given --checkpoint-exclude-scopes wins.
 */
class TrainHeadDefaultTest {
    private static RestoreOptions restoreOptions(Path dir, String... extra) {
        String[] base = {
            "train",
            "--dataset-dir",
            dir.resolve("data").toString(),
            "--train-dir",
            dir.resolve("train").toString(),
            "--checkpoint-path",
            dir.resolve("models/resnet_v1_50/resnet_v1_50.ckpt").toString(),
            "--num-classes",
            "5"
        };
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        CommandLine cli = JacktfCommand.commandLine();
        CommandLine.ParseResult parsed = cli.parseArgs(args);
        TrainCommand train = (TrainCommand) parsed.subcommand().commandSpec().userObject();
        return train.config().restoreOptions();
    }

    @Test
    void theHeadOfTheZooEntryIsTheDefault(@TempDir Path dir) {
        RestoreOptions options = restoreOptions(dir);
        assertEquals(List.of(), options.excludeScopes());
        assertEquals(ZooCheckpoint.byName("resnet_v1_50").headScopes(), options.headScopes());
        assertEquals(List.of("resnet_v1_50/logits"), options.headScopes());
    }

    @Test
    void givenScopesAreKeptAsGiven(@TempDir Path dir) {
        RestoreOptions options = restoreOptions(dir, "--checkpoint-exclude-scopes", "resnet_v1_50/block4");
        assertEquals(List.of("resnet_v1_50/block4"), options.excludeScopes());
    }
}
