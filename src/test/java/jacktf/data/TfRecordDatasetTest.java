package jacktf.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jacktf.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * slim's TFRecord shards as a dataset: detected, split by shard name, and streamed by the input
 * pipeline element for element as the same images in a folder (plain and GZIP shards), with each
 * element named {@code SHARD@OFFSET}; a truncated GZIP shard keeps the records before the cut.
 */
class TfRecordDatasetTest {
    private static final List<String> CLASSES = List.of("circle", "square");

    /** The folder's images in ImageFolder's order: class folders sorted by name, files sorted. */
    private static List<Path> folderOrder(Path data) throws IOException {
        try (Stream<Path> files = Files.walk(data)) {
            return files.filter(Files::isRegularFile).sorted().toList();
        }
    }

    /** Writes the images as one shard of slim Examples; returns each record's offset (12 + data + 4 bytes each). */
    private static List<Long> writeShard(Path shard, List<Path> images) throws IOException {
        List<Long> offsets = new ArrayList<>();
        long at = 0;
        try (TfRecordWriter w = TfRecordWriter.create(shard)) {
            for (Path image : images) {
                ImageFiles.ImageInfo info = ImageFiles.inspect(image);
                byte[] record = SlimExample.serialize(
                        Files.readAllBytes(image),
                        info.format(),
                        info.height(),
                        info.width(),
                        CLASSES.indexOf(image.getParent().getFileName().toString()));
                offsets.add(at);
                w.write(record);
                at += 12 + record.length + 4;
            }
        }
        return offsets;
    }

    private static Path gzip(Path file) throws IOException {
        Path gz = file.resolveSibling(file.getFileName() + ".gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(Files.readAllBytes(file));
        }
        Files.delete(file);
        return gz;
    }

    @Test
    void recordsStreamExactlyAsTheSameImagesInAFolderPlainAndGzip(@TempDir Path dir) throws IOException {
        Path data = dir.resolve("data");
        SyntheticImages.generate(data, 2, 4, 40, 1, 0, SyntheticImages.Layout.FOLDERS);
        List<Path> images = folderOrder(data);
        for (boolean compressed : List.of(false, true)) {
            Path records = Files.createDirectories(dir.resolve(compressed ? "gz" : "plain"));
            // train: two shards holding the folder's images in its order; validation: the first three again
            Path s0 = records.resolve("shapes_train_00000-of-00002.tfrecord");
            Path s1 = records.resolve("shapes_train_00001-of-00002.tfrecord");
            Path v0 = records.resolve("shapes_validation_00000-of-00001.tfrecord");
            List<Long> at0 = writeShard(s0, images.subList(0, 5));
            List<Long> at1 = writeShard(s1, images.subList(5, 8));
            writeShard(v0, images.subList(0, 3));
            if (compressed) { // offsets stay positions in the uncompressed stream
                s0 = gzip(s0);
                s1 = gzip(s1);
                gzip(v0);
            }
            Labels.writeFile(records.resolve(Labels.FILE_NAME), CLASSES);
            assertTrue(DatasetSource.of(records) instanceof TfRecordDataset);

            DatasetSplits splits = DatasetSource.of(records).load(0, 0);
            ImageDataset folder = ImageFolder.load(data, 0, 0).train();
            assertEquals(CLASSES, splits.train().classNames());
            assertEquals(8, splits.train().size());
            assertEquals(3, splits.validation().size());
            assertEquals(List.of(), splits.train().rejected());
            List<String> ids = new ArrayList<>();
            for (long at : at0) {
                ids.add(s0 + "@" + at);
            }
            for (long at : at1) {
                ids.add(s1 + "@" + at);
            }
            assertEquals(ids, splits.train().files());
            // a GZIP shard is read from its plain copy: the uncompressed bytes, where the offsets point
            Example first = splits.train().examples().get(0);
            if (compressed) {
                assertNotEquals(s0, first.record().readFrom());
                try (InputStream in = new GZIPInputStream(Files.newInputStream(s0))) {
                    assertArrayEquals(
                            in.readAllBytes(), Files.readAllBytes(first.record().readFrom()));
                }
            } else {
                assertEquals(s0, first.record().readFrom());
            }

            // training: shuffled, augmented (seeded by each element's number), two epochs
            InputPipeline.Config training = InputPipeline.Config.training(4, 32, 11);
            InputPipelineTest.Read fromFolder = InputPipelineTest.readAll(folder, training, 4);
            InputPipelineTest.Read fromRecords = InputPipelineTest.readAll(splits.train(), training, 4);
            assertEquals(16, fromRecords.images().size());
            assertEquals(fromFolder.labels(), fromRecords.labels());
            for (int i = 0; i < 16; i++) {
                assertArrayEquals(
                        fromFolder.images().get(i), fromRecords.images().get(i), 0f, "element " + i);
                // the same element: the record that holds the folder's file
                int k = folder.files().indexOf(fromFolder.files().get(i));
                assertEquals(ids.get(k), fromRecords.files().get(i));
            }
            // a resumed run's skip works on records as on files
            InputPipelineTest.Read skipped = InputPipelineTest.readAll(splits.train(), training, 1, 6);
            assertEquals(fromRecords.files().subList(6, 10), skipped.files());

            InputPipeline.Config eval = InputPipeline.Config.evaluation(5, 32);
            InputPipelineTest.Read folderValidation = InputPipelineTest.readAll(
                    folder.withExamples(folder.examples().subList(0, 3)), eval, 10);
            InputPipelineTest.Read recordValidation = InputPipelineTest.readAll(splits.validation(), eval, 10);
            assertEquals(3, recordValidation.images().size());
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(
                        folderValidation.images().get(i),
                        recordValidation.images().get(i),
                        0f);
            }
            assertTrue(InputPipeline.anyDecodable(splits.train()));
        }
    }

    @Test
    void aTruncatedGzipShardKeepsTheRecordsBeforeTheCutAndNamesWhereTheRestIsLost(@TempDir Path dir)
            throws IOException {
        Path data = dir.resolve("data");
        SyntheticImages.generate(data, 2, 2, 40, 1, 0, SyntheticImages.Layout.FOLDERS);
        Path records = Files.createDirectories(dir.resolve("records"));
        List<Path> images = folderOrder(data);
        List<Long> at = writeShard(records.resolve("shapes_train_00000-of-00001.tfrecord"), images);
        Path gz = gzip(records.resolve("shapes_train_00000-of-00001.tfrecord"));
        byte[] whole = Files.readAllBytes(gz);
        // cut the compressed file where the deflate stream has passed the first record (and the gzip trailer is lost)
        Files.write(gz, Arrays.copyOf(whole, whole.length * 3 / 4));
        Labels.writeFile(records.resolve(Labels.FILE_NAME), CLASSES);

        TfRecordScan scan = TfRecordScan.scan(gz);
        assertEquals(TfRecordScan.Compression.GZIP, scan.compression());
        assertTrue(scan.lostFrom() > 0, "lost from " + scan.lostFrom());
        assertTrue(at.contains(scan.lostFrom()), "a record boundary: " + at + " " + scan.lostFrom());
        int kept = at.indexOf(scan.lostFrom());
        assertTrue(kept >= 1 && kept < 4, "kept " + kept);

        DatasetSplits splits = DatasetSource.of(records).load(0, 0);
        assertEquals(kept, splits.train().size());
        assertEquals(1, splits.train().rejected().size());
        assertTrue(splits.train().rejected().get(0).problem().startsWith("lost from offset " + scan.lostFrom()));
        InputPipelineTest.Read read =
                InputPipelineTest.readAll(splits.train(), InputPipeline.Config.evaluation(4, 32), 10);
        assertEquals(kept, read.images().size(), "TF reads every record before the cut");
    }

    @Test
    void theSplitIsTheShardsNotAHoldOut(@TempDir Path dir) throws IOException {
        Path data = dir.resolve("data");
        SyntheticImages.generate(data, 2, 2, 40, 1, 0, SyntheticImages.Layout.FOLDERS);
        writeShard(dir.resolve("shapes_train_00000-of-00001.tfrecord"), folderOrder(data));
        Labels.writeFile(dir.resolve(Labels.FILE_NAME), CLASSES);
        ConfigException e =
                assertThrows(ConfigException.class, () -> DatasetSource.of(dir).load(0.2, 1));
        assertTrue(e.getMessage().contains("shard names"), e.getMessage());
        Files.delete(dir.resolve(Labels.FILE_NAME));
        DatasetException noLabels =
                assertThrows(DatasetException.class, () -> DatasetSource.of(dir).load(0, 1));
        assertTrue(noLabels.getMessage().contains("labels.txt"), noLabels.getMessage());
        assertFalse(DatasetSource.of(data) instanceof TfRecordDataset, "an image folder stays one");
    }
}
