package jacktf.train;

import jacktf.cli.TinyNetTrain;
import jacktf.model.TinyNet;
import jacktf.testing.ChildJvm;
import java.nio.file.Path;
import java.util.List;

/**
 * One task of the cluster tests' jobs, as a user starts it: {@code jacktf train} with the cluster flags, warm-started
 * from TinyNet's pretrained checkpoint with a new head ({@code resnet_v1_tiny/logits} excluded from the restore), at
 * 32 px, batch-norm decay 0.9, a log line every step. A ps task builds no network and runs the train command as it
 * is; a worker runs it on TinyNet ({@link TinyNetTrain}).
 *
 * @param data the dataset every worker reads
 * @param warm the checkpoint every worker restores
 * @param cluster the {@code --cluster} value ({@code ps=HOST:PORT,...;worker=HOST:PORT,...})
 */
record ClusterTask(Path data, Path warm, String cluster) {
    /** The command line of task {@code task} of {@code job} ("ps" or "worker"), training into {@code trainDir}. */
    List<String> command(String maxHeap, String job, int task, Path trainDir, List<String> flags) {
        boolean ps = job.equals("ps");
        List<String> command = ChildJvm.command(
                List.of("-Xmx" + maxHeap),
                ps ? "jacktf.Main" : TinyNetTrain.class.getName(),
                ps ? List.of("train") : List.of());
        command.addAll(List.of(
                "--dataset-dir",
                data.toString(),
                "--train-dir",
                trainDir.toString(),
                "--train-image-size",
                "32",
                "--learning-rate-decay-type",
                "fixed",
                "--checkpoint-path",
                warm.toString(),
                "--checkpoint-exclude-scopes",
                TinyNet.SCOPE + "/logits",
                "--batch-norm-decay",
                "0.9",
                "--log-every-n-steps",
                "1",
                "--save-summaries-secs",
                "3600",
                "--cluster",
                cluster,
                "--job-name",
                job,
                "--task-index",
                String.valueOf(task)));
        command.addAll(flags);
        return command;
    }
}
