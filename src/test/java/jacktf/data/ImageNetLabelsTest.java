package jacktf.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** slim's imagenet.py, create_readable_names_for_imagenet_labels: its URLs, its format, its order. */
class ImageNetLabelsTest {
    private static String synset(int i) {
        return String.format(Locale.ROOT, "n%08d", 5_000_000 + 3 * i);
    }

    private static Path write(Path dir, String name, List<String> lines) throws IOException {
        return Files.write(dir.resolve(name), lines, StandardCharsets.UTF_8);
    }

    private static List<String> synsets(int count) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            lines.add(synset(i));
        }
        return lines;
    }

    @Test
    void theURLsAreImagenetPys() {
        // base_url + '/imagenet_lsvrc_2015_synsets.txt' and '/imagenet_metadata.txt' in datasets/imagenet.py
        String base = "https://raw.githubusercontent.com/tensorflow/models/master/research/inception/inception/data/";
        assertEquals(URI.create(base + "imagenet_lsvrc_2015_synsets.txt"), ImageNetLabels.SYNSETS_URL);
        assertEquals(URI.create(base + "imagenet_metadata.txt"), ImageNetLabels.METADATA_URL);
    }

    @Test
    void namesFollowTheSynsetListAndTheOffsetPutsBackgroundFirst(@TempDir Path dir) throws IOException {
        List<String> metadata = new ArrayList<>();
        for (int i = 999; i >= 0; i--) { // another order than the synset list's, plus synsets not in it
            metadata.add("n0000000" + (i % 10) + "x\tnot ILSVRC");
            metadata.add(synset(i) + "\tname " + i + ", with a comma  ");
        }
        List<String> names = ImageNetLabels.read(write(dir, "s.txt", synsets(1000)), write(dir, "m.txt", metadata));
        assertEquals(1000, names.size());
        assertEquals("name 0, with a comma", names.get(0), "stripped, as imagenet.py strips each line");
        assertEquals("name 999, with a comma", names.get(999));
        List<String> shifted = ImageNetLabels.withOffset(names, 1);
        assertEquals(1001, shifted.size());
        assertEquals("background", shifted.get(0));
        assertEquals("name 6, with a comma", shifted.get(7));
        assertEquals(names, ImageNetLabels.withOffset(names, 0));
    }

    @Test
    void filesThatAreNotSlimsAreRefusedByFileAndLine(@TempDir Path dir) throws IOException {
        List<String> metadata = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            metadata.add(synset(i) + "\tname " + i);
        }
        Path goodMetadata = write(dir, "m.txt", metadata);
        IOException e = assertThrows(
                IOException.class, () -> ImageNetLabels.read(write(dir, "short.txt", synsets(999)), goodMetadata));
        assertTrue(e.getMessage().contains("lists 999 synsets, expected ImageNet's 1000"), e.getMessage());

        List<String> twice = synsets(1000);
        twice.set(5, synset(4));
        e = assertThrows(IOException.class, () -> ImageNetLabels.read(write(dir, "twice.txt", twice), goodMetadata));
        assertTrue(e.getMessage().contains("line 6: synset " + synset(4) + " appears twice"), e.getMessage());

        Path good = write(dir, "s.txt", synsets(1000));
        List<String> noTab = new ArrayList<>(metadata);
        noTab.set(2, synset(2) + " name 2");
        e = assertThrows(IOException.class, () -> ImageNetLabels.read(good, write(dir, "notab.txt", noTab)));
        assertTrue(e.getMessage().contains("line 3: expected 'SYNSET<TAB>NAME'"), e.getMessage());

        List<String> missing = new ArrayList<>(metadata.subList(0, 999));
        e = assertThrows(IOException.class, () -> ImageNetLabels.read(good, write(dir, "missing.txt", missing)));
        assertTrue(e.getMessage().contains("has no name for synset " + synset(999)), e.getMessage());
    }
}
