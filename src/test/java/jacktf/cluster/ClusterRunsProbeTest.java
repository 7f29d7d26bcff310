package jacktf.cluster;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/**
 * The check before a run of a new kind (a chief's first checkpoint, validation, report of completion): TF
 * registers such a run's graph on the ps tasks with an RPC no deadline cancels, so an unreachable ps must be
 * found by a TCP connect first and named. Here one ps task listens on 127.0.0.1 and the other's port is closed.
 */
class ClusterRunsProbeTest {
    @Test
    void aPsThatAcceptsNoConnectionIsNamedBeforeTheFirstRunOfEachKind() throws IOException {
        try (ServerSocket ps0 = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String listening = "127.0.0.1:" + ps0.getLocalPort();
            String closed = "127.0.0.1:" + closedPort();
            ClusterRuns healthy = runs("ps=" + listening + ";worker=127.0.0.1:1");
            assertDoesNotThrow(() -> healthy.beforeFirst("checkpoint", "Checkpoint of step 5"));

            ClusterRuns oneLost = runs("ps=" + listening + "," + closed + ";worker=127.0.0.1:1");
            ClusterException e = assertThrows(
                    ClusterException.class, () -> oneLost.beforeFirst("checkpoint", "Checkpoint of step 5"));
            assertTrue(e.getMessage().startsWith("Checkpoint of step 5: a ps task"), e.getMessage());
            assertTrue(e.getMessage().contains(closed + " accepted no connection"), e.getMessage());
            assertTrue(e.getMessage().contains("restart the ps tasks and then the chief"), e.getMessage());
        }
        // Once a kind has run, its runs have the replica timeout as their deadline: no second probe.
        ClusterRuns later;
        try (ServerSocket ps0 = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            later = runs("ps=127.0.0.1:" + ps0.getLocalPort() + ";worker=127.0.0.1:1");
            later.beforeFirst("validation", "Validation at step 10");
        }
        assertDoesNotThrow(() -> later.beforeFirst("validation", "Validation at step 20"));
        assertThrows(ClusterException.class, () -> later.beforeFirst("checkpoint", "Checkpoint of step 20"));
    }

    private static ClusterRuns runs(String spec) {
        return new ClusterRuns(new Replicas(Cluster.parse(spec, "worker", 0), true, 30), null, null);
    }

    /** A port nothing listens on: bound, then released. */
    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
