package jacktf.cluster;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import jacktf.runtime.Placement;
import jacktf.runtime.Sessions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tensorflow.proto.ClusterDef;
import org.tensorflow.proto.JobDef;
import org.tensorflow.proto.ServerDef;

/**
 * A TensorFlow cluster and this process's place in it: jobs {@code ps} and {@code worker} with
 * their {@code host:port} addresses, as slim's {@code --ps_hosts/--worker_hosts} or the standard
 * {@code TF_CONFIG} environment variable give them. Worker 0 is the chief.
 */
public record Cluster(List<String> ps, List<String> workers, String jobName, int taskIndex) {
    /** The job of the parameter servers. */
    public static final String PS = Placement.PS_JOB;
    /** The job of the workers, which train. */
    public static final String WORKER = "worker";

    /** Checks the addresses, the job and the task index. */
    public Cluster {
        ps = List.copyOf(ps);
        workers = List.copyOf(workers);
        if (workers.isEmpty()) {
            throw new IllegalArgumentException(
                    "The cluster needs at least one worker, e.g. --cluster 'ps=127.0.0.1:2222;"
                            + "worker=127.0.0.1:2223,127.0.0.1:2224'");
        }
        if (ps.isEmpty()) {
            throw new IllegalArgumentException("The cluster needs at least one ps task to hold the variables");
        }
        for (String address : concat(ps, workers)) {
            if (!address.matches("[^:\\s]+:\\d{1,5}")) {
                throw new IllegalArgumentException("Cluster address '" + address + "' is not host:port");
            }
        }
        if (!PS.equals(jobName) && !WORKER.equals(jobName)) {
            throw new IllegalArgumentException("--job-name must be ps or worker, got '" + jobName + "'");
        }
        int tasks = PS.equals(jobName) ? ps.size() : workers.size();
        if (taskIndex < 0 || taskIndex >= tasks) {
            throw new IllegalArgumentException("--task-index " + taskIndex + " is outside job " + jobName
                    + ", which has " + tasks + " task(s) (0.." + (tasks - 1) + ")");
        }
    }

    /** {@code ps=host:port[,...];worker=host:port[,...]}, slim's flags in one string. */
    public static Cluster parse(String spec, String jobName, int taskIndex) {
        Map<String, List<String>> jobs = new LinkedHashMap<>();
        for (String job : spec.split(";")) {
            if (job.isBlank()) {
                continue;
            }
            String[] kv = job.split("=", 2);
            if (kv.length != 2 || !(kv[0].trim().equals(PS) || kv[0].trim().equals(WORKER))) {
                throw new IllegalArgumentException(
                        "--cluster takes 'ps=host:port,...;worker=host:port,...', got '" + spec + "'");
            }
            List<String> addresses = new ArrayList<>();
            for (String a : kv[1].split(",")) {
                if (!a.isBlank()) {
                    addresses.add(a.trim());
                }
            }
            jobs.put(kv[0].trim(), addresses);
        }
        return new Cluster(jobs.getOrDefault(PS, List.of()), jobs.getOrDefault(WORKER, List.of()), jobName, taskIndex);
    }

    /**
     * The cluster of a {@code TF_CONFIG} JSON: {@code {"cluster": {"ps": [...], "worker": [...]},
     * "task": {"type": "worker", "index": 0}}}. A {@code chief} job is read as worker 0.
     */
    public static Cluster fromTfConfig(String json) {
        try {
            JsonObject root = JsonParser.parseString(json).getAsJsonObject();
            JsonObject cluster = root.getAsJsonObject("cluster");
            JsonObject task = root.getAsJsonObject("task");
            List<String> workers = new ArrayList<>(strings(cluster.get("chief")));
            int chiefs = workers.size();
            workers.addAll(strings(cluster.get(WORKER)));
            String type = task.get("type").getAsString();
            int index = task.get("index").getAsInt();
            if (type.equals("chief")) {
                type = WORKER;
            } else if (type.equals(WORKER)) {
                index += chiefs;
            }
            return new Cluster(strings(cluster.get(PS)), workers, type, index);
        } catch (RuntimeException e) {
            if (e instanceof IllegalArgumentException && !(e instanceof NumberFormatException)) {
                throw new IllegalArgumentException("TF_CONFIG: " + e.getMessage(), e);
            }
            throw new IllegalArgumentException(
                    "TF_CONFIG is not {\"cluster\": {\"ps\": [..], \"worker\": [..]}, "
                            + "\"task\": {\"type\": \"worker\", \"index\": 0}}: " + e.getMessage(),
                    e);
        }
    }

    /** From the environment's {@code TF_CONFIG}, when set. */
    public static Optional<Cluster> fromEnvironment() {
        String json = System.getenv("TF_CONFIG");
        return json == null || json.isBlank() ? Optional.empty() : Optional.of(fromTfConfig(json));
    }

    private static List<String> strings(JsonElement e) {
        List<String> out = new ArrayList<>();
        if (e != null && !e.isJsonNull()) {
            e.getAsJsonArray().forEach(x -> out.add(x.getAsString()));
        }
        return out;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** Whether this process is a worker (it trains) rather than a ps task (it serves variables). */
    public boolean isWorker() {
        return WORKER.equals(jobName);
    }

    /** Worker 0: restores, writes checkpoints and summaries, and applies synchronous updates. */
    public boolean isChief() {
        return isWorker() && taskIndex == 0;
    }

    /** This task's {@code host:port}. */
    public String address() {
        return (isWorker() ? workers : ps).get(taskIndex);
    }

    /** The in-process server's address for this process's own session. */
    public String localTarget() {
        return "grpc://localhost:" + address().substring(address().lastIndexOf(':') + 1);
    }

    /**
     * The devices a session of this task may use: the ps tasks and its own, so a worker does not
     * wait on the other workers.
     */
    public List<String> deviceFilters() {
        return List.of("/job:" + PS, taskName());
    }

    /** This task as TF names it, {@code /job:worker/task:1}. */
    public String taskName() {
        return "/job:" + jobName + "/task:" + taskIndex;
    }

    /** The definition of this task's TF server in the whole cluster. */
    public ServerDef serverDef() {
        ClusterDef.Builder cluster = ClusterDef.newBuilder();
        cluster.addJob(job(PS, ps));
        cluster.addJob(job(WORKER, workers));
        return ServerDef.newBuilder()
                .setCluster(cluster)
                .setJobName(jobName)
                .setTaskIndex(taskIndex)
                .setProtocol("grpc")
                .setDefaultSessionConfig(Sessions.config())
                .build();
    }

    private static JobDef job(String name, List<String> addresses) {
        JobDef.Builder job = JobDef.newBuilder().setName(name);
        for (int i = 0; i < addresses.size(); i++) {
            job.putTasks(i, addresses.get(i));
        }
        return job.build();
    }

    @Override
    public String toString() {
        return "ps=" + String.join(",", ps) + ";worker=" + String.join(",", workers) + " as " + taskName();
    }
}
