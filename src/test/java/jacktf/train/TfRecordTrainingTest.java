package jacktf.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jacktf.checkpoint.Checkpoint;
import jacktf.checkpoint.TensorInfo;
import jacktf.cli.JacktfCommand;
import jacktf.data.DatasetSource;
import jacktf.data.DatasetSplits;
import jacktf.data.ImageDataset;
import jacktf.data.ImageFiles;
import jacktf.data.ImageFolder;
import jacktf.data.SlimExample;
import jacktf.data.SyntheticImages;
import jacktf.data.TfRecordConverter;
import jacktf.data.TfRecordDataset;
import jacktf.data.TfRecordWriter;
import jacktf.eval.EvalReport;
import jacktf.eval.Evaluator;
import jacktf.traindir.TrainingPlan;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training and evaluation on slim's TFRecord shards, on TinyNet: the same images as a folder in the
 * same order train bit for bit the same (plain and GZIP shards), {@code data convert}'s shuffled
 * shards evaluate exactly as the folder and train within a stated tolerance of it, and a corrupt
 * record, a truncated shard, a record that is no Example and an undecodable image are named, skipped
 * and counted while training and resuming run to the end. The stream itself equals the folder's element
 * for element in the fast tier ({@code TfRecordDatasetTest}); the runs here are the slow tier but for the
 * damaged dataset.
 */
class TfRecordTrainingTest {

    /** The folder's images in the order ImageFolder reads them: class folders sorted by name, files sorted. */
    private static List<Path> folderOrder(Path data) throws IOException {
        try (Stream<Path> files = Files.walk(data)) {
            return files.filter(Files::isRegularFile).sorted().toList();
        }
    }

    /** The serialized slim Example of an image file, its label its class folder's index in {@code classes}. */
    private static byte[] example(Path image, List<String> classes) throws IOException {
        ImageFiles.ImageInfo info = ImageFiles.inspect(image);
        return SlimExample.serialize(
                Files.readAllBytes(image),
                info.format(),
                info.height(),
                info.width(),
                classes.indexOf(image.getParent().getFileName().toString()));
    }

    /** Writes {@code records} as one shard; returns each record's offset (12 + data + 4 bytes per record). */
    private static long[] writeShard(Path shard, List<byte[]> records) throws IOException {
        long[] offsets = new long[records.size()];
        long at = 0;
        try (TfRecordWriter w = TfRecordWriter.create(shard)) {
            for (int i = 0; i < records.size(); i++) {
                offsets[i] = at;
                w.write(records.get(i));
                at += 12 + records.get(i).length + 4;
            }
        }
        return offsets;
    }

    private static void labels(Path dir, List<String> classes) throws IOException {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < classes.size(); i++) {
            text.append(i).append(':').append(classes.get(i)).append('\n');
        }
        Files.writeString(dir.resolve("labels.txt"), text);
    }

    private static void gzip(Path from, Path to) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(to))) {
            out.write(Files.readAllBytes(from));
        }
    }

    @Test
    @Tag("slow")
    void theSameExamplesInTheSameOrderTrainAndEvaluateExactlyAsTheFolderPlainAndGzip(@TempDir Path dir)
            throws Exception {
        Path data = dir.resolve("data");
        SyntheticImages.generate(data, 2, 6, 32, 1, 0, SyntheticImages.Layout.FOLDERS);
        List<String> classes = List.of("circle", "square");
        List<Path> images = folderOrder(data);
        assertEquals(12, images.size());
        // Two train shards holding the folder's images in the folder's order: element i of the record
        // stream is then image i of the folder's, the seeded shuffle permutes the same 12 positions, and
        // each element's augmentation is seeded by its number, so every batch is the same.
        Path records = Files.createDirectories(dir.resolve("records"));
        Path gz = Files.createDirectories(dir.resolve("gz"));
        for (int shard = 0; shard < 2; shard++) {
            List<byte[]> part = new ArrayList<>();
            for (Path image : images.subList(shard * 6, shard * 6 + 6)) {
                part.add(example(image, classes));
            }
            String name = String.format("shapes_train_%05d-of-00002.tfrecord", shard);
            writeShard(records.resolve(name), part);
            gzip(records.resolve(name), gz.resolve(name + ".gz"));
        }
        labels(records, classes);
        labels(gz, classes);
        assertTrue(DatasetSource.of(records) instanceof TfRecordDataset);
        assertTrue(DatasetSource.of(gz) instanceof TfRecordDataset);

        TrainResult fromFolder = Trainer.create(
                        TinyRun.config(data, dir.resolve("t-folder"), 3).build())
                .train();
        TrainResult fromRecords = Trainer.create(
                        TinyRun.config(records, dir.resolve("t-records"), 3).build())
                .train();
        TrainResult fromGzip = Trainer.create(
                        TinyRun.config(gz, dir.resolve("t-gz"), 3).build())
                .train();
        assertSameTensors(fromFolder.checkpoint(), fromRecords.checkpoint());
        assertSameTensors(fromFolder.checkpoint(), fromGzip.checkpoint());

        ImageDataset folderTrain = ImageFolder.load(data, 0, 0).train();
        ImageDataset recordTrain = DatasetSource.of(gz).load(0, 0).train();
        assertEquals(12, recordTrain.size());
        assertEquals(classes, recordTrain.classNames());
        EvalReport a = Evaluator.evaluate(dir.resolve("t-folder"), folderTrain, 5, null);
        EvalReport b = Evaluator.evaluate(dir.resolve("t-gz"), recordTrain, 5, null);
        assertEquals(12, b.examples());
        assertEquals(a.accuracy(), b.accuracy());
        assertArrayEquals(a.confusion(), b.confusion());
        assertEquals(List.of(), b.undecodable());
    }

    @Test
    @Tag("slow")
    void convertedShardsEvaluateExactlyAsTheFolderAndTrainWithinTolerance(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        SyntheticImages.generate(data, 2, 10, 32, 3, 0, SyntheticImages.Layout.FOLDERS);
        Path records = dir.resolve("records");
        TfRecordConverter.Result converted = TfRecordConverter.convert(
                data, records, new TfRecordConverter.Options("shapes", 3, 0.3, 7), new TfRecordConverter.Listener() {});
        assertEquals(14, converted.trainExamples());
        assertEquals(6, converted.validationExamples());
        // the folder's own hold-out with the same fraction and seed is the set of images the converter held out
        DatasetSplits folder = ImageFolder.load(data, 0.3, 7);
        DatasetSplits shards = DatasetSource.of(records).load(0, 0);
        assertEquals(folder.train().size(), shards.train().size());
        assertEquals(folder.validation().size(), shards.validation().size());

        TrainResult onRecords = Trainer.create(TinyRun.config(records, dir.resolve("t-records"), 20)
                        .learningRate(0.05f)
                        .build())
                .train();
        TrainResult onFolder = Trainer.create(TinyRun.config(data, dir.resolve("t-folder"), 20)
                        .learningRate(0.05f)
                        .validationSplit(0.3)
                        .seed(7)
                        .build())
                .train();
        assertEquals(20, onRecords.finalStep());
        assertEquals(20, onFolder.finalStep());

        // Evaluation is order-free (every example once, deterministic eval preprocessing): the same
        // checkpoint gives the same metrics on the shards' validation records and the folder's hold-out.
        EvalReport recordsOnShards = Evaluator.evaluate(dir.resolve("t-records"), shards.validation(), 4, null);
        EvalReport recordsOnFolder = Evaluator.evaluate(dir.resolve("t-records"), folder.validation(), 4, null);
        assertEquals(6, recordsOnShards.examples());
        assertEquals(recordsOnFolder.accuracy(), recordsOnShards.accuracy());
        assertArrayEquals(recordsOnFolder.confusion(), recordsOnShards.confusion());

        // Training saw the same 14 images in another order (the converter shuffles), so the weights
        // differ; the stated tolerance: validation accuracy within 2 of the 6 images of the folder run's.
        EvalReport folderOnFolder = Evaluator.evaluate(dir.resolve("t-folder"), folder.validation(), 4, null);
        assertTrue(
                Math.abs(folderOnFolder.accuracy() - recordsOnShards.accuracy()) <= 2 / 6f + 1e-6,
                folderOnFolder.accuracy() + " vs " + recordsOnShards.accuracy());
    }

    /**
     * Shard 0: circles 0..3, a record that is not an Example, an Example whose JPEG does not decode; the
     * data of circle 1 has a flipped byte. Shard 1: squares 0..3, cut inside square 2's record.
     */
    private record Damaged(
            Path dir, Path shard0, Path shard1, long corrupt, long notExample, long garbled, long lost) {}

    private static Damaged damaged(Path dir) throws IOException {
        Path data = dir.resolve("data");
        SyntheticImages.generate(data, 2, 4, 32, 5, 0, SyntheticImages.Layout.FOLDERS);
        List<String> classes = List.of("circle", "square");
        List<Path> images = folderOrder(data);
        Path records = Files.createDirectories(dir.resolve("records"));
        List<byte[]> first = new ArrayList<>();
        for (Path image : images.subList(0, 4)) {
            first.add(example(image, classes));
        }
        first.add("not an example".getBytes(StandardCharsets.UTF_8));
        byte[] jpeg = Files.readAllBytes(images.get(4));
        for (int i = 200; i < jpeg.length - 2; i++) {
            jpeg[i] = (byte) 0xff; // passes slim's Example, fails TF's JPEG decoder
        }
        first.add(SlimExample.serialize(jpeg, "jpeg", 32, 32, 1));
        Path shard0 = records.resolve("shapes_train_00000-of-00002.tfrecord");
        long[] at0 = writeShard(shard0, first);
        byte[] bytes = Files.readAllBytes(shard0);
        bytes[(int) at0[1] + 12 + 5] ^= (byte) 0xff;
        Files.write(shard0, bytes);

        List<byte[]> second = new ArrayList<>();
        for (Path image : images.subList(4, 8)) {
            second.add(example(image, classes));
        }
        Path shard1 = records.resolve("shapes_train_00001-of-00002.tfrecord");
        long[] at1 = writeShard(shard1, second);
        byte[] whole = Files.readAllBytes(shard1);
        Files.write(shard1, Arrays.copyOf(whole, (int) at1[2] + 12 + 10));
        labels(records, classes);
        return new Damaged(records, shard0, shard1, at0[1], at0[4], at0[5], at1[2]);
    }

    @Test
    @Tag("slow")
    void aCorruptRecordAndATruncatedShardAreNamedSkippedAndCountedAndTrainingFinishes(@TempDir Path dir)
            throws Exception {
        Damaged d = damaged(dir);
        DatasetSplits splits = DatasetSource.of(d.dir()).load(0, 0);
        // 4 circles - 1 corrupt + the garbled JPEG (square) + squares 0 and 1 (2 and 3 are lost)
        assertEquals(6, splits.train().size());
        assertArrayEquals(new int[] {3, 3}, splits.train().countsPerClass());
        List<String> rejected = splits.train().rejected().stream()
                .map(r -> r.file().getFileName() + ": " + r.problem())
                .toList();
        assertEquals(3, rejected.size(), rejected.toString());
        String s0 = d.shard0().getFileName().toString();
        String s1 = d.shard1().getFileName().toString();
        assertTrue(
                rejected.contains(
                        s0 + ": record at offset " + d.corrupt() + ": corrupt: its data does not match its checksum"),
                rejected.toString());
        assertTrue(
                rejected.stream().anyMatch(r -> r.startsWith(s0 + ": record at offset " + d.notExample() + ": not a")),
                rejected.toString());
        assertTrue(
                rejected.stream().anyMatch(r -> r.startsWith(s1 + ": lost from offset " + d.lost() + " to the end")),
                rejected.toString());

        List<String> reportedAtStart = new ArrayList<>();
        List<String> skippedWhileTraining = new ArrayList<>();
        TrainResult r = Trainer.create(
                        TinyRun.config(d.dir(), dir.resolve("train"), 4).build())
                .addListener(new TrainingListener() {
                    @Override
                    public void onStart(TrainingPlan plan) {
                        reportedAtStart.addAll(plan.skippedFiles());
                    }

                    @Override
                    public void onSkippedImages(long epoch, List<String> files) {
                        skippedWhileTraining.addAll(files);
                    }
                })
                .train();
        assertEquals(4, r.finalStep());
        assertEquals(3, reportedAtStart.size(), reportedAtStart.toString());
        // 16 elements of a 6-element epoch: at least two whole epochs, each missing the garbled record
        String garbled = d.shard0() + "@" + d.garbled();
        assertFalse(skippedWhileTraining.isEmpty());
        assertTrue(skippedWhileTraining.stream().allMatch(garbled::equals), skippedWhileTraining.toString());

        // eval through the CLI: the shards' train split, all but the undecodable record, which is named
        StringWriter evalOut = new StringWriter();
        StringWriter evalErr = new StringWriter();
        int evalCode = JacktfCommand.execute(
                new String[] {
                    "eval",
                    "--checkpoint-path",
                    dir.resolve("train").toString(),
                    "--dataset-dir",
                    d.dir().toString(),
                    "--split",
                    "train"
                },
                new PrintWriter(evalOut, true),
                new PrintWriter(evalErr, true));
        assertEquals(0, evalCode, evalErr.toString());
        assertTrue(evalOut.toString().contains("on 5 images"), evalOut.toString());
        assertTrue(evalOut.toString().contains("  " + garbled), evalOut.toString());

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = JacktfCommand.execute(
                new String[] {"data", "check", d.dir().toString()},
                new PrintWriter(out, true),
                new PrintWriter(err, true));
        assertEquals(0, code, err.toString());
        String text = out.toString();
        assertTrue(text.contains("train: 6 images"), text);
        assertTrue(text.contains("width  min/median/max: [32, 32, 32]"), text);
        assertTrue(text.contains("Unusable files: 3"), text);
        assertTrue(text.contains("lost from offset " + d.lost()), text);
        assertTrue(text.contains("record at offset " + d.corrupt() + ": corrupt"), text);
    }

    @Test
    @Tag("slow")
    void resumingOnRecordsGivesTheSameStateAsAnUninterruptedRun(@TempDir Path dir) throws Exception {
        Damaged d = damaged(dir);
        // the garbled record drops out of every epoch, so the stream's position is not step x batch
        Path straight = dir.resolve("straight");
        TrainResult uninterrupted =
                Trainer.create(TinyRun.config(d.dir(), straight, 5).build()).train();
        Path resumed = dir.resolve("resumed");
        Trainer.create(TinyRun.config(d.dir(), resumed, 2).build()).train();
        TrainResult after =
                Trainer.create(TinyRun.config(d.dir(), resumed, 5).build()).train();
        assertEquals(5, after.finalStep());
        assertSameTensors(uninterrupted.checkpoint(), after.checkpoint());
    }

    private static void assertSameTensors(Path first, Path second) {
        try (Checkpoint a = Checkpoint.open(first);
                Checkpoint b = Checkpoint.open(second)) {
            List<String> names = a.tensors().stream().map(TensorInfo::name).toList();
            assertEquals(names, b.tensors().stream().map(TensorInfo::name).toList());
            assertFalse(names.isEmpty());
            for (String name : names) {
                assertArrayEquals(bytes(a, name), bytes(b, name), name);
            }
        }
    }

    private static byte[] bytes(Checkpoint c, String name) {
        var buffer = c.read(name).data();
        byte[] out = new byte[buffer.remaining()];
        buffer.get(out);
        return out;
    }
}
