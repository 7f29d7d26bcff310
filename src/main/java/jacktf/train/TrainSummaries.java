package jacktf.train;

import jacktf.data.ImagePreprocessing;
import jacktf.model.ModelVariable;
import jacktf.traindir.TrainDir;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.summary.SummaryWriter;
import org.tensorflow.op.summary.WriteImageSummary;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;
import org.tensorflow.types.family.TType;

/** TensorBoard event files written by TF's own summary ops: the train dir and its {@code eval/}. */
final class TrainSummaries {
    private final Ops tf;
    final Placeholder<TInt64> step;
    final Placeholder<TFloat32> stepsPerSecond;
    final Placeholder<TFloat32> skippedImages;
    private final Operand<? extends TType> trainWriter;
    private final Operand<? extends TType> evalWriter;
    private final List<Op> createWriters = new ArrayList<>();
    private final List<Op> trainWrites = new ArrayList<>();
    private final List<Op> evalWrites = new ArrayList<>();
    final Placeholder<TFloat32> evalAccuracy;
    final Placeholder<TFloat32> evalCrossEntropy;
    /** Fed every step of the chief: whether this step writes the scalars. */
    final Placeholder<TBool> writeScalars;
    /** Fed every step of the chief: whether this step also writes histograms and images. */
    final Placeholder<TBool> writeAll;

    private final Placeholder<TString> graphDef;
    private final Op writeGraph;
    private final Op close;
    // Built once, on first use (after every summary is added): a new op per step would make
    // TensorFlow prepare a new executor for every run, seconds each.
    private Op stepOp;
    private Op evalOp;
    /** What every per-step summary waits for (the checks of {@code --check-numerics}), or empty. */
    private List<Op> after = List.of();

    TrainSummaries(Ops tf, Path trainDir) {
        this.tf = tf;
        this.step = tf.withName("step").placeholder(TInt64.class);
        this.stepsPerSecond = tf.withName("global_step_per_sec").placeholder(TFloat32.class);
        this.skippedImages = tf.withName("skipped_images").placeholder(TFloat32.class);
        this.trainWriter = writer(tf, "train_writer", TrainDir.of(trainDir).eventsDir());
        this.evalWriter = writer(tf, "eval_writer", TrainDir.of(trainDir).evalDir());
        this.evalAccuracy = tf.withName("eval_accuracy").placeholder(TFloat32.class);
        this.evalCrossEntropy = tf.withName("eval_cross_entropy").placeholder(TFloat32.class);
        evalWrites.add(scalar(evalWriter, "accuracy", evalAccuracy));
        evalWrites.add(scalar(evalWriter, "eval/Accuracy", evalAccuracy));
        evalWrites.add(scalar(evalWriter, "losses/cross_entropy", evalCrossEntropy));
        this.writeScalars = tf.withName("write_scalars").placeholder(TBool.class);
        this.writeAll = tf.withName("write_all").placeholder(TBool.class);
        this.graphDef = tf.withName("graph_def").placeholder(TString.class);
        // Opening the writers and writing the graph is one run, closing them another: each distinct run
        // costs TensorFlow a new executor (pruning and optimizing the whole graph: seconds for resnet_v1_50).
        this.writeGraph =
                tf.withControlDependencies(createWriters).summary.writeGraphSummary(trainWriter, step, graphDef);
        List<Op> closes = new ArrayList<>();
        for (Operand<? extends TType> w : List.of(trainWriter, evalWriter)) {
            Op flush = tf.summary.flushSummaryWriter(w);
            closes.add(tf.withControlDependencies(List.of(flush)).summary.closeSummaryWriter(w));
        }
        this.close = tf.withControlDependencies(closes).noOp();
        scalar(trainWriter, "global_step/sec", stepsPerSecond);
        scalar(trainWriter, "input/skipped_images", skippedImages);
    }

    /**
     * {@code value} when {@code write} is fed true; otherwise dead, so the summary op it feeds does not run (TF's
     * dataflow switch). Gating by a fed flag keeps one run for every step, with or without summaries.
     */
    private <T extends TType> Operand<T> when(Placeholder<TBool> write, Operand<T> value) {
        return gated().switchCond(value, write).outputTrue();
    }

    /**
     * Makes the per-step summaries added from now on wait for {@code checks}: a histogram of a NaN fails the
     * run by itself ("Nan in summary histogram"), and without the wait it would race the {@code CheckNumerics}
     * op that names where the NaN came from.
     */
    void after(Op checks) {
        this.after = List.of(checks);
    }

    private Ops gated() {
        return after.isEmpty() ? tf : tf.withControlDependencies(after);
    }

    private Operand<? extends TType> writer(Ops tf, String name, Path dir) {
        SummaryWriter writer = tf.withName(name).summary.summaryWriter(SummaryWriter.sharedName(name));
        createWriters.add(tf.summary.createSummaryFileWriter(
                writer, tf.constant(dir.toString()), tf.constant(10), tf.constant(5000), tf.constant(".v2")));
        return writer;
    }

    private Op scalar(Operand<? extends TType> writer, String tag, Operand<TFloat32> value) {
        if (writer != trainWriter) {
            return tf.summary.writeScalarSummary(writer, step, tf.constant(tag), value);
        }
        Op op = tf.summary.writeScalarSummary(writer, step, tf.constant(tag), when(writeScalars, value));
        trainWrites.add(op);
        return op;
    }

    void trainScalar(String tag, Operand<TFloat32> value) {
        scalar(trainWriter, tag, value);
    }

    void histograms(List<ModelVariable> variables, Map<String, ? extends Operand<?>> activations) {
        for (ModelVariable v : variables) {
            // Switched where the variable lives (a ref switch sits with its variable, on a ps task in a
            // cluster): a step without histograms moves no variable for them.
            Operand<TFloat32> value =
                    tf.identity(gated().refSwitch(v.variable(), writeAll).outputTrue());
            trainWrites.add(tf.summary.writeHistogramSummary(trainWriter, step, tf.constant(v.name()), value));
        }
        activations.forEach((name, value) -> trainWrites.add(tf.summary.writeHistogramSummary(
                trainWriter,
                step,
                tf.constant("activations/" + name),
                tf.dtypes.cast(when(writeAll, value), TFloat32.class))));
    }

    /**
     * A few input images as RGB: the preprocessing's scaling undone (vgg: means added back; inception: [-1, 1] to
     * [0, 255]).
     */
    void inputImages(Operand<TFloat32> images, ImagePreprocessing preprocessing) {
        Operand<TFloat32> rgb =
                tf.clipByValue(preprocessing.toRgb(tf, when(writeAll, images)), tf.constant(0f), tf.constant(255f));
        trainWrites.add(tf.summary.writeImageSummary(
                trainWriter,
                step,
                tf.constant("input_images"),
                tf.dtypes.cast(rgb, TUint8.class),
                tf.constant(new byte[] {(byte) 255, 0, 0, (byte) 255}),
                WriteImageSummary.maxImages(3L)));
    }

    /**
     * Every training summary, each written only when its flag is fed true: the scalars with {@link #writeScalars},
     * histograms and images with {@link #writeAll} (slim's --save_summaries_secs).
     */
    Op stepOp() {
        if (stepOp == null) {
            stepOp = tf.withControlDependencies(trainWrites).noOp();
        }
        return stepOp;
    }

    Op evalOp() {
        if (evalOp == null) {
            evalOp = tf.withControlDependencies(evalWrites).noOp();
        }
        return evalOp;
    }

    void open(Session session, byte[] serializedGraph) {
        if (serializedGraph.length == 0) {
            Session.Runner runner = session.runner();
            createWriters.forEach(runner::addTarget);
            runner.run();
            return;
        }
        try (TString g = TString.tensorOfBytes(NdArrays.scalarOfObject(serializedGraph));
                TInt64 s = TInt64.scalarOf(0)) {
            session.runner()
                    .feed(graphDef, g)
                    .feed(step, s)
                    .addTarget(writeGraph)
                    .run();
        }
    }

    /** Flushes and closes both writers, in one run. */
    void close(Session session) {
        session.run(close);
    }
}
