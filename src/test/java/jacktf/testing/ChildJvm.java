package jacktf.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a JVM a test starts (a cluster task, a process to kill, a fresh JVM to load a
 * model in): this JVM's {@code java} and, unless the options name one, its class path, with the JIT
 * setting every test JVM uses.
 */
public final class ChildJvm {
    /**
     * C1 alone (no C2). A test's JVM lives seconds to minutes and spends its time in TensorFlow's kernels;
     * C2's compiler threads cost it more CPU than its faster Java code saves: a 200-step TinyNet run of
     * {@code jacktf train} takes 8.1 s of CPU by default and 4.5 s with C1 alone, and 1.3 s less wall time.
     * The surefire forks run with the same option (pom.xml); users' JVMs keep the default.
     */
    public static final String JIT = "-XX:TieredStopAtLevel=1";

    private ChildJvm() {}

    /** {@code java JIT [-cp CLASSPATH] jvmOptions mainClass args}; a mutable list, for callers to add to. */
    public static List<String> command(List<String> jvmOptions, String mainClass, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add(JIT);
        if (!jvmOptions.contains("-cp")) {
            command.addAll(List.of("-cp", System.getProperty("java.class.path")));
        }
        command.addAll(jvmOptions);
        command.add(mainClass);
        command.addAll(args);
        return command;
    }
}
