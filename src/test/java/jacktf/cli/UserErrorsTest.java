package jacktf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jacktf.checkpoint.CheckpointException;
import jacktf.config.ConfigException;
import jacktf.config.FrozenBatchNorm;
import jacktf.config.JacktfException;
import jacktf.config.LearningRateDecayType;
import jacktf.config.OptimizerType;
import jacktf.model.Head;
import jacktf.train.TrainConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Failures sorted by type: the user's are one line and exit 1, with flags for fields; bugs keep their trace. */
class UserErrorsTest {
    private record Handled(int exitCode, String err) {}

    private static Handled handle(Exception e, String... commandPath) {
        CommandLine cli = JacktfCommand.commandLine();
        for (String name : commandPath) {
            cli = cli.getSubcommands().get(name);
        }
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        int code = new UserErrors().handleExecutionException(e, cli, null);
        return new Handled(code, err.toString());
    }

    @Test
    void anIllegalArgumentExceptionIsABugWithItsStackTrace() {
        Handled h = handle(new IllegalArgumentException("index -1 out of range"), "train");
        assertEquals(70, h.exitCode());
        assertTrue(
                h.err()
                        .startsWith("jacktf train: internal error (please report): "
                                + "java.lang.IllegalArgumentException: index -1 out of range"),
                h.err());
        assertTrue(h.err().contains("\tat jacktf.cli.UserErrorsTest"), "stack trace in\n" + h.err());
    }

    @Test
    void theUsersFailuresAreOneLine() {
        for (Exception e : new Exception[] {
            new JacktfException("Nothing to train"),
            new CheckpointException(Path.of("/x/model.ckpt-5"), "no checkpoint here"),
            new UncheckedIOException(new NoSuchFileException("/x/labels.txt")),
            new IOException("disk full")
        }) {
            Handled h = handle(e, "eval");
            assertEquals(1, h.exitCode(), e.toString());
            assertEquals(1, h.err().lines().count(), h.err());
            assertTrue(h.err().startsWith("jacktf eval: error: " + e.getMessage()), h.err());
        }
    }

    @Test
    void aConfigExceptionNamesTheFlagInsteadOfTheField() {
        Handled h = handle(new ConfigException("learningRate", "a finite number > 0", -1f), "train");
        assertEquals(1, h.exitCode());
        assertEquals(
                "jacktf train: error: --learning-rate must be a finite number > 0. Received: -1.0",
                h.err().strip());
        // an option field named unlike its flag, a mixin's option, a conflict, a field the command names itself
        assertEquals("--train-image-size", flag("train", "imageSize"));
        assertEquals("--checkpoint-scope-map", flag("train", "scopeMap"));
        assertEquals("--cluster", flag("train", "replicas"));
        assertEquals("--opt-epsilon", flag("train", "epsilon"));
        assertEquals(
                "jacktf train: error: --epochs must be unset when --max-number-of-steps is set. Received: 2.0",
                handle(ConfigException.conflict("epochs", "maxNumberOfSteps", 2.0), "train")
                        .err()
                        .strip());
    }

    private static String flag(String command, String field) {
        return UserErrors.flagNames(JacktfCommand.commandLine()
                        .getSubcommands()
                        .get(command)
                        .getCommandSpec())
                .apply(field);
    }

    @Test
    void everyTrainConfigFieldHasAFlag() {
        var spec = JacktfCommand.commandLine().getSubcommands().get("train").getCommandSpec();
        var names = UserErrors.flagNames(spec);
        for (var component : TrainConfig.class.getRecordComponents()) {
            String field = component.getName();
            if (field.equals("model") || field.equals("optimizerParams") || field.equals("restoreOptions")) {
                continue; // given by --model (ModelOptions.model) and by several flags each
            }
            assertTrue(names.apply(field).startsWith("--"), field + " has no flag");
        }
    }

    @Test
    void flagsTakeTheSameTextAsBefore() {
        CommandLine cli = JacktfCommand.commandLine();
        CommandLine.ParseResult parsed = cli.parseArgs(
                "train",
                "--dataset-dir",
                "d",
                "--train-dir",
                "t",
                "--optimizer",
                "adam",
                "--learning-rate-decay-type",
                "cosine",
                "--frozen-bn",
                "train",
                "--head",
                "fc");
        TrainConfig config = ((TrainCommand) parsed.subcommand().commandSpec().userObject()).config();
        assertEquals(OptimizerType.ADAM, config.optimizer());
        assertEquals(LearningRateDecayType.COSINE, config.learningRateDecayType());
        assertEquals(FrozenBatchNorm.TRAIN, config.frozenBatchNorm());
        assertEquals(Head.FC, config.head());
    }
}
