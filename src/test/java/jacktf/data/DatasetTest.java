package jacktf.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jacktf.config.JacktfException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetTest {

    @Test
    void classPerFolderIdsBySortedFolderName(@TempDir Path dir) throws IOException {
        SyntheticImages.generate(dir, 3, 4, 32, 1, 0, SyntheticImages.Layout.FOLDERS);
        DatasetSplits splits = ImageFolder.load(dir, 0, 0);
        assertEquals(List.of("circle", "square", "triangle"), splits.train().classNames());
        assertEquals(12, splits.train().size());
        assertEquals(0, splits.validation().size());
        for (Example e : splits.train().examples()) {
            assertEquals(
                    splits.train().classNames().get(e.label()),
                    e.file().getParent().getFileName().toString());
        }
    }

    @Test
    void kaggleFlatLayoutTakesTheLabelFromTheName(@TempDir Path dir) throws IOException {
        // JPEGs written by TF's encoder: the layout is the point, not the pictures
        TestImages.tfJpeg(dir.resolve("dog.1.jpg"), 64, 48, TestImages.JpegKind.BASELINE_RGB);
        TestImages.tfJpeg(dir.resolve("dog.2.jpg"), 48, 64, TestImages.JpegKind.GRAYSCALE);
        TestImages.tfJpeg(dir.resolve("cat.1.jpg"), 64, 64, TestImages.JpegKind.BASELINE_RGB);
        TestImages.tfJpeg(dir.resolve("cat.10.jpg"), 80, 60, TestImages.JpegKind.PROGRESSIVE_RGB);
        Files.writeString(dir.resolve("README.txt"), "not an image");
        ImageDataset d = ImageFolder.load(dir, 0, 0).train();
        assertEquals(List.of("cat", "dog"), d.classNames());
        Map<String, Integer> labels = d.examples().stream()
                .collect(Collectors.toMap(e -> e.file().getFileName().toString(), Example::label));
        assertEquals(Map.of("cat.1.jpg", 0, "cat.10.jpg", 0, "dog.1.jpg", 1, "dog.2.jpg", 1), labels);
    }

    @Test
    void trainAndValidationFoldersShareClassIds(@TempDir Path dir) throws IOException {
        SyntheticImages.generate(dir.resolve("train"), 2, 3, 32, 1, 0, SyntheticImages.Layout.FOLDERS);
        SyntheticImages.generate(dir.resolve("validation"), 1, 2, 32, 2, 1, SyntheticImages.Layout.FOLDERS);
        DatasetSplits s = ImageFolder.load(dir, 0.5, 0);
        assertEquals(6, s.train().size());
        assertEquals(2, s.validation().size());
        assertTrue(s.validation().examples().stream().allMatch(e -> e.label() == 1), "square is id 1 in both");
    }

    @Test
    void validationSplitIsStratifiedAndDeterministic(@TempDir Path dir) throws IOException {
        SyntheticImages.generate(dir, 2, 20, 32, 1, 0, SyntheticImages.Layout.FOLDERS);
        DatasetSplits a = ImageFolder.load(dir, 0.1, 7);
        DatasetSplits b = ImageFolder.load(dir, 0.1, 7);
        DatasetSplits c = ImageFolder.load(dir, 0.1, 8);
        assertEquals(a.validation().examples(), b.validation().examples());
        assertTrue(!a.validation().examples().equals(c.validation().examples()), "another seed, another split");
        assertEquals(2, a.validation().countsPerClass()[0]);
        assertEquals(2, a.validation().countsPerClass()[1]);
        assertEquals(36, a.train().size());
        assertTrue(a.train().examples().stream().noneMatch(a.validation().examples()::contains));
    }

    @Test
    void aListOfPairsIsTheSameDatasetAsTheFolderItWasReadFrom(@TempDir Path dir) throws IOException {
        SyntheticImages.generate(dir, 3, 8, 32, 1, 0, SyntheticImages.Layout.FOLDERS);
        TestImages.zeroBytes(dir.resolve("square/empty.jpg"));
        // the pairs a CSV would hold, in reverse order: class ids still follow the sorted names, as a folder's do
        List<ImageList.Entry> pairs = new ArrayList<>();
        try (var files = Files.walk(dir)) {
            files.filter(Files::isRegularFile)
                    .sorted(Comparator.reverseOrder())
                    .forEach(f -> pairs.add(
                            new ImageList.Entry(f, f.getParent().getFileName().toString())));
        }
        DatasetSource list = ImageList.of(pairs);
        assertEquals("a list of 25 images", list.description());
        for (double split : new double[] {0, 0.25}) {
            DatasetSplits fromFolder = ImageFolder.at(dir).load(split, 3);
            DatasetSplits fromList = list.load(split, 3);
            assertEquals(
                    List.of("circle", "square", "triangle"), fromList.train().classNames());
            assertEquals(
                    fromFolder.validation().examples(), fromList.validation().examples(), "split " + split);
            assertEquals(
                    new HashSet<>(fromFolder.train().examples()),
                    new HashSet<>(fromList.train().examples()),
                    "split " + split);
            assertEquals(
                    List.of(dir.resolve("square/empty.jpg")),
                    fromList.train().rejected().stream()
                            .map(ImageFiles.ImageInfo::file)
                            .toList());
        }
        // with no hold-out the list keeps its own order (the order training reads it in)
        assertEquals(
                pairs.get(0).file(), list.load(0, 3).train().examples().get(0).file());
    }

    @Test
    void aListTakesClassIdsWithTheirNamesAndRefusesWhatLabelsTxtCannotHold(@TempDir Path dir) throws IOException {
        Path a = TestImages.png(dir.resolve("a.png"), 2, 2, new int[] {0, 0, 0, 0});
        Path b = TestImages.png(dir.resolve("b.png"), 2, 2, new int[] {0, 0, 0, 0});
        DatasetSplits s = ImageList.of(List.of("zebra", "ant"), List.of(new Example(a, 0), new Example(b, 1)))
                .load(0, 0);
        assertEquals(List.of("zebra", "ant"), s.train().classNames());
        assertEquals(List.of(new Example(a, 0), new Example(b, 1)), s.train().examples());

        var outOfRange =
                assertThrows(JacktfException.class, () -> ImageList.of(List.of("zebra"), List.of(new Example(a, 1))));
        assertEquals(
                "Class id of " + a + " must be in [0, 1) (one per class name [zebra]). Received: 1",
                outOfRange.getMessage());
        var twoLines = assertThrows(JacktfException.class, () -> ImageList.of(List.of(new ImageList.Entry(a, "x\ny"))));
        assertTrue(twoLines.getMessage().contains("Received: 'x\\ny'"), twoLines.getMessage());
        var empty = assertThrows(JacktfException.class, () -> ImageList.of(List.of()));
        assertTrue(empty.getMessage().endsWith("Received: an empty list"), empty.getMessage());
    }

    @Test
    void labelsFileRoundTrip(@TempDir Path dir) throws IOException {
        List<String> names = List.of("cat", "dog", "guinea pig");
        Path file = dir.resolve("labels.txt");
        Labels.writeFile(file, names);
        assertEquals("0:cat\n1:dog\n2:guinea pig\n", Files.readString(file));
        assertEquals(names, Labels.readFile(file));
        Files.writeString(file, "0:cat\n2:dog\n");
        IOException e = assertThrows(IOException.class, () -> Labels.readFile(file));
        assertTrue(e.getMessage().contains("id 1 is missing"), e.getMessage());
    }

    @Test
    void badFilesAreReportedWithTheirReasons(@TempDir Path dir) throws IOException {
        Path cats = Files.createDirectories(dir.resolve("cat"));
        Path dogs = Files.createDirectories(dir.resolve("dog"));
        // TF-written JPEGs (TF's encoder): baseline, single-channel, progressive
        TestImages.tfJpeg(cats.resolve("good.jpg"), 480, 360, TestImages.JpegKind.BASELINE_RGB);
        TestImages.tfJpeg(cats.resolve("gray.jpg"), 360, 480, TestImages.JpegKind.GRAYSCALE);
        Path progressive =
                TestImages.tfJpeg(dir.resolve("progressive.jpg"), 480, 360, TestImages.JpegKind.PROGRESSIVE_RGB);
        TestImages.tfJpeg(dogs.resolve("good.jpg"), 320, 240, TestImages.JpegKind.PROGRESSIVE_RGB);
        TestImages.pngWithAlpha(dogs.resolve("alpha.png"));
        TestImages.png16Bit(dogs.resolve("deep.png"));
        TestImages.zeroBytes(cats.resolve("empty.jpg"));
        TestImages.truncatedJpeg(progressive, cats.resolve("cut.jpg"));
        TestImages.textNamedJpg(dogs.resolve("page.jpg"));
        TestImages.cmykJpeg(dogs.resolve("print.jpg"));
        ImageDataset d = ImageFolder.load(dir, 0, 0).train();
        Map<String, String> reasons = d.rejected().stream()
                .collect(Collectors.toMap(
                        i -> i.file().getParent().getFileName() + "/" + i.file().getFileName(),
                        ImageFiles.ImageInfo::problem));
        assertEquals(4, reasons.size(), reasons.toString());
        assertEquals("zero bytes", reasons.get("cat/empty.jpg"));
        assertTrue(reasons.get("cat/cut.jpg").contains("truncated"), reasons.toString());
        assertEquals("not an image (text)", reasons.get("dog/page.jpg"));
        assertTrue(reasons.get("dog/print.jpg").contains("CMYK"), reasons.toString());
        assertEquals(5, d.size());
    }

    @Test
    void hugeDimensionsAreRejectedBeforeDecoding(@TempDir Path dir) throws IOException {
        byte[] png = Files.readAllBytes(TestImages.png(dir.resolve("small.png"), 2, 2, new int[] {0, 0, 0, 0}));
        ByteBuffer.wrap(png).putInt(16, 20000).putInt(20, 20000);
        Path huge = Files.write(dir.resolve("huge.png"), png);
        ImageFiles.ImageInfo info = ImageFiles.inspect(huge);
        assertTrue(info.problem().contains("too large"), info.problem());
    }

    @Test
    void missingOrFileDatasetIsAClearError(@TempDir Path dir) throws IOException {
        DatasetException missing =
                assertThrows(DatasetException.class, () -> ImageFolder.load(dir.resolve("nope"), 0, 0));
        assertTrue(missing.getMessage().contains("does not exist"));
        DatasetException empty = assertThrows(DatasetException.class, () -> ImageFolder.load(dir, 0, 0));
        assertTrue(empty.getMessage().contains("No images in"));
    }

    @Test
    void synthIsByteForByteReproducible(@TempDir Path dir) throws IOException {
        SyntheticImages.generate(dir.resolve("a"), 2, 3, 48, 5, 2, SyntheticImages.Layout.FLAT);
        SyntheticImages.generate(dir.resolve("b"), 2, 3, 48, 5, 2, SyntheticImages.Layout.FLAT);
        for (String f : List.of("triangle.0.jpg", "cross.2.jpg")) {
            assertTrue(
                    Arrays.equals(
                            Files.readAllBytes(dir.resolve("a").resolve(f)),
                            Files.readAllBytes(dir.resolve("b").resolve(f))),
                    f);
        }
    }
}
