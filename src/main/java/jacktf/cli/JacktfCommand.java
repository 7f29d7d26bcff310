package jacktf.cli;

import java.io.PrintWriter;
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

  public static int execute(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new JacktfCommand());
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler(new UserErrors());
    return cli.execute(args);
  }
}
