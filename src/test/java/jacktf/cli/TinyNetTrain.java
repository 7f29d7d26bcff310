package jacktf.cli;

import jacktf.model.TinyNet;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * {@code jacktf train} on {@link TinyNet} instead of a slim network, for tests that run training
 * in other processes (SIGTERM, clusters): the train command's own flags, progress output, Ctrl-C
 * handling and error reporting, with only the architecture swapped (the CLI names slim's networks
 * alone). A ps task builds no network: it runs as {@code jacktf train} does.
 */
public final class TinyNetTrain {
    private TinyNetTrain() {}

    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the train command on TinyNet with {@code args}; returns its exit code. */
    static int execute(String[] args, PrintWriter out, PrintWriter err) {
        TrainCommand command = new TrainCommand();
        CommandLine cli = new CommandLine(command);
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler(new UserErrors());
        cli.setExecutionStrategy(parsed -> {
            try {
                if (command.cluster() != null && !command.cluster().isWorker()) {
                    return command.call();
                }
                return command.train(
                        command.configBuilder().model(TinyNet.ARCHITECTURE).build());
            } catch (Exception e) {
                return new UserErrors().handleExecutionException(e, cli, parsed);
            }
        });
        return cli.execute(args);
    }
}
