package jacktf.cli;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns the exceptions a user causes (bad paths, bad checkpoints, bad values) into one clear
 * line and exit code 1; anything else keeps its stack trace, since that is a bug of ours.
 */
final class UserErrors implements IExecutionExceptionHandler {
  static final int USER_ERROR = 1;
  static final int INTERNAL_ERROR = 70;

  @Override
  public int handleExecutionException(Exception e, CommandLine cli, ParseResult parsed) {
    if (isUserError(e)) {
      cli.getErr().println("jacktf " + cli.getCommandName() + ": error: " + e.getMessage());
      return USER_ERROR;
    }
    cli.getErr().println("jacktf " + cli.getCommandName() + ": internal error (please report): " + e);
    e.printStackTrace(cli.getErr());
    return INTERNAL_ERROR;
  }

  static boolean isUserError(Throwable e) {
    return e instanceof IllegalArgumentException
        || e instanceof java.io.IOException
        || e instanceof java.io.UncheckedIOException
        || e instanceof jacktf.checkpoint.CheckpointException
        || e instanceof jacktf.config.JacktfException;
  }
}
