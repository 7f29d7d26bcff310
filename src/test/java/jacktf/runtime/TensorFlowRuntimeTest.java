package jacktf.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jacktf.testing.ChildJvm;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tensorflow.proto.ConfigProto;

/**
 * Process-wide settings and native loading. What TF does at a process's first session is observed in a JVM of its
 * own ({@link RuntimeProbe}), so the order of test classes does not matter.
 */
class TensorFlowRuntimeTest {

    @Test
    void theFirstSessionSizesTheThreadPoolsOnceAndALaterConflictingRequestIsRefused() throws Exception {
        if (!new File("/proc/self/task").isDirectory()) {
            System.out.println("SKIPPED theFirstSessionSizesTheThreadPools...: counts threads through Linux /proc");
            return;
        }
        List<String> out = probe(List.of(), "threads", "8", "1");
        // 8 intra-op + 1 inter-op threads; TF may start one helper thread of its own, the JIT one more.
        // The defaults (2 + 2) would give 4..6.
        long first = Long.parseLong(line(out, "FIRST ").trim());
        assertTrue(first >= 9 && first <= 11, "threads the first session started: " + first + "\n" + out);
        // A second session asking TF directly for 12 + 5 threads gets the same pools: TF sized them once.
        long second = Long.parseLong(line(out, "SECOND ").trim());
        assertTrue(second <= 1, "threads a second session started: " + second + "\n" + out);
        String refused = line(out, "REFUSED ");
        assertTrue(
                refused.contains("already sized for this process (intra-op threads 8, inter-op threads 1)"), refused);
        assertTrue(refused.contains("Call TensorFlowRuntime.configure before the first session"), refused);
        assertTrue(refused.endsWith("Received: intra-op threads 9, inter-op threads 2"), refused);
    }

    @Test
    void missingNativesNameThePlatformAndTheDependencyToAdd(@TempDir Path cache) throws Exception {
        String os = System.getProperty("os.name");
        String arch = System.getProperty("os.arch");
        String classifier = Map.of("Linux/amd64", "linux-x86_64", "Linux/aarch64", "linux-arm64")
                .get(os + "/" + arch);
        if (classifier == null) {
            System.out.println(
                    "SKIPPED missingNativesNameThePlatform...: written for Linux hosts; this is " + os + "/" + arch);
            return;
        }
        // The test class path without the platform jars of tensorflow-core-native, and an empty JavaCPP cache (it could
        // otherwise find libraries extracted by an earlier run): what a consumer with another platform's natives has.
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry ->
                        !Path.of(entry).getFileName().toString().matches("tensorflow-core-native-[0-9.]+-.+\\.jar"))
                .collect(Collectors.joining(File.pathSeparator));
        List<String> out = probe(List.of("-Dorg.bytedeco.javacpp.cachedir=" + cache, "-cp", classPath), "natives");
        String missing = line(out, "MISSING ");
        assertTrue(
                missing.contains(
                        "could not be loaded on " + classifier + " (os.name=" + os + ", os.arch=" + arch + ")"),
                missing);
        assertTrue(missing.contains("org.tensorflow:tensorflow-core-native:1.1.0:" + classifier), missing);
        assertTrue(missing.contains("UnsatisfiedLinkError"), "keeps the loader's own error: " + missing);
    }

    @ParameterizedTest
    @CsvSource({
        "Linux, amd64, linux-x86_64",
        "Linux, aarch64, linux-arm64",
        "Mac OS X, aarch64, macosx-arm64",
        "Windows 11, amd64, windows-x86_64",
        "Windows Server 2022, amd64, windows-x86_64"
    })
    void theMessageNamesEachPlatformsClassifier(String os, String arch, String classifier) {
        String message = TensorFlowRuntime.missingNativesMessage(os, arch, "java.lang.UnsatisfiedLinkError: no jni");
        assertTrue(
                message.contains("org.tensorflow:tensorflow-core-native:1.1.0:" + classifier + " (Maven: <classifier>"
                        + classifier + "</classifier>)"),
                message);
        assertTrue(message.contains("(os.name=" + os + ", os.arch=" + arch + ")"), message);
        assertTrue(message.endsWith("java.lang.UnsatisfiedLinkError: no jni"), message);
    }

    @ParameterizedTest
    @CsvSource({"Mac OS X, x86_64", "Linux, ppc64le", "Windows 10, aarch64", "FreeBSD, amd64"})
    void platformsWithoutNativesAreSaidToBeUnsupported(String os, String arch) {
        String message = TensorFlowRuntime.missingNativesMessage(os, arch, "java.lang.UnsatisfiedLinkError: no jni");
        assertTrue(
                message.contains("ships natives for linux-x86_64 (and linux-x86_64-gpu), linux-arm64, macosx-arm64 "
                        + "and windows-x86_64 only, and this JVM runs on os.name=" + os + ", os.arch=" + arch),
                message);
        assertFalse(message.contains("tensorflow-core-native:1.1.0:"), "no classifier to add exists: " + message);
    }

    @Test
    void aRepeatedConfigureIsAcceptedAndAConflictingOneRefusedOnceSessionsOpened() {
        // Order-independent: whichever options sized this JVM's pools (this test or an earlier class), they are final.
        ConfigProto config = TensorFlowRuntime.sessionConfig();
        RuntimeOptions sized = TensorFlowRuntime.options();
        assertTrue(TensorFlowRuntime.poolsSized());
        assertEquals(sized.intraOpThreads(), config.getIntraOpParallelismThreads());
        assertEquals(sized.interOpThreads(), config.getInterOpParallelismThreads());
        TensorFlowRuntime.configure(new RuntimeOptions(sized.intraOpThreads(), sized.interOpThreads()));
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> TensorFlowRuntime.configure(
                        new RuntimeOptions(sized.intraOpThreads() + 1, sized.interOpThreads())));
        assertTrue(e.getMessage().contains("already sized"), e.getMessage());
        assertEquals(sized, TensorFlowRuntime.options(), "a refused request changes nothing");
    }

    @Test
    void optionsComeFromJavaOrTheEnvironmentVariable() {
        assertEquals(new RuntimeOptions(2, 2), RuntimeOptions.fromEnvironment(Map.of()));
        assertEquals(new RuntimeOptions(2, 2), RuntimeOptions.builder().build());
        assertEquals(
                new RuntimeOptions(3, 2), RuntimeOptions.fromEnvironment(Map.of("JACKTF_INTRA_OP_THREADS", " 3 ")));
        assertEquals(new RuntimeOptions(0, 2), RuntimeOptions.fromEnvironment(Map.of("JACKTF_INTRA_OP_THREADS", "0")));
        for (String bad : List.of("two", "-1", "1.5")) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> RuntimeOptions.fromEnvironment(Map.of("JACKTF_INTRA_OP_THREADS", bad)));
            assertEquals(
                    "JACKTF_INTRA_OP_THREADS must be a non-negative integer (0 = one thread per core). Received: '"
                            + bad + "'",
                    e.getMessage());
        }
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> RuntimeOptions.builder().interOpThreads(-2));
        assertEquals("interOpThreads must be >= 0 (0 = one thread per core). Received: -2", e.getMessage());

        ConfigProto config = RuntimeOptions.builder()
                .intraOpThreads(4)
                .interOpThreads(1)
                .build()
                .toConfigProto();
        assertEquals(4, config.getIntraOpParallelismThreads());
        assertEquals(1, config.getInterOpParallelismThreads());
        assertTrue(config.getAllowSoftPlacement());
    }

    /** Runs {@link RuntimeProbe} in a new JVM (the test class path unless {@code jvmArgs} gives one). */
    private static List<String> probe(List<String> jvmArgs, String... args) throws IOException, InterruptedException {
        List<String> command = ChildJvm.command(jvmArgs, RuntimeProbe.class.getName(), List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the probe did not finish within 120 s: " + command);
        }
        List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                .lines()
                .toList();
        assertEquals(0, p.exitValue(), "probe exit code; output: " + lines);
        return lines;
    }

    private static String line(List<String> lines, String prefix) {
        return lines.stream()
                .filter(l -> l.startsWith(prefix))
                .findFirst()
                .map(l -> l.substring(prefix.length()))
                .orElseThrow(() -> new AssertionError("no " + prefix + "in " + lines));
    }
}
