package jacktf.checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The EXPECTED.tsv files beside the real checkpoints: what each must read as. */
record ExpectedTsv(String name, String dtype, String shape, List<Double> values, long count) {

    static List<ExpectedTsv> read(Path file, boolean v1) throws IOException {
        List<ExpectedTsv> rows = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            String values = f[f.length - 1];
            rows.add(new ExpectedTsv(f[0], f[1], f[2], parseValues(values), parseCount(values)));
        }
        return rows;
    }

    private static List<Double> parseValues(String text) {
        String inner = text.substring(text.indexOf('[') + 1, text.indexOf(']'));
        List<Double> out = new ArrayList<>();
        for (String v : inner.split(",")) {
            if (!v.isBlank()) {
                out.add(Double.parseDouble(v.trim()));
            }
        }
        return out;
    }

    private static long parseCount(String text) {
        int open = text.indexOf("... (");
        if (open < 0) {
            return -1;
        }
        return Long.parseLong(text.substring(open + 5, text.indexOf(' ', open + 5)));
    }
}
