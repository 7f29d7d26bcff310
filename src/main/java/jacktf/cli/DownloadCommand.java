package jacktf.cli;

import jacktf.checkpoint.PretrainedCheckpoints;
import jacktf.checkpoint.ZooCheckpoint;
import jacktf.config.JacktfException;
import jacktf.data.ImageNetLabels;
import jacktf.traindir.ModelInfo;
import jacktf.traindir.TrainDir;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code jacktf download}: a TF-Slim model-zoo checkpoint, fetched and checked (Keras' weights='imagenet'),
 * in its own directory with the files {@code predict}, {@code export} and {@code eval} read beside a
 * checkpoint: {@code labels.txt} (ImageNet's names from slim's label files, with the checkpoint's
 * background class) and {@code jacktf.properties} (the image size and preprocessing it was trained with).
 */
@Command(
        name = "download",
        mixinStandardHelpOptions = true,
        description = {
            "Fetch a TF-Slim model-zoo checkpoint into MODELS/NAME/ and check it: the archive's size (and"
                    + " --sha256 when given; slim publishes no hashes), the format, every tensor's checksum, the"
                    + " logits' classes and its variables against the network's. Unpacks only the checkpoint and"
                    + " deletes the archive. Beside it: labels.txt (ImageNet's class names from slim's label files,"
                    + " 0:background first for the 1001-class checkpoints) and jacktf.properties (its image size and"
                    + " preprocessing), so predict and export of the unchanged checkpoint name ImageNet's classes.",
            "A cut download resumes from its .part file when run again. Offline: put the archive and label files (the"
                    + " names the error gives) into the models directory by hand; this command then uses them."
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
            description = "A mirror: one directory holding the archives and slim's two ImageNet label files by their"
                    + " file names (default: each file's published address).")
    URI baseUrl;

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
        return download(
                ZooCheckpoint.byName(model),
                new PretrainedCheckpoints(modelsDir, baseUrl),
                sha256,
                spec.commandLine().getOut());
    }

    /**
     * Fetches and checks {@code zoo}'s checkpoint, then writes its labels and image settings beside it,
     * printing what it did to {@code out} (tests pass entries of their own here).
     */
    static int download(ZooCheckpoint zoo, PretrainedCheckpoints checkpoints, String sha256, PrintWriter out)
            throws IOException {
        BarListener listener = new BarListener(out);
        PretrainedCheckpoints.Result result;
        try {
            result = checkpoints.fetch(zoo, sha256, listener);
        } finally {
            listener.closeBar();
        }
        out.printf(
                "%s: %s%s; %s checkpoint, %d tensors (%d bytes), every checksum verified; %s%n",
                zoo.name(),
                result.checkpoint(),
                result.downloaded() ? "" : " (already there)",
                zoo.format(),
                result.tensors(),
                result.tensorBytes(),
                result.variables() > 0
                        ? "the " + result.variables() + " variables of " + zoo.name() + " with " + zoo.numClasses()
                                + " classes all present with their shapes"
                        : "logits with " + zoo.numClasses() + " classes (jacktf does not build " + zoo.name()
                                + " yet: its variable list is not checked)");
        if (sha256 != null && result.archiveBytes() == 0) {
            out.println("--sha256 was not checked: the checkpoint was already in place, without its archive");
        }
        TrainDir dir = TrainDir.of(checkpoints.checkpointDir(zoo));
        dir.writeModelInfo(ModelInfo.defaultsFor(zoo.name())); // the entry's eval size and preprocessing
        if (zoo.imagenet()) {
            List<String> names = imagenetNames(checkpoints, listener);
            dir.writeLabels(ImageNetLabels.withOffset(names, zoo.labelsOffset()));
            out.printf(
                    "%s: ImageNet's %d class names%s; %s: image size %d, %s preprocessing%n",
                    dir.labelsFile(),
                    ImageNetLabels.CLASSES,
                    zoo.labelsOffset() == 1 ? " after class 0, background" : "",
                    dir.modelInfoFile(),
                    zoo.evalImageSize(),
                    zoo.preprocessing());
        }
        out.printf(
                "Fine-tune it: jacktf train --model %s --checkpoint-path %s --num-classes N ... (with N other than"
                        + " %d, %s restore fresh: --checkpoint-exclude-scopes %s by default)%n",
                zoo.name(),
                result.checkpoint(),
                zoo.numClasses(),
                String.join(" and ", zoo.headScopes()),
                String.join(",", zoo.headScopes()));
        out.flush();
        return 0;
    }

    /**
     * ImageNet's names from slim's two label files, fetched into the models directory once (as slim's
     * imagenet.py fetches them) and kept there for the next checkpoint; files that are not slim's are removed.
     */
    private static List<String> imagenetNames(PretrainedCheckpoints checkpoints, BarListener listener)
            throws IOException {
        Path synsets = checkpoints.modelsDir().resolve(ImageNetLabels.SYNSETS_FILE);
        Path metadata = checkpoints.modelsDir().resolve(ImageNetLabels.METADATA_FILE);
        try {
            checkpoints.fetchFile(ImageNetLabels.SYNSETS_URL, synsets, listener);
            checkpoints.fetchFile(ImageNetLabels.METADATA_URL, metadata, listener);
        } finally {
            listener.closeBar();
        }
        try {
            return ImageNetLabels.read(synsets, metadata);
        } catch (IOException e) {
            Files.deleteIfExists(synsets);
            Files.deleteIfExists(metadata);
            throw new JacktfException(e.getMessage() + " (removed both label files: run again to fetch them afresh)");
        }
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
