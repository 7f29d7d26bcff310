package jacktf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jacktf.cluster.Cluster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The Kubernetes recipe in {@code deploy/kubernetes/}: every pod's {@code TF_CONFIG}, rendered by running the
 * manifests' own entry script with the environment its Job gives it, is the cluster jacktf expects, and the
 * Jobs, the Service and the flags agree with each other. (No Kubernetes schema validator resolves from the
 * registries this project builds from, so this checks what a schema would not: that the pieces fit.)
 */
class KubernetesRecipeTest {
    static final Path RECIPE = Path.of("deploy", "kubernetes");

    /** One Job of jobs.yaml, as far as TF_CONFIG depends on it. */
    record Job(String name, int completions, int parallelism, String subdomain, String args, Map<String, String> env) {}

    @Test
    void everyPodGetsItsPlaceInTheClusterFromTheManifestsScript() throws Exception {
        Map<String, Job> jobs = jobs();
        assertEquals(List.of("ps", "chief", "worker"), List.copyOf(jobs.keySet()));
        // Written out from the manifests' comments: 1 ps task, the chief, 2 more workers, Service pets:2222.
        List<String> ps = List.of("ps-0.pets:2222");
        List<String> workers = List.of("chief-0.pets:2222", "worker-0.pets:2222", "worker-1.pets:2222");
        Map<String, String> expectedTask = Map.of(
                "ps-0", "/job:ps/task:0",
                "chief-0", "/job:worker/task:0",
                "worker-0", "/job:worker/task:1",
                "worker-1", "/job:worker/task:2");
        int pods = 0;
        for (Job job : jobs.values()) {
            for (int i = 0; i < job.completions(); i++) {
                String pod = job.name() + "-" + i;
                Cluster c = Cluster.fromTfConfig(renderTfConfig(job, i));
                assertEquals(ps, c.ps(), pod);
                assertEquals(workers, c.workers(), pod);
                assertEquals(expectedTask.get(pod), c.taskName(), pod);
                // Its TF server listens on the port of the address the others dial: its own DNS name.
                assertEquals(pod + ".pets:2222", c.address(), pod);
                pods++;
            }
        }
        assertEquals(expectedTask.size(), pods);
    }

    @Test
    void theJobsTheServiceAndTheFlagsAgree() throws Exception {
        Map<String, Job> jobs = jobs();
        String service = Files.readString(RECIPE.resolve("service.yaml"));
        assertTrue(service.contains("clusterIP: None"), "the Service must be headless: " + service);
        String serviceName = group(service, "(?m)^  name: (\\S+)");
        String port = group(service, "(?m)^\\s+- name: grpc\\s+port: (\\d+)");
        String args = jacktfArgs(jobs.get("chief"));
        for (Job job : jobs.values()) {
            assertEquals(job.completions(), job.parallelism(), job.name() + ": every task must run at once");
            assertEquals(serviceName, job.subdomain(), job.name() + ": the pods' DNS names come from the Service");
            assertEquals(serviceName, job.env().get("JACKTF_SERVICE"), job.name());
            assertEquals(port, job.env().get("JACKTF_PORT"), job.name());
            assertEquals(
                    String.valueOf(jobs.get("worker").completions()), job.env().get("JACKTF_WORKERS"), job.name());
            assertEquals(String.valueOf(jobs.get("ps").completions()), job.env().get("JACKTF_PS_TASKS"), job.name());
            assertEquals(
                    args, jacktfArgs(job), job.name() + ": every process runs the same command line (heaps differ)");
        }
        assertEquals(1, jobs.get("chief").completions());
        assertTrue(args.endsWith("train, \"@/etc/jacktf/train.flags\""), args);
        // The flags file parses as `jacktf train` flags (picocli's @file: one flag and value per line).
        CommandLine.ParseResult parsed = JacktfCommand.commandLine()
                .parseArgs("train", "@" + RECIPE.resolve("train.flags").toAbsolutePath());
        CommandLine.ParseResult train = parsed.subcommand();
        assertEquals("train", train.commandSpec().name());
        assertTrue(train.hasMatchedOption("--sync-replicas"));
        assertEquals("/train", train.matchedOptionValue("--train-dir", null).toString());
        assertTrue(!train.hasMatchedOption("--cluster") && !train.hasMatchedOption("--job-name"), "TF_CONFIG says it");
    }

    @Test
    void aPodOfAnotherNameIsRefusedWithWhatToName() throws Exception {
        Job worker = jobs().get("worker");
        Map<String, String> env = new LinkedHashMap<>(worker.env());
        env.put("JACKTF_POD_HOST", "trainer-0");
        Result r = runScript(env);
        assertEquals(1, r.exit(), r.output());
        assertTrue(r.output().contains("the pod's host name 'trainer-0' is not chief-N, worker-N or ps-N"), r.output());
    }

    /** TF_CONFIG as the entry script of {@code job}'s pod {@code index} exports it to the process it runs. */
    static String renderTfConfig(Job job, int index) throws Exception {
        Map<String, String> env = new LinkedHashMap<>(job.env());
        // What Kubernetes sets in an Indexed Job's pod: its host name JOB-INDEX and the index.
        env.put("JACKTF_POD_HOST", job.name() + "-" + index);
        env.put("JOB_COMPLETION_INDEX", String.valueOf(index));
        Result r = runScript(env);
        assertEquals(0, r.exit(), r.output());
        return r.stdout();
    }

    record Result(int exit, String stdout, String output) {}

    static Result runScript(Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(
                "/bin/sh", RECIPE.resolve("tf-config.sh").toString(), "/bin/sh", "-c", "printf %s \"$TF_CONFIG\"");
        pb.environment().keySet().removeIf(k -> k.startsWith("JACKTF_") || k.equals("JOB_COMPLETION_INDEX"));
        pb.environment().putAll(env);
        Path err = Files.createTempFile("tf-config", ".err");
        try {
            Process p = pb.redirectError(err.toFile()).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(20, TimeUnit.SECONDS), "tf-config.sh did not finish");
            return new Result(p.exitValue(), out, out + Files.readString(err));
        } finally {
            Files.deleteIfExists(err);
        }
    }

    /** The Jobs of jobs.yaml in order, read from the layout it is written in. */
    static Map<String, Job> jobs() throws IOException {
        Map<String, Job> jobs = new LinkedHashMap<>();
        for (String doc : Files.readString(RECIPE.resolve("jobs.yaml")).split("(?m)^---$")) {
            Map<String, String> env = new LinkedHashMap<>();
            Matcher m = Pattern.compile("- name: (\\w+)\\s+value: \"?([^\"\\n]*)\"?")
                    .matcher(doc);
            while (m.find()) {
                env.put(m.group(1), m.group(2));
            }
            assertEquals("Job", group(doc, "(?m)^kind: (\\S+)"));
            Job job = new Job(
                    group(doc, "(?m)^  name: (\\S+)"),
                    Integer.parseInt(group(doc, "(?m)^  completions: (\\d+)")),
                    Integer.parseInt(group(doc, "(?m)^  parallelism: (\\d+)")),
                    group(doc, "(?m)^\\s+subdomain: (\\S+)"),
                    group(doc, "(?m)^\\s+args: \\[(.*)]$"),
                    env);
            assertEquals("Indexed", group(doc, "(?m)^  completionMode: (\\S+)"), job.name());
            jobs.put(job.name(), job);
        }
        return jobs;
    }

    /** The arguments of jacktf, after the JVM's own. */
    static String jacktfArgs(Job job) {
        return job.args().substring(job.args().indexOf("-jar"));
    }

    static String group(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), "no " + regex + " in\n" + text);
        return m.group(1);
    }
}
