package jacktf.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.ServerDef;

class ClusterTest {
    @Test
    void slimStyleFlagsGiveTheClusterAndThisTask() {
        Cluster c = Cluster.parse("ps=10.0.0.1:2222;worker=10.0.0.2:2222, 10.0.0.3:2222", "worker", 1);
        assertEquals(List.of("10.0.0.1:2222"), c.ps());
        assertEquals(List.of("10.0.0.2:2222", "10.0.0.3:2222"), c.workers());
        assertFalse(c.isChief());
        assertEquals("grpc://localhost:2222", c.localTarget());
        ServerDef def = c.serverDef();
        assertEquals("worker", def.getJobName());
        assertEquals(1, def.getTaskIndex());
        assertEquals("10.0.0.3:2222", def.getCluster().getJob(1).getTasksMap().get(1));
    }

    @Test
    void aWorkersServerGivesEveryRunTheReplicaTimeoutAsDeadline() {
        Cluster c = Cluster.parse("ps=10.0.0.1:2222;worker=10.0.0.2:2222,10.0.0.3:2222", "worker", 1);
        ServerDef def = ClusterServer.serverDef(new Replicas(c, true, 20));
        assertEquals(20_000, def.getDefaultSessionConfig().getOperationTimeoutInMs());
        assertEquals(c.serverDef().getCluster(), def.getCluster());
        // A ps task's own wait for the workers to complete has no end: its server sets no deadline.
        assertEquals(
                0,
                Cluster.parse("ps=a:1;worker=b:1", "ps", 0)
                        .serverDef()
                        .getDefaultSessionConfig()
                        .getOperationTimeoutInMs());
    }

    @Test
    void tfConfigReadsAChiefJobAsWorkerZero() {
        String json = "{\"cluster\": {\"chief\": [\"c:1\"], \"worker\": [\"w:1\", \"w:2\"], \"ps\": [\"p:1\"]},"
                + " \"task\": {\"type\": \"worker\", \"index\": 1}}";
        Cluster c = Cluster.fromTfConfig(json);
        assertEquals(List.of("c:1", "w:1", "w:2"), c.workers());
        assertEquals(2, c.taskIndex());
        assertTrue(Cluster.fromTfConfig(
                        json.replace("\"type\": \"worker\", \"index\": 1", "\"type\": \"chief\", \"index\": 0"))
                .isChief());
    }

    @Test
    void badClustersAreRejectedWithWhatToWrite() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Cluster.parse("ps=a:1;worker=b", "worker", 0))
                .getMessage()
                .contains("'b' is not host:port"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Cluster.parse("ps=a:1;worker=b:1", "worker", 1))
                .getMessage()
                .contains("--task-index 1 is outside job worker"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Cluster.parse("worker=b:1", "worker", 0))
                .getMessage()
                .contains("at least one ps task"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Cluster.parse("ps=a:1;worker=b:1", "chief", 0))
                .getMessage()
                .contains("--job-name must be ps or worker"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Cluster.fromTfConfig("{\"cluster\": 3}"))
                .getMessage()
                .startsWith("TF_CONFIG"));
    }
}
