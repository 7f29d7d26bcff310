package jacktf.cli;

import jacktf.config.FrozenBatchNorm;
import jacktf.config.JacktfException;
import jacktf.config.LearningRateDecayType;
import jacktf.config.OptimizerType;
import jacktf.config.Preprocessing;
import jacktf.model.Head;
import jacktf.model.Precision;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code jacktf} command and its subcommands. */
@Command(
        name = "jacktf",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Fine-tune TF-Slim ResNet checkpoints from Java on real TensorFlow graphs.",
        subcommands = {
            DemoCommand.class,
            ModelCommand.class,
            InspectCommand.class,
            DataCommand.class,
            DownloadCommand.class,
            TrainCommand.class,
            EvalCommand.class,
            PredictCommand.class,
            ExtractCommand.class,
            ExportCommand.class,
            ServeCommand.class,
            BenchCommand.class,
            ReportCommand.class,
            RestorePlanCommand.class,
            CommandLine.HelpCommand.class
        })
public final class JacktfCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Runs the command line and returns the exit code; never calls System.exit. */
    public static int execute(String[] args) {
        return execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
    }

    /** Runs the command line with {@code out} and {@code err} as the streams and returns the exit code. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = commandLine();
        cli.setOut(out);
        cli.setErr(err);
        return cli.execute(args);
    }

    /** The command line with its converters and error handling, not yet run. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new JacktfCommand());
        // Flags name the enums' values as their byName does (lower case), whatever the constant's name.
        cli.registerConverter(OptimizerType.class, text -> convert(text, OptimizerType::byName));
        cli.registerConverter(LearningRateDecayType.class, text -> convert(text, LearningRateDecayType::byName));
        cli.registerConverter(FrozenBatchNorm.class, text -> convert(text, FrozenBatchNorm::byName));
        cli.registerConverter(Preprocessing.class, text -> convert(text, Preprocessing::byName));
        cli.registerConverter(Head.class, text -> convert(text, Head::byName));
        cli.registerConverter(Precision.class, text -> convert(text, Precision::byName));
        cli.setExecutionExceptionHandler(new UserErrors());
        cli.setDefaultValueProvider(JacktfCommand::plainDecimalDefault);
        return cli;
    }

    /**
     * Float defaults as people write them ({@code 0.0001}, not Java's {@code 1.0E-4}) in the help; the string
     * parses back to the same float, so the value is the field's own.
     */
    private static String plainDecimalDefault(CommandLine.Model.ArgSpec arg) {
        Object initial = arg.initialValue();
        if (initial instanceof Float || initial instanceof Double) {
            return new BigDecimal(initial.toString()).stripTrailingZeros().toPlainString();
        }
        return null; // the field's initial value, shown as picocli shows it
    }

    /** picocli shows a TypeConversionException's message as is, after the flag's name. */
    private static <T> T convert(String text, Function<String, T> byName) {
        try {
            return byName.apply(text);
        } catch (JacktfException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
