package jacktf.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until the demo lands. */
@Command(name = "demo", mixinStandardHelpOptions = true, description = "Run the whole workflow on built-in data.")
final class DemoCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    return 0;
  }
}
