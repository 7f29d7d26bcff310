package jacktf.cluster;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * Session runs of a worker in a cluster: every wait on another process has a deadline
 * ({@link Replicas#timeoutSecs()}), and a lost peer becomes a {@link ClusterException} that
 * names it and says what to do, instead of a hang or a gRPC status dump.
 */
public final class ClusterRuns {
    /**
     * How long a ps task may take to accept a TCP connection after a wait timed out, before the
     * message blames the ps rather than the workers: a worker's stop after a lost ps takes at most the
     * replica timeout plus this.
     */
    public static final int PROBE_DEADLINE_MS = 5000;

    private final Replicas replicas;
    private final Coordination coordination;
    private final SyncReplicas sync;
    private final RunOptions deadline;
    private final Set<String> probedKinds = new HashSet<>();
    private long lastHeartbeat = Long.MIN_VALUE;
    private long lastHeartbeatChange;

    /**
     * The runs of {@code replicas}'s worker on a graph with {@code coordination}'s ops and, when
     * synchronous, {@code sync}'s (else null).
     */
    public ClusterRuns(Replicas replicas, Coordination coordination, SyncReplicas sync) {
        this.replicas = replicas;
        this.coordination = coordination;
        this.sync = sync;
        this.deadline = RunOptions.newBuilder()
                .setTimeoutInMs(replicas.timeoutSecs() * 1000L)
                .build();
    }

    /**
     * Chief, after it has initialised or restored the variables: the accumulators continue from the
     * global step, then the other workers may go.
     */
    public void chiefStarted(Session session) {
        if (sync != null) {
            session.run(sync.startAccumulators);
        }
        session.run(coordination.markChiefReady);
    }

    /**
     * A worker that is not the chief: waits until the chief has initialised or restored the
     * variables on the ps tasks, then drops releases a previous run of this worker left behind.
     */
    public void joinChief(Session session) {
        awaitChief(session, coordination.chiefReady, replicas);
        if (sync != null) {
            drainStaleReleases(session, sync);
        }
    }

    /**
     * Runs training step {@code step + 1} with the deadline; the chief advances its heartbeat in the
     * same run, the other workers read it and stop when it stands still for the timeout.
     */
    public Result runStep(Session.Runner runner, long step) {
        boolean chief = replicas.isChief();
        if (chief) {
            runner.addTarget(coordination.chiefHeartbeat);
        } else {
            runner.fetch(coordination.chiefHeartbeatValue); // the last fetch
        }
        Result r;
        try {
            r = runner.setOptions(deadline).run();
        } catch (TensorFlowException e) {
            throw translate(e, "step " + (step + 1));
        }
        if (!chief) {
            try {
                watchChief(((TInt64) r.get(r.size() - 1)).getLong(), step + 1);
            } catch (RuntimeException e) {
                r.close();
                throw e;
            }
        }
        return r;
    }

    /**
     * After a step's run: with synchronous replicas the chief applies the mean of every worker's
     * gradients and the others wait until it has; returns the new global step ({@code step} itself
     * when asynchronous).
     */
    public long finishStep(Session session, long step) {
        return sync == null ? step : finishSyncStep(session, step);
    }

    /** A worker that completed tells the ps tasks, which exit once every worker has. */
    public void reportCompleted(Session session) {
        beforeFirst("completion", "Reporting completion");
        session.run(coordination.reportCompleted);
    }

    private long finishSyncStep(Session session, long step) {
        Operand<TInt64> op = replicas.isChief() ? sync.aggregate : sync.awaitRelease;
        try (Result r = session.runner().fetch(op).setOptions(deadline).run()) {
            return ((TInt64) r.get(0)).getLong();
        } catch (TensorFlowException e) {
            if (!timedOut(e)) {
                throw translate(e, "step " + (step + 1));
            }
            // The wait ran on the ps: a partitioned ps looks the same as a missing peer until asked.
            psAnswers(e, "step " + (step + 1));
            Cluster c = replicas.cluster();
            if (replicas.isChief()) {
                throw new ClusterException(
                        "Step " + (step + 1) + ": not every worker sent its gradients within "
                                + replicas.timeoutSecs() + " s (the replica timeout, timeoutSecs). One of "
                                + c.workers().subList(1, c.workers().size())
                                + " has stopped or is stuck (a worker restarted within that time rejoins). The chief stops here; its "
                                + "last checkpoint is in its trainDir and rerunning the job resumes from it.",
                        e);
            }
            throw new ClusterException(
                    "Step " + (step + 1) + ": the chief (worker 0 at "
                            + c.workers().get(0)
                            + ") did not finish the step within " + replicas.timeoutSecs()
                            + " s (the replica timeout, timeoutSecs); "
                            + "it has "
                            + "probably stopped. This worker stops too. Restart the chief (it resumes from its last checkpoint), "
                            + "then this worker.",
                    e);
        }
    }

    /**
     * Throws a ClusterException naming the ps tasks when one does not accept a TCP connection within
     * {@link #PROBE_DEADLINE_MS}, after {@code waited} timed out. Not a session run: a fetch the session has
     * not run before registers a graph on the ps first, an RPC that no deadline cancels.
     */
    private void psAnswers(TensorFlowException waited, String what) {
        requirePsAnswering(
                what + " took longer than the replica timeout (timeoutSecs, " + replicas.timeoutSecs()
                        + " s), and a ps task " + replicas.cluster().ps() + " is not answering either: ",
                waited);
    }

    /**
     * Before the first run of a kind ({@code kind}: the first checkpoint, validation, report of completion),
     * checks that every ps task accepts a TCP connection. TensorFlow starts a run it has not made before by
     * registering that run's graph on the ps tasks, an RPC that no deadline cancels: a ps already behind a
     * partition would hang it for good. A ps lost after this check, while the registration is in flight,
     * still does (a known limit); every later run of the kind has the replica timeout as its deadline.
     *
     * @throws ClusterException naming the ps task that accepted no connection within {@link #PROBE_DEADLINE_MS}
     */
    public void beforeFirst(String kind, String what) {
        if (probedKinds.contains(kind)) {
            return;
        }
        requirePsAnswering(what + ": a ps task " + replicas.cluster().ps() + " is not answering: ", null);
        probedKinds.add(kind);
    }

    /**
     * Throws a ClusterException, {@code prefix} and which ps task accepted no TCP connection within
     * {@link #PROBE_DEADLINE_MS}, caused by {@code cause} (else the failed connect), when one does not.
     */
    private void requirePsAnswering(String prefix, Throwable cause) {
        for (String address : replicas.cluster().ps()) {
            IOException e = unreachable(address);
            if (e != null) {
                throw new ClusterException(prefix + notAnswering(address, e), cause != null ? cause : e);
            }
        }
    }

    /** The failure of a TCP connect to {@code address} within {@link #PROBE_DEADLINE_MS}, or null once it connects. */
    private static IOException unreachable(String address) {
        int colon = address.lastIndexOf(':');
        try (Socket socket = new Socket()) {
            socket.connect(
                    new InetSocketAddress(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1))),
                    PROBE_DEADLINE_MS);
            return null;
        } catch (IOException e) {
            return e;
        }
    }

    private static String notAnswering(String address, IOException e) {
        return address + " accepted no connection within " + PROBE_DEADLINE_MS / 1000 + " s (" + e.getMessage()
                + "). It has stopped or the network to it is down. The variables live there; once it is back, "
                + "restart the ps tasks and then the chief, which restores its last checkpoint.";
    }

    /**
     * A lost peer as a ClusterException that names it, for a failed run outside this class (a checkpoint's
     * read of the variables, a restore), which the server's default deadline ended; other exceptions as
     * they are.
     */
    public RuntimeException explain(RuntimeException e, String what) {
        return e instanceof TensorFlowException tf ? translate(tf, what) : e;
    }

    /**
     * A worker that is not the chief: in asynchronous mode nothing else would notice that the chief,
     * which alone saves checkpoints, is gone. Its heartbeat must move within the timeout.
     */
    private void watchChief(long heartbeat, long step) {
        long now = System.nanoTime();
        if (heartbeat != lastHeartbeat) {
            lastHeartbeat = heartbeat;
            lastHeartbeatChange = now;
        } else if (now - lastHeartbeatChange > replicas.timeoutSecs() * 1_000_000_000L) {
            throw new ClusterException(
                    "Step " + step + ": the chief (worker 0 at "
                            + replicas.cluster().workers().get(0)
                            + ") has not trained for " + replicas.timeoutSecs()
                            + " s (the replica timeout, timeoutSecs); "
                            + "it has probably stopped, "
                            + "and only the chief saves checkpoints. This worker stops too. Restart the chief (it resumes from its "
                            + "last checkpoint), then this worker.",
                    null);
        }
    }

    /** A worker that is not the chief waits until the chief has initialised or restored the variables. */
    private static void awaitChief(Session session, Operand<TBool> ready, Replicas replicas) {
        long deadline = System.nanoTime() + replicas.timeoutSecs() * 1_000_000_000L;
        TensorFlowException last = null;
        while (System.nanoTime() < deadline) {
            try (Result r = session.runner().fetch(ready).run()) {
                if (((TBool) r.get(0)).getBoolean()) {
                    return;
                }
            } catch (TensorFlowException e) {
                last = e; // the ps tasks may not be up yet
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ClusterException("Interrupted while waiting for the chief", e);
            }
        }
        Cluster c = replicas.cluster();
        throw new ClusterException(
                "Waited " + replicas.timeoutSecs() + " s for the chief (worker 0 at "
                        + c.workers().get(0) + ") to initialise the variables on the ps tasks " + c.ps()
                        + ". Start the chief and "
                        + "the ps tasks, or raise the replica timeout (timeoutSecs)"
                        + (last == null ? "." : ". Last error: " + firstLine(last)),
                last);
    }

    /**
     * Safe at start: the chief cannot release this worker again before it has sent the gradients
     * of the current step.
     */
    private static void drainStaleReleases(Session session, SyncReplicas sync) {
        int pending;
        try (Result r = session.runner().fetch(sync.pendingReleases).run()) {
            pending = ((TInt32) r.get(0)).getInt();
        }
        for (int i = 0; i < pending; i++) {
            session.runner().fetch(sync.awaitRelease).run().close();
        }
    }

    /** A ClusterException naming the lost peer, or {@code e} itself when it is not about the cluster. */
    private RuntimeException translate(TensorFlowException e, String what) {
        String message = String.valueOf(e.getMessage());
        if (timedOut(e)) {
            return new ClusterException(
                    what + " took longer than the replica timeout (timeoutSecs, " + replicas.timeoutSecs()
                            + " s): a ps task " + replicas.cluster().ps() + " is not answering.",
                    e);
        }
        String lower = message.toLowerCase(Locale.ROOT);
        if (lower.contains("unavailable")
                || lower.contains("connect")
                || lower.contains("socket closed")
                || lower.contains("aborted")) {
            return new ClusterException(
                    what + ": lost the connection to a ps task "
                            + replicas.cluster().ps()
                            + ". The variables lived there; restart the ps tasks and then the chief, which restores its last "
                            + "checkpoint. (" + firstLine(e) + ")",
                    e);
        }
        return e;
    }

    private static boolean timedOut(TensorFlowException e) {
        String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        return m.contains("deadline") || m.contains("timed out") || m.contains("timeout");
    }

    private static String firstLine(Throwable e) {
        return String.valueOf(e.getMessage())
                .lines()
                .map(String::strip)
                .filter(l -> !l.isEmpty())
                .findFirst()
                .orElse(e.getClass().getSimpleName());
    }
}
