package jacktf.cli;

import jacktf.checkpoint.PretrainedCheckpoints;
import jacktf.checkpoint.ZooCheckpoint;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jacktf download}: a TF-Slim model-zoo checkpoint, fetched and checked (Keras' weights='imagenet'). */
@Command(
        name = "download",
        mixinStandardHelpOptions = true,
        description = {
            "Fetch a TF-Slim model-zoo checkpoint into the models directory and check it: the archive's size (and"
                    + " --sha256 when given; slim publishes no hashes), every tensor's checksum, and its variables"
                    + " against the network's. Unpacks only the checkpoint and deletes the archive.",
            "A cut download resumes from its .part file when run again. Offline: put the archive (the name the error"
                    + " gives) into the models directory by hand; this command then unpacks and checks it."
        })
final class DownloadCommand implements Callable<Integer> {

    @Parameters(
            paramLabel = "MODEL",
            description = "One of: ${COMPLETION-CANDIDATES}.",
            completionCandidates = Names.class)
    String model;

    @Option(
            names = "--models-dir",
            defaultValue = "models",
            paramLabel = "DIR",
            description = "Where the checkpoint goes (default: ${DEFAULT-VALUE}).")
    Path modelsDir;

    @Option(
            names = "--sha256",
            paramLabel = "HEX",
            description = "The archive's expected SHA-256: a mismatch removes the archive and fails.")
    String sha256;

    @Option(
            names = "--base-url",
            paramLabel = "URL",
            description = "Where the archives are: a mirror of the zoo (default: ${DEFAULT-VALUE}).")
    URI baseUrl = PretrainedCheckpoints.SLIM_BASE_URL;

    @Spec
    CommandSpec spec;

    /** The zoo's names for the help text. */
    static final class Names implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return ZooCheckpoint.slim().stream().map(ZooCheckpoint::name).iterator();
        }
    }

    @Override
    public Integer call() throws Exception {
        ZooCheckpoint zoo = ZooCheckpoint.byName(model);
        PretrainedCheckpoints checkpoints = new PretrainedCheckpoints(modelsDir, baseUrl);
        PrintWriter out = spec.commandLine().getOut();
        BarListener listener = new BarListener(out);
        PretrainedCheckpoints.Result result;
        try {
            result = checkpoints.fetch(zoo, sha256, listener);
        } finally {
            listener.closeBar();
        }
        out.printf(
                "%s: %s%s; %d tensors (%d bytes), every checksum verified; the %d variables of %s with %d classes"
                        + " all present with their shapes%n",
                zoo.name(),
                result.checkpoint(),
                result.downloaded() ? "" : " (already there)",
                result.tensors(),
                result.tensorBytes(),
                result.variables(),
                zoo.name(),
                zoo.numClasses());
        if (sha256 != null && result.archiveBytes() == 0) {
            out.println("--sha256 was not checked: the checkpoint was already in place, without its archive");
        }
        out.printf(
                "Fine-tune it: jacktf train --model %s --checkpoint-path %s --checkpoint-exclude-scopes %s/logits ...%n",
                zoo.name(), result.checkpoint(), zoo.name());
        out.flush();
        return 0;
    }

    /** A byte progress bar on a terminal; plain lines otherwise. */
    private static final class BarListener implements PretrainedCheckpoints.Listener {
        private final PrintWriter out;
        private ProgressBar bar;

        BarListener(PrintWriter out) {
            this.out = out;
        }

        @Override
        public void downloading(URI url, long from, long total) {
            out.println((from > 0 ? "Resuming " + url + " at byte " + from : "Downloading " + url)
                    + (total >= 0 ? " (" + total + " bytes)" : ""));
            out.flush();
            if (System.console() != null) {
                bar = new ProgressBarBuilder()
                        .setTaskName("download")
                        .setInitialMax(total)
                        .setUnit(" MB", 1 << 20)
                        .setStyle(ProgressBarStyle.ASCII)
                        .showSpeed()
                        .build();
                bar.stepTo(from);
            }
        }

        @Override
        public void progress(long bytes, long total) {
            if (bar != null) {
                bar.stepTo(bytes);
            }
        }

        @Override
        public void verifying(Path checkpoint) {
            closeBar();
            out.println("Checking " + checkpoint + ": every tensor's checksum, the variables against the network's");
            out.flush();
        }

        void closeBar() {
            if (bar != null) {
                bar.close();
                bar = null;
            }
        }
    }
}
