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
    private final List<Op> scalarWrites = new ArrayList<>();
    private final List<Op> trainWrites = new ArrayList<>();
    private final List<Op> evalWrites = new ArrayList<>();
    final Placeholder<TFloat32> evalAccuracy;
    final Placeholder<TFloat32> evalCrossEntropy;
    private final Placeholder<TString> graphDef;
    private final Op writeGraph;
    // Built once, on first use (after every summary is added): a new op per step would make
    // TensorFlow prepare a new executor for every run, seconds each.
    private Op trainOp;
    private Op scalarsOp;
    private Op evalOp;

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
        this.graphDef = tf.withName("graph_def").placeholder(TString.class);
        this.writeGraph = tf.summary.writeGraphSummary(trainWriter, step, graphDef);
        scalar(trainWriter, "global_step/sec", stepsPerSecond);
        scalar(trainWriter, "input/skipped_images", skippedImages);
    }

    private Operand<? extends TType> writer(Ops tf, String name, Path dir) {
        SummaryWriter writer = tf.withName(name).summary.summaryWriter(SummaryWriter.sharedName(name));
        createWriters.add(tf.summary.createSummaryFileWriter(
                writer, tf.constant(dir.toString()), tf.constant(10), tf.constant(5000), tf.constant(".v2")));
        return writer;
    }

    Op scalar(Operand<? extends TType> writer, String tag, Operand<TFloat32> value) {
        Op op = tf.summary.writeScalarSummary(writer, step, tf.constant(tag), value);
        if (writer == trainWriter) {
            scalarWrites.add(op);
            trainWrites.add(op);
        }
        return op;
    }

    void trainScalar(String tag, Operand<TFloat32> value) {
        scalar(trainWriter, tag, value);
    }

    void histograms(List<ModelVariable> variables, Map<String, ? extends Operand<?>> activations) {
        for (ModelVariable v : variables) {
            trainWrites.add(tf.summary.writeHistogramSummary(
                    trainWriter, step, tf.constant(v.name()), tf.identity(v.variable())));
        }
        activations.forEach((name, value) -> trainWrites.add(tf.summary.writeHistogramSummary(
                trainWriter, step, tf.constant("activations/" + name), tf.dtypes.cast(value, TFloat32.class))));
    }

    /**
     * A few input images as RGB: the preprocessing's scaling undone (vgg: means added back; inception: [-1, 1] to
     * [0, 255]).
     */
    void inputImages(Operand<TFloat32> images, ImagePreprocessing preprocessing) {
        Operand<TFloat32> rgb = tf.clipByValue(preprocessing.toRgb(tf, images), tf.constant(0f), tf.constant(255f));
        trainWrites.add(tf.summary.writeImageSummary(
                trainWriter,
                step,
                tf.constant("input_images"),
                tf.dtypes.cast(rgb, TUint8.class),
                tf.constant(new byte[] {(byte) 255, 0, 0, (byte) 255}),
                WriteImageSummary.maxImages(3L)));
    }

    /** Every training summary: scalars, histograms, images (slim's --save_summaries_secs). */
    Op trainOp() {
        if (trainOp == null) {
            trainOp = tf.withControlDependencies(trainWrites).noOp();
        }
        return trainOp;
    }

    /** The cheap scalars alone, for smooth curves between full summaries. */
    Op scalarsOp() {
        if (scalarsOp == null) {
            scalarsOp = tf.withControlDependencies(scalarWrites).noOp();
        }
        return scalarsOp;
    }

    Op evalOp() {
        if (evalOp == null) {
            evalOp = tf.withControlDependencies(evalWrites).noOp();
        }
        return evalOp;
    }

    void open(Session session, byte[] serializedGraph) {
        createWriters.forEach(session::run);
        if (serializedGraph.length == 0) {
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

    void close(Session session) {
        session.run(tf.summary.flushSummaryWriter(trainWriter));
        session.run(tf.summary.flushSummaryWriter(evalWriter));
        session.run(tf.summary.closeSummaryWriter(trainWriter));
        session.run(tf.summary.closeSummaryWriter(evalWriter));
    }
}
