package jacktf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The README's Java API block is the code examples/embedded-service compiles and runs against the
 * installed jar (between its README markers), so the README cannot drift from what works.
 */
class ReadmeJavaApiTest {
    private static final Path EXAMPLE =
            Path.of("examples/embedded-service/src/main/java/jacktf/examples/service/ReadmeJavaApi.java");

    @Test
    void readmeShowsExactlyTheCodeTheExampleRuns() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        int section = readme.indexOf("### The Java API");
        int start = readme.indexOf("```java\n", section) + "```java\n".length();
        String block = readme.substring(start, readme.indexOf("```", start));

        String source = Files.readString(EXAMPLE);
        String region = source.substring(
                source.indexOf("// README:begin\n") + "// README:begin\n".length(),
                source.indexOf("    // README:end"));
        String dedented = region.lines()
                .map(l -> l.startsWith("    ") ? l.substring(4) : l)
                .collect(Collectors.joining("\n", "", "\n"));
        assertEquals(dedented, block, "README's Java API block and " + EXAMPLE + " differ: change both");
    }
}
