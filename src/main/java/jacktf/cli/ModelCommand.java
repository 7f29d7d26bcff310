package jacktf.cli;

import jacktf.config.JacktfException;
import jacktf.model.BatchNormPolicy;
import jacktf.model.ModelGraph;
import jacktf.model.ModelVariable;
import jacktf.model.Network;
import jacktf.model.Shapes;
import jacktf.model.Tower;
import java.io.PrintWriter;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jacktf model}: what a network looks like without running it. */
@Command(
        name = "model",
        mixinStandardHelpOptions = true,
        description = "List a network's variables (as tf.train.list_variables) or its endpoints.")
final class ModelCommand implements Callable<Integer> {

    @Mixin
    ModelOptions modelOptions;

    @ArgGroup(exclusive = true, multiplicity = "1")
    What what;

    static final class What {
        @Option(
                names = "--list-variables",
                required = true,
                description = "Print name<TAB>shape of every variable, sorted by name.")
        boolean variables;

        @Option(
                names = "--list-endpoints",
                required = true,
                description = "Print name<TAB>shape of every endpoint in build order.")
        boolean endpoints;
    }

    @Option(
            names = "--image-size",
            paramLabel = "PIXELS",
            description = "Input height and width (default: the network's default_image_size, e.g. 224, or 299 for "
                    + "inception_v3; AuxLogits' variables depend on it).")
    Integer imageSize;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Network network = modelOptions.network();
        int imageSize = this.imageSize == null ? network.defaultImageSize() : this.imageSize;
        if (imageSize < 1) {
            throw new JacktfException("--image-size must be positive. Received: " + imageSize);
        }
        network.checkImageSize(imageSize); // AuxLogits' minimum too, before any op is built
        PrintWriter out = spec.commandLine().getOut();
        try (Graph graph = new Graph()) {
            ModelGraph modelGraph = ModelGraph.local(graph);
            Operand<TFloat32> images = modelGraph
                    .ops("")
                    .withName("images")
                    .placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, imageSize, imageSize, 3)));
            Tower tower = network.apply(modelGraph, images, BatchNormPolicy.inference());
            if (what.variables) {
                long parameters = 0;
                for (ModelVariable v : modelGraph.variables().variables().stream()
                        .sorted(Comparator.comparing(ModelVariable::name))
                        .toList()) {
                    out.println(v.name() + "\t" + v.shapeString());
                    parameters += v.shape().size();
                }
                out.printf(
                        "# %d variables, %d parameters%n",
                        modelGraph.variables().variables().size(), parameters);
            } else {
                for (Map.Entry<String, ? extends Operand<?>> e :
                        tower.endpoints().asMap().entrySet()) {
                    out.println(e.getKey() + "\t" + Shapes.format(e.getValue().shape()));
                }
                out.printf(
                        "# %d endpoints at %dx%d%n", tower.endpoints().asMap().size(), imageSize, imageSize);
            }
        }
        out.flush();
        return 0;
    }
}
