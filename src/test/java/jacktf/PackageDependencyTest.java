package jacktf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package structure ARCHITECTURE.md draws: every reference from one jacktf package to another
 * (imports and fully qualified names alike, comments and strings left out) is allowed by the table
 * below, and the packages form no cycle.
 */
class PackageDependencyTest {
    /** What each package may import, as ARCHITECTURE.md's table says. */
    private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("config", Set.of()),
            Map.entry("runtime", Set.of("config")),
            Map.entry("model", Set.of("config", "runtime")),
            Map.entry("checkpoint", Set.of("config", "runtime", "model")),
            Map.entry("data", Set.of("config", "runtime", "model")),
            Map.entry("traindir", Set.of("config", "runtime", "checkpoint", "data")),
            Map.entry("cluster", Set.of("config", "runtime", "model")),
            Map.entry("train", Set.of("config", "runtime", "model", "checkpoint", "data", "traindir", "cluster")),
            Map.entry("eval", Set.of("config", "runtime", "model", "checkpoint", "data", "traindir")),
            Map.entry("export", Set.of("config", "runtime", "model", "checkpoint", "data", "traindir")),
            Map.entry("serve", Set.of("config", "runtime", "model", "checkpoint", "data", "traindir", "export")),
            Map.entry("report", Set.of("config", "runtime", "traindir", "eval")),
            Map.entry(
                    "bench",
                    Set.of(
                            "config",
                            "runtime",
                            "model",
                            "checkpoint",
                            "data",
                            "traindir",
                            "cluster",
                            "train",
                            "eval",
                            "export",
                            "serve")),
            Map.entry(
                    "testing",
                    Set.of(
                            "config",
                            "runtime",
                            "model",
                            "checkpoint",
                            "data",
                            "traindir",
                            "cluster",
                            "train",
                            "eval",
                            "export",
                            "serve")),
            Map.entry(
                    "cli",
                    Set.of(
                            "config",
                            "runtime",
                            "model",
                            "checkpoint",
                            "data",
                            "traindir",
                            "cluster",
                            "train",
                            "eval",
                            "export",
                            "serve",
                            "report",
                            "bench")));

    private static final Pattern REFERENCE = Pattern.compile("\\bjacktf\\.([a-z]+)\\.");
    private static final Pattern COMMENTS_AND_STRINGS =
            Pattern.compile("//[^\\n]*|/\\*.*?\\*/|\"(?:\\\\.|[^\"\\\\])*\"", Pattern.DOTALL);

    @Test
    void packagesImportOnlyWhatTheArchitectureAllows() throws IOException {
        Map<String, Set<String>> actual = dependencies();
        assertEquals(
                new TreeSet<>(ALLOWED.keySet()),
                new TreeSet<>(actual.keySet()),
                "packages under src/main/java/jacktf; a new one needs a row here and in ARCHITECTURE.md");
        List<String> violations = new ArrayList<>();
        actual.forEach((from, targets) -> {
            for (String to : targets) {
                if (!ALLOWED.get(from).contains(to)) {
                    violations.add(from + " -> " + to);
                }
            }
        });
        assertTrue(violations.isEmpty(), "references ARCHITECTURE.md does not allow: " + violations);
    }

    @Test
    void everyPackageHasItsPackageInfo() throws IOException {
        List<String> missing = new ArrayList<>();
        try (Stream<Path> dirs = Files.walk(Path.of("src", "main", "java", "jacktf"))) {
            for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                if (!Files.exists(dir.resolve("package-info.java"))) {
                    missing.add(dir.toString());
                }
            }
        }
        assertTrue(
                missing.isEmpty(),
                "packages without a package-info.java (ARCHITECTURE.md: one per package): " + missing);
    }

    @Test
    void thereIsNoCycle() throws IOException {
        Map<String, Set<String>> graph = dependencies();
        Map<String, Integer> state = new TreeMap<>(); // 1 visiting, 2 done
        for (String p : graph.keySet()) {
            List<String> cycle = visit(p, graph, state, new ArrayList<>());
            assertTrue(cycle.isEmpty(), "package cycle: " + String.join(" -> ", cycle));
        }
    }

    private static List<String> visit(
            String p, Map<String, Set<String>> graph, Map<String, Integer> state, List<String> path) {
        Integer s = state.get(p);
        if (s != null && s == 2) {
            return List.of();
        }
        path.add(p);
        if (s != null) {
            return List.copyOf(path.subList(path.indexOf(p), path.size()));
        }
        state.put(p, 1);
        for (String next : graph.getOrDefault(p, Set.of())) {
            List<String> cycle = visit(next, graph, state, path);
            if (!cycle.isEmpty()) {
                return cycle;
            }
        }
        state.put(p, 2);
        path.remove(path.size() - 1);
        return List.of();
    }

    /** Package to the packages its main sources reference. */
    private static Map<String, Set<String>> dependencies() throws IOException {
        Path root = Path.of("src", "main", "java", "jacktf");
        Map<String, Set<String>> deps = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Path relative = root.relativize(file);
                if (relative.getNameCount() < 2) {
                    continue; // jacktf.Main, the entry point, sits above everything
                }
                String from = relative.getName(0).toString();
                Set<String> targets = deps.computeIfAbsent(from, k -> new TreeSet<>());
                String code =
                        COMMENTS_AND_STRINGS.matcher(Files.readString(file)).replaceAll(" ");
                Matcher m = REFERENCE.matcher(code);
                while (m.find()) {
                    if (!m.group(1).equals(from)) {
                        targets.add(m.group(1));
                    }
                }
            }
        }
        return deps;
    }
}
