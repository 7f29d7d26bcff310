package jacktf.data;

import jacktf.config.ConfigException;
import jacktf.config.Preprocessing;
import jacktf.model.ModelGraph;
import jacktf.runtime.Sessions;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.ConcreteFunction;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.exceptions.TFOutOfRangeException;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.data.IgnoreErrorsDataset;
import org.tensorflow.op.data.IteratorGetNext;
import org.tensorflow.op.data.ParallelMapDataset;
import org.tensorflow.op.data.ShuffleDataset;
import org.tensorflow.op.io.ParseSingleExample;
import org.tensorflow.op.random.AnonymousSeedGenerator;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;
import org.tensorflow.types.family.TType;

/**
 * The input pipeline as raw tf.data ops in the model's graph: file names and labels, shuffled
 * (reshuffled every epoch, seeded), decoded and preprocessed by a parallel map, batched and
 * prefetched, and read through an iterator in the same graph, so images never pass through Java.
 * A file that fails to decode is skipped (and counted by the caller from what arrives).
 */
public final class InputPipeline {
    /** AUTOTUNE for parallelism and prefetch. */
    private static final long AUTOTUNE = -1;

    /**
     * How the examples are read.
     *
     * @param preprocessing slim's preprocessing function applied to each image ({@link #training} and
     *     {@link #evaluation} take vgg; {@link #withPreprocessing} another)
     */
    public record Config(
            int batchSize,
            int imageSize,
            boolean training,
            long seed,
            long epochs,
            boolean dropRemainder,
            int shards,
            int shardIndex,
            Preprocessing preprocessing) {
        public Config {
            if (batchSize < 1) {
                throw new ConfigException("batchSize", "at least 1", batchSize);
            }
            if (preprocessing == null) {
                throw new ConfigException("preprocessing", "one of " + Preprocessing.names(), null);
            }
            if (shards < 1 || shardIndex < 0 || shardIndex >= shards) {
                throw new IllegalArgumentException("shard " + shardIndex + " of " + shards);
            }
        }

        /** Only every {@code shards}-th element of the stream, starting at {@code index} (one worker's share). */
        public Config shard(int shards, int index) {
            return new Config(
                    batchSize, imageSize, training, seed, epochs, dropRemainder, shards, index, preprocessing);
        }

        /** The same reading with another preprocessing function. */
        public Config withPreprocessing(Preprocessing p) {
            return new Config(batchSize, imageSize, training, seed, epochs, dropRemainder, shards, shardIndex, p);
        }

        /** Augmented, shuffled, repeating forever, full batches only: for training. */
        public static Config training(int batchSize, int imageSize, long seed) {
            return new Config(batchSize, imageSize, true, seed, -1, true, 1, 0, Preprocessing.VGG);
        }

        /** One pass in file order with eval preprocessing, keeping the last partial batch. */
        public static Config evaluation(int batchSize, int imageSize) {
            return new Config(batchSize, imageSize, false, 0, 1, false, 1, 0, Preprocessing.VGG);
        }
    }

    private final Op initializer;
    private final Operand<TInt64> skip;
    private final Operand<TFloat32> images;
    private final Operand<TInt64> labels;
    private final Operand<TString> files;
    private final Operand<TInt64> indices;
    private final int size;

    private InputPipeline(
            Op initializer,
            Operand<TInt64> skip,
            Operand<TFloat32> images,
            Operand<TInt64> labels,
            Operand<TString> files,
            Operand<TInt64> indices,
            int size) {
        this.initializer = initializer;
        this.skip = skip;
        this.images = images;
        this.labels = labels;
        this.files = files;
        this.indices = indices;
        this.size = size;
    }

    public static InputPipeline build(ModelGraph graph, String scope, ImageDataset dataset, Config config) {
        if (dataset.size() == 0) {
            throw new DatasetException("The dataset has no usable images");
        }
        if (dataset.fromRecords()) {
            return fromRecords(graph, scope, dataset, config);
        }
        Ops tf = graph.ops(scope);
        Numbered numbered = numbered(
                tf,
                List.of(
                        tf.constant(NdArrays.vectorOfObjects(dataset.files().toArray(String[]::new))),
                        labels(tf, dataset)),
                List.of(TString.class, TInt64.class),
                List.of(Shape.scalar(), Shape.scalar()),
                dataset.size(),
                config);
        ConcreteFunction decode = ConcreteFunction.create(fn -> {
            Placeholder<TInt64> index = fn.placeholder(TInt64.class, Placeholder.shape(Shape.scalar()));
            Placeholder<TString> file = fn.placeholder(TString.class, Placeholder.shape(Shape.scalar()));
            Placeholder<TInt64> label = fn.placeholder(TInt64.class, Placeholder.shape(Shape.scalar()));
            Operand<TFloat32> processed = preprocessed(fn, fn.io.readFile(file), index, config);
            return elementSignature(fn, processed, label, file, index, index, file, label);
        });
        return decodedAndBatched(tf, numbered, decode, dataset.size(), config);
    }

    /**
     * The pipeline of a TFRecord dataset: one element per intact record (the scan found them), numbered,
     * shuffled and skipped exactly as a folder's files, so the same examples in the same order give the
     * same stream. Each element reads its one record alone ({@link #readRecord}), parses it as slim's
     * Example and decodes and preprocesses its image as a file's; a record that does not parse or decode
     * is dropped and shows as a missing index, as an undecodable file does.
     */
    private static InputPipeline fromRecords(ModelGraph graph, String scope, ImageDataset dataset, Config config) {
        Ops tf = graph.ops(scope);
        Numbered numbered = numbered(
                tf,
                recordColumns(tf, dataset),
                List.of(TString.class, TString.class, TInt64.class, TInt64.class, TString.class),
                List.of(Shape.scalar(), Shape.scalar(), Shape.scalar(), Shape.scalar(), Shape.scalar()),
                dataset.size(),
                config);
        ConcreteFunction decode = ConcreteFunction.create(fn -> {
            Placeholder<TInt64> index = fn.placeholder(TInt64.class, Placeholder.shape(Shape.scalar()));
            Placeholder<TString> id = fn.placeholder(TString.class, Placeholder.shape(Shape.scalar()));
            Placeholder<TString> shard = fn.placeholder(TString.class, Placeholder.shape(Shape.scalar()));
            Placeholder<TInt64> offset = fn.placeholder(TInt64.class, Placeholder.shape(Shape.scalar()));
            Placeholder<TInt64> length = fn.placeholder(TInt64.class, Placeholder.shape(Shape.scalar()));
            Placeholder<TString> compression = fn.placeholder(TString.class, Placeholder.shape(Shape.scalar()));
            ParseSingleExample example = parseSlimExample(fn, readRecord(fn, shard, offset, length, compression));
            @SuppressWarnings("unchecked")
            Operand<TString> encoded = (Operand<TString>) example.denseValues().get(0);
            @SuppressWarnings("unchecked")
            Operand<TInt64> label = (Operand<TInt64>) example.denseValues().get(1);
            Operand<TFloat32> processed = preprocessed(fn, encoded, index, config);
            return elementSignature(fn, processed, label, id, index, index, id, shard, offset, length, compression);
        });
        return decodedAndBatched(tf, numbered, decode, dataset.size(), config);
    }

    /**
     * Runs {@code decode} on every element in parallel (in order), drops the elements it fails on
     * (a file or record that does not decode: a missing index downstream), then batches.
     */
    private static InputPipeline decodedAndBatched(
            Ops tf, Numbered numbered, ConcreteFunction decode, int size, Config config) {
        Shape imageShape = Shape.of(config.imageSize(), config.imageSize(), 3);
        Operand<? extends TType> ds = tf.data.parallelMapDataset(
                numbered.dataset(),
                List.of(),
                tf.constant(AUTOTUNE),
                decode,
                elementTypes(),
                elementShapes(imageShape),
                ParallelMapDataset.deterministic("true"));
        ds = tf.data.ignoreErrorsDataset(
                ds, elementTypes(), elementShapes(imageShape), IgnoreErrorsDataset.logWarning(true));
        return batched(tf, ds, imageShape, numbered.skip(), size, config);
    }

    /**
     * An encoded image (a file's bytes or a record's {@code image/encoded}) decoded and preprocessed
     * with the configured preprocessing, its random draws seeded by the element's number: the one
     * place both paths choose it.
     */
    private static Operand<TFloat32> preprocessed(
            Ops fn, Operand<TString> encoded, Operand<TInt64> index, Config config) {
        ImagePreprocessing preprocessing = ImagePreprocessing.of(config.preprocessing(), config.imageSize());
        var image = VggPreprocessing.decode(fn, encoded);
        return config.training()
                ? preprocessing.train(fn, image, fn.stack(List.of(fn.constant(config.seed()), index)))
                : preprocessing.eval(fn, image);
    }

    /** (id, shard, offset, frame length, compression) per record: what {@link #readRecord} takes. */
    private static List<Operand<?>> recordColumns(Ops tf, ImageDataset dataset) {
        List<Example> examples = dataset.examples();
        return List.of(
                tf.constant(NdArrays.vectorOfObjects(dataset.files().toArray(String[]::new))),
                tf.constant(NdArrays.vectorOfObjects(examples.stream()
                        .map(e -> e.record().readFrom().toString())
                        .toArray(String[]::new))),
                tf.constant(
                        examples.stream().mapToLong(e -> e.record().offset()).toArray()),
                tf.constant(examples.stream()
                        .mapToLong(e -> e.record().frameLength())
                        .toArray()),
                tf.constant(NdArrays.vectorOfObjects(examples.stream()
                        .map(e -> e.record().compression().tfName())
                        .toArray(String[]::new))));
    }

    /**
     * The one record at {@code offset} of {@code shard}: TFRecordDatasetV2 started at that byte offset
     * (GZIP shards are read from their unpacked copies), its first element. Reading no further than the
     * record keeps a corrupt record behind it from mattering. The dataset lives inside the per-element
     * function on purpose: TF's kernel serializes a TFRecordDatasetV2 with 3 of its 4 inputs (it drops
     * {@code byte_offsets}), so one in the top-level pipeline fails MakeIterator's graph rewrite ("3 inputs
     * specified of 4"); one made per element is iterated directly and never serialized.
     */
    @SuppressWarnings("unchecked")
    private static Operand<TString> readRecord(
            Ops fn,
            Operand<TString> shard,
            Operand<TInt64> offset,
            Operand<TInt64> frameLength,
            Operand<TString> compression) {
        List<Class<? extends TType>> types = List.of(TString.class);
        List<Shape> shapes = List.of(Shape.scalar());
        // buffer: uncompressed, one read of exactly the record; GZIP, the compressed file's read size
        Operand<? extends TType> records = fn.data.tfRecordDataset(shard, compression, frameLength, offset);
        records = fn.data.takeDataset(records, fn.constant(1L), types, shapes);
        return (Operand<TString>) fn.data
                .datasetToSingleElement(records, types, shapes)
                .components()
                .get(0);
    }

    /** slim's TFExampleDecoder's view of a record: {@code image/encoded} (string) and {@code image/class/label}. */
    private static ParseSingleExample parseSlimExample(Ops fn, Operand<TString> serialized) {
        // empty defaults: both features are required, a record without them fails to parse and is dropped
        return fn.io.parseSingleExample(
                serialized,
                List.of(fn.constant(Shape.of(0), DataBuffers.ofObjects(String.class, 0)), fn.constant(new long[0])),
                0L,
                List.of(),
                List.of(SlimExample.ENCODED, SlimExample.LABEL),
                List.of(),
                List.of(Shape.scalar(), Shape.scalar()));
    }

    /**
     * Whether TensorFlow decodes at least one of the dataset's images. Training skips images that
     * fail to decode and repeats forever, so a dataset of which none decodes (they can all pass the
     * header checks, e.g. JPEGs with garbage entropy data) would spin without a single batch; this
     * finds out first. It stops at the first image that decodes, so on usable data it costs one image.
     */
    public static boolean anyDecodable(ImageDataset dataset) {
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            ConcreteFunction decode = dataset.fromRecords()
                    ? ConcreteFunction.create(fn -> {
                        Placeholder<TString> id = fn.placeholder(TString.class, Placeholder.shape(Shape.scalar()));
                        Placeholder<TString> shard = fn.placeholder(TString.class, Placeholder.shape(Shape.scalar()));
                        Placeholder<TInt64> offset = fn.placeholder(TInt64.class, Placeholder.shape(Shape.scalar()));
                        Placeholder<TInt64> length = fn.placeholder(TInt64.class, Placeholder.shape(Shape.scalar()));
                        Placeholder<TString> compression =
                                fn.placeholder(TString.class, Placeholder.shape(Shape.scalar()));
                        @SuppressWarnings("unchecked")
                        Operand<TString> encoded = (Operand<TString>)
                                parseSlimExample(fn, readRecord(fn, shard, offset, length, compression))
                                        .denseValues()
                                        .get(0);
                        return Signature.builder()
                                .input("id", id)
                                .input("shard", shard)
                                .input("offset", offset)
                                .input("length", length)
                                .input("compression", compression)
                                .output("shape", fn.shape(VggPreprocessing.decode(fn, encoded), TInt64.class))
                                .build();
                    })
                    : ConcreteFunction.create(fn -> {
                        Placeholder<TString> file = fn.placeholder(TString.class, Placeholder.shape(Shape.scalar()));
                        return Signature.builder()
                                .input("file", file)
                                .output(
                                        "shape",
                                        fn.shape(VggPreprocessing.decode(fn, fn.io.readFile(file)), TInt64.class))
                                .build();
                    });
            List<Class<? extends TType>> types = List.of(TInt64.class);
            List<Shape> shapes = List.of(Shape.of(3));
            List<Operand<?>> columns = dataset.fromRecords()
                    ? recordColumns(tf, dataset)
                    : List.of(
                            tf.constant(NdArrays.vectorOfObjects(dataset.files().toArray(String[]::new))));
            Operand<? extends TType> ds = tf.data.tensorSliceDataset(
                    columns, columns.stream().map(c -> Shape.scalar()).toList());
            ds = tf.data.mapDataset(ds, List.of(), decode, types, shapes);
            ds = tf.data.ignoreErrorsDataset(ds, types, shapes);
            ds = tf.data.takeDataset(ds, tf.constant(1L), types, shapes);
            var iterator = tf.data.iterator("", "", types, shapes);
            Op init = tf.data.makeIterator(ds, iterator);
            IteratorGetNext next = tf.data.iteratorGetNext(iterator, types, shapes);
            try (Session session = Sessions.open(graph)) {
                session.run(init);
                try (Result r = session.runner().fetch(next.components().get(0)).run()) {
                    return true;
                } catch (TFOutOfRangeException none) {
                    return false;
                }
            }
        }
    }

    /**
     * The same stream over precomputed feature vectors ({@code features}: one row of {@code dim}
     * floats per example, in the dataset's order) instead of image files: shuffled, repeated,
     * numbered and batched alike, for training a head on cached features.
     */
    public static InputPipeline ofFeatures(
            ModelGraph graph, String scope, ImageDataset dataset, float[] features, int dim, Config config) {
        if (dataset.size() == 0 || features.length != dataset.size() * dim) {
            throw new IllegalArgumentException("Need one feature row per example: " + dataset.size() + " examples, "
                    + features.length / Math.max(1, dim) + " rows");
        }
        Ops tf = graph.ops(scope);
        Shape row = Shape.of(dim);
        Numbered numbered = numbered(
                tf,
                List.of(
                        tf.constant(Shape.of(dataset.size(), dim), DataBuffers.of(features)),
                        tf.constant(NdArrays.vectorOfObjects(dataset.files().toArray(String[]::new))),
                        labels(tf, dataset)),
                List.of(TFloat32.class, TString.class, TInt64.class),
                List.of(row, Shape.scalar(), Shape.scalar()),
                dataset.size(),
                config);
        ConcreteFunction reorder = ConcreteFunction.create(fn -> {
            Placeholder<TInt64> index = fn.placeholder(TInt64.class, Placeholder.shape(Shape.scalar()));
            Placeholder<TFloat32> feature = fn.placeholder(TFloat32.class, Placeholder.shape(row));
            Placeholder<TString> file = fn.placeholder(TString.class, Placeholder.shape(Shape.scalar()));
            Placeholder<TInt64> label = fn.placeholder(TInt64.class, Placeholder.shape(Shape.scalar()));
            return elementSignature(fn, feature, label, file, index, index, feature, file, label);
        });
        Operand<? extends TType> ds =
                tf.data.mapDataset(numbered.dataset(), List.of(), reorder, elementTypes(), elementShapes(row));
        return batched(tf, ds, row, numbered.skip(), dataset.size(), config);
    }

    /** A stream of examples, shuffled when training, repeated, numbered over the whole stream, skippable. */
    private record Numbered(Operand<? extends TType> dataset, Operand<TInt64> skip) {}

    /**
     * (index, columns...) elements. The index seeds each element's augmentation, and skipping a
     * resumed run's consumed elements happens here, before any decoding.
     */
    private static Numbered numbered(
            Ops tf,
            List<Operand<?>> columns,
            List<Class<? extends TType>> types,
            List<Shape> shapes,
            int size,
            Config config) {
        Operand<? extends TType> ds = tf.data.tensorSliceDataset(columns, shapes);
        if (config.training()) {
            AnonymousSeedGenerator seeds = tf.random.anonymousSeedGenerator(
                    tf.constant(config.seed()), tf.constant(config.seed() + 1), tf.constant(true));
            ds = tf.data.shuffleDataset(
                    ds,
                    tf.constant((long) size),
                    tf.constant(config.seed()),
                    tf.constant(config.seed() + 1),
                    seeds.handle(),
                    types,
                    shapes,
                    ShuffleDataset.reshuffleEachIteration(true));
        }
        if (config.epochs() != 1) {
            ds = tf.data.repeatDataset(ds, tf.constant(config.epochs()), types, shapes);
        }
        List<Class<? extends TType>> indexedTypes = new ArrayList<>(List.of(TInt64.class));
        indexedTypes.addAll(types);
        List<Shape> indexedShapes = new ArrayList<>(List.of(Shape.scalar()));
        indexedShapes.addAll(shapes);
        Operand<? extends TType> indices = tf.data.rangeDataset(
                tf.constant(0L),
                tf.constant(Long.MAX_VALUE),
                tf.constant(1L),
                List.of(TInt64.class),
                List.of(Shape.scalar()));
        ds = tf.data.zipDataset(List.of(indices, ds), indexedTypes, indexedShapes);
        Operand<TInt64> skip = tf.withName("skip").placeholderWithDefault(tf.constant(0L), Shape.scalar());
        ds = tf.data.skipDataset(ds, skip, indexedTypes, indexedShapes);
        if (config.shards() > 1) {
            ds = tf.data.shardDataset(
                    ds,
                    tf.constant((long) config.shards()),
                    tf.constant((long) config.shardIndex()),
                    indexedTypes,
                    indexedShapes);
        }
        return new Numbered(ds, skip);
    }

    private static Operand<TInt64> labels(Ops tf, ImageDataset dataset) {
        return tf.constant(dataset.examples().stream().mapToLong(Example::label).toArray());
    }

    /** Every element leaves its map as (input, label, file, index). */
    private static Signature elementSignature(
            Ops fn,
            Operand<?> input,
            Operand<TInt64> label,
            Operand<TString> file,
            Operand<TInt64> index,
            Operand<?>... arguments) {
        Signature.Builder b = Signature.builder();
        String[] names = {"index", "a", "b", "c", "d", "e"};
        for (int i = 0; i < arguments.length; i++) {
            b.input(names[i], arguments[i]);
        }
        return b.output("input", fn.identity(input))
                .output("label_out", fn.identity(label))
                .output("file_out", fn.identity(file))
                .output("index_out", fn.identity(index))
                .build();
    }

    private static List<Class<? extends TType>> elementTypes() {
        return List.of(TFloat32.class, TInt64.class, TString.class, TInt64.class);
    }

    private static List<Shape> elementShapes(Shape input) {
        return List.of(input, Shape.scalar(), Shape.scalar(), Shape.scalar());
    }

    /** Batches (input, label, file, index) elements, prefetches, and reads them through an iterator in the graph. */
    @SuppressWarnings("unchecked")
    private static InputPipeline batched(
            Ops tf, Operand<? extends TType> ds, Shape input, Operand<TInt64> skip, int size, Config config) {
        long b = config.dropRemainder() ? config.batchSize() : -1;
        long[] inputDims = new long[input.numDimensions() + 1];
        inputDims[0] = b;
        System.arraycopy(input.asArray(), 0, inputDims, 1, input.numDimensions());
        List<Shape> batchShapes = List.of(Shape.of(inputDims), Shape.of(b), Shape.of(b), Shape.of(b));
        ds = tf.data.batchDataset(
                ds,
                tf.constant((long) config.batchSize()),
                tf.constant(config.dropRemainder()),
                elementTypes(),
                batchShapes);
        ds = tf.data.prefetchDataset(ds, tf.constant(AUTOTUNE), elementTypes(), batchShapes);
        var iterator = tf.data.iterator("", "", elementTypes(), batchShapes);
        Op init = tf.data.makeIterator(ds, iterator);
        IteratorGetNext next = tf.data.iteratorGetNext(iterator, elementTypes(), batchShapes);
        return new InputPipeline(
                init,
                skip,
                (Operand<TFloat32>) next.components().get(0),
                (Operand<TInt64>) next.components().get(1),
                (Operand<TString>) next.components().get(2),
                (Operand<TInt64>) next.components().get(3),
                size);
    }

    /** Run to (re)start reading from the first element. */
    public Op initializer() {
        return initializer;
    }

    /** Feed with {@link #initializer()} to start after this many elements (a resumed run's). */
    public Operand<TInt64> skip() {
        return skip;
    }

    /** float32 [B, S, S, 3], preprocessed (for a features pipeline: [B, dim] feature rows). */
    public Operand<TFloat32> images() {
        return images;
    }

    public Operand<TInt64> labels() {
        return labels;
    }

    public Operand<TString> files() {
        return files;
    }

    /**
     * Each element's number in the whole stream (epoch = number / size): a number missing from
     * what arrives is a file that failed to decode.
     */
    public Operand<TInt64> indices() {
        return indices;
    }

    /** Examples per epoch. */
    public int size() {
        return size;
    }
}
