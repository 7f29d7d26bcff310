package jacktf;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.train.MergeV2Checkpoints;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TString;

/**
 * Checkpoints in the formats TF 2.18 still writes, written at test time by TensorFlow's own save ops (never by
 * jacktf's saver), so a clone with nothing beside it tests its readers on real TF files: a V1 (TensorSlice)
 * single-file checkpoint by {@code SaveSlices}, the format of the 2016 slim model-zoo checkpoints; and a V2
 * checkpoint with two data shards, each shard written by {@code SaveV2} and the two merged by
 * {@code MergeV2Checkpoints}, as TF's sharded saver does. The expected contents are the values fed to those ops
 * ({@link #V1}, {@link #TWO_SHARDS}): independent of jacktf's reader, which the tests then check against them.
 * The files are written once per test JVM into a temporary folder, deleted when the JVM exits; tests copy them
 * before changing a byte.
 */
public final class TfWrittenCheckpoints {
    /** The V1 checkpoint's one file, in {@link #v1Dir()}. */
    public static final String V1_FILE = "model.ckpt-v1";

    /** The two-shard checkpoint's prefix in {@link #twoShardsDir()}, named by a {@code checkpoint} state file. */
    public static final String TWO_SHARDS_PREFIX = "model.ckpt-1";

    /**
     * One tensor fed to a save op: its name, dtype, shape, row-major values and (V2) the shard it went to.
     * Values are exact in the dtype (multiples of powers of two, or the float product written below).
     */
    public record Tensor(String name, DataType dtype, long[] shape, double[] values, int shard) {
        /** TF's dtype name as {@code jacktf inspect} prints it. */
        public String dtypeName() {
            return switch (dtype) {
                case DT_FLOAT -> "float32";
                case DT_DOUBLE -> "float64";
                case DT_INT32 -> "int32";
                case DT_INT64 -> "int64";
                default -> throw new IllegalArgumentException(dtype.toString());
            };
        }

        /** Dimensions joined by commas, empty for a scalar. */
        public String shapeString() {
            StringBuilder s = new StringBuilder();
            for (long d : shape) {
                s.append(s.length() == 0 ? "" : ",").append(d);
            }
            return s.toString();
        }

        /** Bytes of its data in a V2 shard: TF writes numeric tensors as their raw little-endian elements. */
        public long byteSize() {
            int element = dtype == DataType.DT_DOUBLE || dtype == DataType.DT_INT64 ? 8 : 4;
            return (long) values.length * element;
        }
    }

    /** What {@code SaveSlices} writes: two float scalars as in TF Serving's half_plus_two, a matrix, a step. */
    public static final List<Tensor> V1 = List.of(
            new Tensor("a", DataType.DT_FLOAT, new long[0], new double[] {0.5}, 0),
            new Tensor("b", DataType.DT_FLOAT, new long[0], new double[] {2.0}, 0),
            new Tensor("net/w", DataType.DT_FLOAT, new long[] {2, 3}, ramp(6, 0.25, -0.75), 0),
            new Tensor("global_step", DataType.DT_INT64, new long[0], new double[] {1}, 0));

    /**
     * What the two {@code SaveV2} ops write, in feed order within each shard (so shard 0's data file holds
     * global_step's 8 bytes, then train/loss's 4 at offset 8, then train/steps's 4 at offset 12).
     */
    public static final List<Tensor> TWO_SHARDS = List.of(
            new Tensor("global_step", DataType.DT_INT64, new long[0], new double[] {1}, 0),
            new Tensor("train/loss", DataType.DT_FLOAT, new long[0], new double[] {100}, 0),
            new Tensor("train/steps", DataType.DT_INT32, new long[0], new double[] {7}, 0),
            // Adam's beta1 power after two steps, computed in float32 as TF's optimizer does
            new Tensor("training/beta1_power", DataType.DT_FLOAT, new long[0], new double[] {0.9f * 0.9f}, 1),
            new Tensor("net/conv1/weights", DataType.DT_FLOAT, new long[] {3, 3, 2, 4}, ramp(72, 0.125, -4.5), 1),
            new Tensor("net/conv1/biases", DataType.DT_FLOAT, new long[] {4}, new double[] {-0.5, 0, 0.25, 1.5}, 1),
            new Tensor("net/logits/weights", DataType.DT_DOUBLE, new long[] {4, 3}, ramp(12, 0.0625, -0.5), 1),
            new Tensor("net/embedding", DataType.DT_FLOAT, new long[] {40, 16}, ramp(640, 1.0 / 64, -5), 1));

    private static Path root;
    private static Path v1Dir;
    private static Path twoShardsDir;

    private TfWrittenCheckpoints() {}

    /** The folder holding {@link #V1_FILE}, written by {@code SaveSlices}. */
    public static synchronized Path v1Dir() {
        if (v1Dir == null) {
            Path dir = folder("v1");
            try (Graph g = new Graph();
                    Session s = new Session(g)) {
                Ops tf = Ops.create(g);
                s.run(tf.train.saveSlices(
                        tf.constant(dir.resolve(V1_FILE).toString()),
                        strings(tf, V1.stream().map(Tensor::name).toArray(String[]::new)),
                        // "" saves each tensor whole, as tf.compat.v1.train.Saver(write_version=V1) does
                        strings(tf, V1.stream().map(t -> "").toArray(String[]::new)),
                        constants(tf, V1)));
            }
            v1Dir = dir;
        }
        return v1Dir;
    }

    /** The V1 checkpoint file. */
    public static Path v1File() {
        return v1Dir().resolve(V1_FILE);
    }

    /**
     * The folder holding {@link #TWO_SHARDS_PREFIX}{@code .index}, {@code .data-00000-of-00002} and
     * {@code .data-00001-of-00002}, and a {@code checkpoint} state file naming it.
     */
    public static synchronized Path twoShardsDir() {
        if (twoShardsDir == null) {
            Path dir = folder("two_shards");
            try (Graph g = new Graph();
                    Session s = new Session(g)) {
                Ops tf = Ops.create(g);
                // TF's sharded saver: each shard to a temporary prefix, then one merge that renames the data files
                // to <prefix>.data-0000i-of-00002 and writes the merged index.
                List<String> parts = new ArrayList<>();
                List<Op> saves = new ArrayList<>();
                for (int shard = 0; shard < 2; shard++) {
                    int i = shard;
                    List<Tensor> tensors =
                            TWO_SHARDS.stream().filter(t -> t.shard() == i).toList();
                    String part = dir.resolve(TWO_SHARDS_PREFIX + "_temp/part-0000" + shard + "-of-00002")
                            .toString();
                    parts.add(part);
                    saves.add(tf.train.save(
                            tf.constant(part),
                            strings(tf, tensors.stream().map(Tensor::name).toArray(String[]::new)),
                            strings(tf, tensors.stream().map(t -> "").toArray(String[]::new)),
                            constants(tf, tensors)));
                }
                s.run(tf.withControlDependencies(saves)
                        .train
                        .mergeV2Checkpoints(
                                strings(tf, parts.toArray(String[]::new)),
                                tf.constant(dir.resolve(TWO_SHARDS_PREFIX).toString()),
                                MergeV2Checkpoints.deleteOldDirs(true)));
            }
            // The state file is Python's (tf.train.Saver writes it, no op does): its two lines as TF writes them.
            write(
                    dir.resolve("checkpoint"),
                    "model_checkpoint_path: \"" + TWO_SHARDS_PREFIX + "\"\nall_model_checkpoint_paths: \""
                            + TWO_SHARDS_PREFIX + "\"\n");
            twoShardsDir = dir;
        }
        return twoShardsDir;
    }

    /** The two-shard checkpoint's prefix. */
    public static Path twoShardsPrefix() {
        return twoShardsDir().resolve(TWO_SHARDS_PREFIX);
    }

    /** The two-shard checkpoint's files, index first. */
    public static List<String> twoShardsFiles() {
        return List.of(
                TWO_SHARDS_PREFIX + ".index",
                TWO_SHARDS_PREFIX + ".data-00000-of-00002",
                TWO_SHARDS_PREFIX + ".data-00001-of-00002");
    }

    /** The tensor of that name in {@link #TWO_SHARDS}. */
    public static Tensor twoShards(String name) {
        return TWO_SHARDS.stream()
                .filter(t -> t.name().equals(name))
                .findFirst()
                .orElseThrow();
    }

    private static Operand<TString> strings(Ops tf, String[] values) {
        return tf.constant(Shape.of(values.length), DataBuffers.ofObjects(values));
    }

    private static List<Operand<?>> constants(Ops tf, List<Tensor> tensors) {
        List<Operand<?>> out = new ArrayList<>();
        for (Tensor t : tensors) {
            Shape shape = Shape.of(t.shape());
            double[] v = t.values();
            out.add(
                    switch (t.dtype()) {
                        case DT_FLOAT -> {
                            float[] f = new float[v.length];
                            for (int i = 0; i < v.length; i++) {
                                f[i] = (float) v[i];
                            }
                            yield tf.constant(shape, DataBuffers.of(f));
                        }
                        case DT_DOUBLE -> tf.constant(shape, DataBuffers.of(v.clone()));
                        case DT_INT32 -> {
                            int[] n = new int[v.length];
                            for (int i = 0; i < v.length; i++) {
                                n[i] = (int) v[i];
                            }
                            yield tf.constant(shape, DataBuffers.of(n));
                        }
                        case DT_INT64 -> {
                            long[] n = new long[v.length];
                            for (int i = 0; i < v.length; i++) {
                                n[i] = (long) v[i];
                            }
                            yield tf.constant(shape, DataBuffers.of(n));
                        }
                        default -> throw new IllegalArgumentException(t.dtype().toString());
                    });
        }
        return out;
    }

    /** {@code start + i * step} for i below n: exact in float32 for the steps used here. */
    private static double[] ramp(int n, double step, double start) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = start + i * step;
        }
        return v;
    }

    private static synchronized Path folder(String name) {
        try {
            if (root == null) {
                root = Files.createTempDirectory("jacktf-tf-written");
                Path r = root;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        MoreFiles.deleteRecursively(r, RecursiveDeleteOption.ALLOW_INSECURE);
                    } catch (IOException e) {
                        // a temporary folder left behind
                    }
                }));
            }
            return Files.createDirectories(root.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
