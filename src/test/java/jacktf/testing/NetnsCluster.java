package jacktf.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;

/**
 * Separate hosts on this machine for tests of training across machines: network namespaces joined by a
 * bridge, each host with its own address that exists only among them, made and removed by
 * {@code tools/netns-cluster.sh} (the script users run too). Processes start inside with {@code ip netns exec},
 * on the command line a user runs on real hosts. {@link #close} kills them and removes every namespace, also
 * after a failure (and a shutdown hook does, should the JVM end first); clusters of runs that crashed are
 * removed at the next {@link #create}.
 */
public final class NetnsCluster implements AutoCloseable {
    /** Every cluster's name starts so, then the creating JVM's pid: how stale ones are recognised. */
    static final String PREFIX = "jtfnet";

    private static final Path SCRIPT = Path.of("tools", "netns-cluster.sh");
    private static final AtomicInteger RUNS = new AtomicInteger();

    private final String name;
    private final int hosts;
    private final List<Process> processes = new ArrayList<>();
    private final Thread shutdownHook;

    private NetnsCluster(String name, int hosts) {
        this.name = name;
        this.hosts = hosts;
        this.shutdownHook = new Thread(this::down, "netns-cluster-down-" + name);
    }

    /**
     * {@code hosts} hosts {@code 10.20.0.1..}; where namespaces cannot be made (not Linux, not root, no
     * iproute2) prints {@code SKIPPED: reason} and aborts the test.
     */
    public static NetnsCluster create(int hosts) throws IOException {
        String unavailable = unavailable();
        if (unavailable != null) {
            String reason = "SKIPPED: separate hosts need network namespaces: " + unavailable;
            System.out.println(reason);
            Assumptions.abort(reason);
        }
        for (String stale : script("stale", PREFIX).lines().toList()) {
            script("down", stale);
        }
        NetnsCluster cluster =
                new NetnsCluster(PREFIX + ProcessHandle.current().pid() + "x" + RUNS.incrementAndGet(), hosts);
        Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
        try {
            script("up", cluster.name, String.valueOf(hosts));
        } catch (IOException | RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /** Why namespaces cannot be made here, or null. */
    static String unavailable() {
        if (!System.getProperty("os.name").toLowerCase().contains("linux")) {
            return "this is " + System.getProperty("os.name") + ", not Linux";
        }
        if (!Files.isExecutable(Path.of("/usr/sbin/ip")) && !Files.isExecutable(Path.of("/sbin/ip"))) {
            return "no iproute2 (/usr/sbin/ip); install it (apt-get install iproute2)";
        }
        if (!Files.isExecutable(Path.of("/usr/sbin/tc")) && !Files.isExecutable(Path.of("/sbin/tc"))) {
            return "no tc (iproute2)";
        }
        try {
            String uid = run(List.of("id", "-u")).strip();
            return uid.equals("0") ? null : "not root (uid " + uid + "); CI runs as root";
        } catch (IOException | RuntimeException e) {
            return "cannot tell the user id: " + e.getMessage();
        }
    }

    /** The address of host {@code host} (0-based), e.g. {@code 10.20.0.1} for host 0. */
    public String address(int host) {
        checkHost(host);
        return "10.20.0." + (host + 1);
    }

    /** This cluster's name: its namespaces are NAME-sw and NAME-0 ... */
    public String name() {
        return name;
    }

    /** Runs {@code command} on host {@code host}, output and errors to {@code log}. */
    public Process start(int host, List<String> command, Path log, Map<String, String> environment) throws IOException {
        checkHost(host);
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name + "-" + host));
        full.addAll(command); // ip netns exec execs the command: the Process is the command itself
        ProcessBuilder pb = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(environment);
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    /** Caps every link both ways with tc tbf: {@code 1gbit}, {@code 100mbit}, or {@code none}. */
    public void limit(String rate) throws IOException {
        script("limit", name, rate);
    }

    /** Partitions host {@code host}: the network drops its frames both ways; it keeps its address and carrier. */
    public void cut(int host) throws IOException {
        checkHost(host);
        script("cut", name, String.valueOf(host));
    }

    /** Ends a {@link #cut}. */
    public void heal(int host) throws IOException {
        checkHost(host);
        script("heal", name, String.valueOf(host));
    }

    /** Bytes received and sent on host {@code host}'s interface so far: {@code {rx, tx}}. */
    public long[] bytes(int host) throws IOException {
        checkHost(host);
        String[] f = script("bytes", name, String.valueOf(host)).strip().split("\\s+");
        return new long[] {Long.parseLong(f[0]), Long.parseLong(f[1])};
    }

    /** The names of the namespaces of this cluster that exist now. */
    public List<String> namespaces() throws IOException {
        return run(List.of("ip", "netns", "list"))
                .lines()
                .map(l -> l.split("\\s+")[0])
                .filter(n -> n.startsWith(name + "-"))
                .toList();
    }

    /**
     * Kills the processes started here and removes the namespaces; fails if any of either is left.
     */
    @Override
    public void close() throws IOException {
        down();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook runs anyway
        }
        List<String> left = namespaces();
        List<Process> running = processes.stream().filter(Process::isAlive).toList();
        if (!left.isEmpty() || !running.isEmpty()) {
            throw new AssertionError("left behind: namespaces " + left + ", processes " + running);
        }
    }

    private void down() {
        for (Process p : processes) {
            p.destroyForcibly();
        }
        for (Process p : processes) {
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            script("down", name); // also whatever else runs inside, e.g. a process's children
        } catch (IOException | RuntimeException e) {
            System.err.println("netns-cluster: could not remove " + name + ": " + e.getMessage());
        }
    }

    private void checkHost(int host) {
        if (host < 0 || host >= hosts) {
            throw new IllegalArgumentException("host " + host + " is outside 0.." + (hosts - 1));
        }
    }

    private static String script(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
        command.addAll(List.of(args));
        return run(command);
    }

    /** Runs a short command to its end (bounded); its output, or an exception with it when it fails. */
    private static String run(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("still running after 60 s: " + command);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + command, e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IllegalStateException(command + " failed (exit " + p.exitValue() + "): " + out);
        }
        return out;
    }
}
