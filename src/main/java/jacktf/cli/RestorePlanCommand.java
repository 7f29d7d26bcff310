package jacktf.cli;

import jacktf.checkpoint.Checkpoint;
import jacktf.checkpoint.CheckpointVariable;
import jacktf.checkpoint.RestorePlan;
import jacktf.config.JacktfException;
import jacktf.model.BatchNormPolicy;
import jacktf.model.ModelGraph;
import jacktf.model.Network;
import jacktf.train.TrainConfig;
import java.util.List;
import java.util.concurrent.Callable;
import org.tensorflow.Graph;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jacktf restore-plan}: what a warm start would restore, exclude, miss or reject. */
@Command(
        name = "restore-plan",
        mixinStandardHelpOptions = true,
        description = "Show what a warm start from a checkpoint would do with each variable of the model.")
final class RestorePlanCommand implements Callable<Integer> {

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    WarmStartOptions warmStart;

    @Option(names = "--verbose", description = "Also list restored variables and unused checkpoint entries.")
    boolean verbose;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (warmStart.checkpointPath == null) {
            throw new JacktfException("--checkpoint-path is required");
        }
        Network network = modelOptions.network();
        int size = network.defaultImageSize();
        try (Graph graph = new Graph();
                Checkpoint checkpoint = Checkpoint.open(warmStart.checkpointPath)) {
            ModelGraph modelGraph = ModelGraph.local(graph);
            network.apply(
                    modelGraph,
                    modelGraph.ops("").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, size, size, 3))),
                    BatchNormPolicy.inference());
            List<CheckpointVariable> targets = CheckpointVariable.modelVariables(modelGraph);
            // the head is excluded by default when the checkpoint's classes differ, as train decides it
            RestorePlan plan =
                    RestorePlan.create(targets, checkpoint, TrainConfig.withHeadDefault(warmStart.options(), network));
            spec.commandLine().getOut().print(plan.format(verbose));
            spec.commandLine().getOut().flush();
            plan.check();
        }
        return 0;
    }
}
