package jacktf.eval;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import jacktf.runtime.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Metrics as slim's eval reports them plus what people look at next.
 *
 * @param confusion rows: true class, columns: predicted class
 * @param samples a few images with their predictions, for reports
 * @param undecodable files of the dataset that failed to decode and were left out
 */
public record EvalReport(
        String checkpoint,
        long globalStep,
        List<String> classNames,
        int examples,
        float accuracy,
        float recallAt5,
        int[][] confusion,
        float[] precision,
        float[] recall,
        List<Sample> samples,
        List<String> undecodable) {

    private static final Gson GSON = new GsonBuilder()
            .setPrettyPrinting()
            .serializeSpecialFloatingPointValues()
            .create();

    /** One evaluated image. */
    public record Sample(String file, int label, int predicted, float probability) {}

    public void write(Path file) throws IOException {
        AtomicFiles.writeString(file, GSON.toJson(this));
    }

    public static EvalReport read(Path file) throws IOException {
        return GSON.fromJson(Files.readString(file, StandardCharsets.UTF_8), EvalReport.class);
    }
}
