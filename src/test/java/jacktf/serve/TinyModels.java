package jacktf.serve;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;

/** Tiny SavedModels written by TF Java in the tests, with values a reader can compute by hand. */
final class TinyModels {
    private TinyModels() {}

    /**
     * "tiny": serving_default(image_bytes: string[-1]) -> probabilities = [scale x byte length] per
     * row; double(x: float[-1, 2]) -> y = 2x; mixed(n: int64[-1], flag: bool[-1]) -> m = 3n,
     * not_flag = !flag; read(path: string scalar) -> contents = the file's bytes; wait(ticket) ->
     * passed = ticket + a value signal(value) queued (blocking until there is one).
     */
    static void exportTiny(Path versionDir, float scale) throws IOException {
        try (Graph g = new Graph();
                Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            var bytes = tf.withName("image_bytes").placeholder(TString.class, Placeholder.shape(Shape.of(-1)));
            var scaleVar = tf.withName("scale").variable(tf.constant(scale));
            var length =
                    tf.math.mul(tf.dtypes.cast(tf.strings.stringLength(bytes), TFloat32.class), tf.identity(scaleVar));
            var probabilities = tf.withName("probabilities").expandDims(length, tf.constant(1));
            var x = tf.withName("x").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 2)));
            var y = tf.withName("y").math.mul(x, tf.constant(2f));
            var n = tf.withName("n").placeholder(TInt64.class, Placeholder.shape(Shape.of(-1)));
            var flag = tf.withName("flag").placeholder(TBool.class, Placeholder.shape(Shape.of(-1)));
            var m = tf.withName("m").math.mul(n, tf.constant(3L));
            var notFlag = tf.withName("not_flag").math.logicalNot(flag);
            var path = tf.withName("path").placeholder(TString.class, Placeholder.shape(Shape.scalar()));
            var contents = tf.withName("contents").io.readFile(path);
            // a gate: wait blocks inside the session run until signal puts a value in the queue
            var queue = tf.withName("gate").io.fifoQueue(List.of(TFloat32.class));
            var ticket = tf.withName("ticket").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
            @SuppressWarnings("unchecked")
            var opened = (Operand<TFloat32>) tf.io.queueDequeue(queue, List.of(TFloat32.class))
                    .components()
                    .get(0);
            var passed = tf.withName("passed").math.add(opened, ticket);
            var value = tf.withName("value").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
            var enqueue = tf.io.queueEnqueue(queue, List.of(value));
            var sent = tf.withName("sent")
                    .withControlDependencies(List.of(enqueue))
                    .identity(value);
            s.initialize();
            SavedModelBundle.exporter(versionDir.toString())
                    .withTags(SavedModelBundle.DEFAULT_TAG)
                    .withFunctions(
                            SessionFunction.create(
                                    Signature.builder()
                                            .key("serving_default")
                                            .input("image_bytes", bytes)
                                            .output("probabilities", probabilities)
                                            .build(),
                                    s),
                            SessionFunction.create(
                                    Signature.builder()
                                            .key("double")
                                            .input("x", x)
                                            .output("y", y)
                                            .build(),
                                    s),
                            SessionFunction.create(
                                    Signature.builder()
                                            .key("mixed")
                                            .input("n", n)
                                            .input("flag", flag)
                                            .output("m", m)
                                            .output("not_flag", notFlag)
                                            .build(),
                                    s),
                            SessionFunction.create(
                                    Signature.builder()
                                            .key("read")
                                            .input("path", path)
                                            .output("contents", contents)
                                            .build(),
                                    s),
                            SessionFunction.create(
                                    Signature.builder()
                                            .key("wait")
                                            .input("ticket", ticket)
                                            .output("passed", passed)
                                            .build(),
                                    s),
                            SessionFunction.create(
                                    Signature.builder()
                                            .key("signal")
                                            .input("value", value)
                                            .output("sent", sent)
                                            .build(),
                                    s))
                    .export();
        }
    }

    /**
     * "bad": good(x: float[-1, 1]) -> y = 3x, and "broken", the same function whose SignatureDef
     * then declares x as DT_INT32 (edited in saved_model.pb): the tidy-looking kind of model TF
     * Java's SavedModelBundle refuses as a whole.
     */
    static void exportWithABrokenSignature(Path versionDir) throws IOException {
        try (Graph g = new Graph();
                Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            var x = tf.withName("x").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 1)));
            var y = tf.withName("y").math.mul(x, tf.constant(3f));
            Signature good =
                    Signature.builder().key("good").input("x", x).output("y", y).build();
            Signature broken = Signature.builder()
                    .key("broken")
                    .input("x", x)
                    .output("y", y)
                    .build();
            SavedModelBundle.exporter(versionDir.toString())
                    .withTags(SavedModelBundle.DEFAULT_TAG)
                    .withFunctions(SessionFunction.create(good, s), SessionFunction.create(broken, s))
                    .export();
        }
        Path pb = versionDir.resolve("saved_model.pb");
        SavedModel model;
        try (InputStream in = Files.newInputStream(pb)) {
            model = SavedModel.parseFrom(in);
        }
        MetaGraphDef.Builder meta = model.getMetaGraphs(0).toBuilder();
        SignatureDef.Builder brokenDef = meta.getSignatureDefOrThrow("broken").toBuilder();
        brokenDef.putInputs(
                "x",
                brokenDef.getInputsOrThrow("x").toBuilder()
                        .setDtype(DataType.DT_INT32)
                        .build());
        meta.putSignatureDef("broken", brokenDef.build());
        Files.write(pb, model.toBuilder().setMetaGraphs(0, meta).build().toByteArray());
    }
}
