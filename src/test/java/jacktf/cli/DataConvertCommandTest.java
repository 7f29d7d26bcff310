package jacktf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jacktf data convert} from the command line; what the shards hold is TfRecordConverterTest's. */
class DataConvertCommandTest {

    @Test
    void convertsAFolderIntoSlimsShardsAndLabels(@TempDir Path dir) throws Exception {
        Path images = dir.resolve("Shapes");
        DownloadCommandTest.Run synth = DownloadCommandTest.run(
                "data", "synth", "--output", images.toString(), "--classes", "2", "--per-class", "5", "--size", "16");
        assertEquals(0, synth.code(), synth.err());
        Path out = dir.resolve("records");
        DownloadCommandTest.Run r = DownloadCommandTest.run(
                "data",
                "convert",
                images.toString(),
                "--output",
                out.toString(),
                "--shards",
                "2",
                "--validation-split",
                "0.2",
                "--seed",
                "3");
        assertEquals(0, r.code(), r.err());
        // 5 per class, round(5 * 0.2) = 1 held out of each: 8 train, 2 validation; the name is DIR's, lower case.
        assertTrue(r.out().startsWith("Wrote 8 train and 2 validation examples of 2 classes"), r.out());
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(
                    List.of(
                            "labels.txt",
                            "shapes_train_00000-of-00002.tfrecord",
                            "shapes_train_00001-of-00002.tfrecord",
                            "shapes_validation_00000-of-00002.tfrecord",
                            "shapes_validation_00001-of-00002.tfrecord"),
                    files.map(f -> f.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void zeroShardsIsRefusedByItsFlagName(@TempDir Path dir) throws Exception {
        Path images = dir.resolve("img");
        DownloadCommandTest.run("data", "synth", "--output", images.toString(), "--per-class", "2", "--size", "8");
        DownloadCommandTest.Run r = DownloadCommandTest.run(
                "data",
                "convert",
                images.toString(),
                "--output",
                dir.resolve("o").toString(),
                "--shards",
                "0");
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("--shards must be in [1, 99999]. Received: 0"), r.err());
    }
}
