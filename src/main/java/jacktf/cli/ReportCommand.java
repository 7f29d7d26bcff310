package jacktf.cli;

import jacktf.report.TrainingReport;
import jacktf.traindir.TrainDir;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jacktf report}: one self-contained HTML page about a training run. */
@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        description =
                "Write an HTML report of a train dir: curves, confusion matrix, samples, restore plan, frozen split.")
final class ReportCommand implements Callable<Integer> {
    @Parameters(paramLabel = "TRAIN_DIR")
    Path trainDir;

    @Option(names = "--output", paramLabel = "FILE", description = "Default: TRAIN_DIR/report.html.")
    Path output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Path written = TrainingReport.write(
                trainDir, output != null ? output : TrainDir.of(trainDir).reportFile());
        spec.commandLine().getOut().println("Wrote " + written);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
