package jacktf.cli;

import jacktf.config.Defaults;
import jacktf.data.ImageFiles;
import jacktf.data.TfRecordConverter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jacktf data convert}: an image folder as TF-Slim's TFRecord shards and labels.txt. */
@Command(
        name = "convert",
        mixinStandardHelpOptions = true,
        description = {
            "Write an image folder as TF-Slim's TFRecord dataset: NAME_train_00000-of-0000N.tfrecord and"
                    + " NAME_validation_... shards of tf.train.Examples with slim's keys (image/encoded, image/format,"
                    + " image/class/label, image/height, image/width) and slim's labels.txt, as slim's"
                    + " download_and_convert_data.py writes them.",
            "Each split is shuffled with --seed; unusable files are skipped and listed."
        })
final class DataConvertCommand implements Callable<Integer> {
    @Parameters(
            paramLabel = "DIR",
            description = "DIR/<class>/*.jpg, DIR/{train,validation}/<class>/, or cat.1.jpg files.")
    Path dir;

    @Option(names = "--output", required = true, paramLabel = "OUT", description = "Where the shards go.")
    Path output;

    @Option(
            names = "--shards",
            defaultValue = "5",
            paramLabel = "N",
            description = "Shards per split (default: ${DEFAULT-VALUE}).")
    int shards;

    @Option(
            names = "--validation-split",
            defaultValue = "0.1",
            paramLabel = "F",
            description = "Fraction of each class held out for the validation shards, in [0, 1); ignored when DIR"
                    + " has train/ and validation/ folders (default: ${DEFAULT-VALUE}).")
    double validationSplit;

    @Option(
            names = "--seed",
            paramLabel = "N",
            description = "Seed of the hold-out and the shuffling (default: ${DEFAULT-VALUE}).")
    long seed = Defaults.SEED_DEFAULT;

    @Option(
            names = "--name",
            paramLabel = "NAME",
            description = "The shards' name prefix (default: DIR's name, in lower case).")
    String name;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        String prefix = name != null
                ? name
                : dir.toAbsolutePath().normalize().getFileName().toString().toLowerCase(Locale.ROOT);
        PrintWriter out = spec.commandLine().getOut();
        Bar bar = new Bar();
        TfRecordConverter.Result result;
        try {
            result = TfRecordConverter.convert(
                    dir, output, new TfRecordConverter.Options(prefix, shards, validationSplit, seed), bar);
        } finally {
            bar.close();
        }
        out.printf(
                "Wrote %d train and %d validation examples of %d classes %s to %s (%d + %d shards, %s)%n",
                result.trainExamples(),
                result.validationExamples(),
                result.classNames().size(),
                result.classNames(),
                output,
                result.trainShards().size(),
                result.validationShards().size(),
                result.labels().getFileName());
        if (!result.skipped().isEmpty()) {
            out.printf("Skipped %d unusable files:%n", result.skipped().size());
            for (ImageFiles.ImageInfo bad : result.skipped()) {
                out.println("  " + bad.file() + "\t" + bad.problem());
            }
        }
        out.flush();
        return 0;
    }

    /** A progress bar on a terminal, nothing otherwise. */
    private static final class Bar implements TfRecordConverter.Listener {
        private ProgressBar bar;

        @Override
        public void started(int total) {
            if (System.console() != null && total > 0) {
                bar = new ProgressBarBuilder()
                        .setTaskName("convert")
                        .setInitialMax(total)
                        .setStyle(ProgressBarStyle.ASCII)
                        .showSpeed()
                        .build();
            }
        }

        @Override
        public void converted(int done, int total) {
            if (bar != null) {
                bar.stepTo(done);
            }
        }

        void close() {
            if (bar != null) {
                bar.close();
            }
        }
    }
}
