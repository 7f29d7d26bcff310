package jacktf.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import jacktf.checkpoint.Checkpoint;
import jacktf.checkpoint.TensorInfo;
import jacktf.data.ImageList;
import jacktf.data.SyntheticImages;
import jacktf.traindir.TrainDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A dataset given as (file, label) pairs trains exactly as the same images in a folder. */
class DatasetSourceTrainingTest {

    @Test
    void trainingFromAListOfPairsEqualsTrainingFromTheFolder(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        SyntheticImages.generate(data, 2, 6, 32, 1, 0, SyntheticImages.Layout.FOLDERS);
        // the order a folder is read in: class folders sorted by name, files sorted within each
        List<ImageList.Entry> pairs;
        try (Stream<Path> files = Files.walk(data)) {
            pairs = files.filter(Files::isRegularFile)
                    .sorted()
                    .map(f -> new ImageList.Entry(f, f.getParent().getFileName().toString()))
                    .toList();
        }
        TrainResult fromFolder = Trainer.create(
                        TinyRun.config(data, dir.resolve("folder"), 3).build())
                .train();
        TrainResult fromList = Trainer.create(TinyRun.config(null, dir.resolve("list"), 3)
                        .dataset(ImageList.of(pairs))
                        .build())
                .train();

        assertEquals(
                TrainDir.of(dir.resolve("folder")).labels(),
                TrainDir.of(dir.resolve("list")).labels());
        assertEquals(
                List.of("circle", "square"), TrainDir.of(dir.resolve("list")).labels());
        try (Checkpoint a = Checkpoint.open(fromFolder.checkpoint());
                Checkpoint b = Checkpoint.open(fromList.checkpoint())) {
            List<String> names = a.tensors().stream().map(TensorInfo::name).toList();
            assertEquals(names, b.tensors().stream().map(TensorInfo::name).toList());
            assertFalse(names.isEmpty());
            for (String name : names) {
                byte[] x = bytes(a, name);
                byte[] y = bytes(b, name);
                assertArrayEquals(x, y, name);
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
