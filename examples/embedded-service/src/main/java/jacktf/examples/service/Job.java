package jacktf.examples.service;

import com.google.gson.JsonObject;
import jacktf.train.StepEvent;
import jacktf.train.Trainer;
import jacktf.train.TrainingListener;

/** One fine-tuning job and its progress, updated by the training thread through {@link TrainingListener}. */
public final class Job implements TrainingListener {
    /** Where a job is. */
    public enum State {
        QUEUED,
        RUNNING,
        EXPORTING,
        SUCCEEDED,
        CANCELLED,
        FAILED
    }

    private final String id;
    private final JobRequest request;
    private volatile State state = State.QUEUED;
    private volatile long step;
    private volatile float loss = Float.NaN;
    private volatile float accuracy = Float.NaN;
    private volatile String error;
    private volatile long modelVersion;
    private volatile Trainer trainer;
    private volatile boolean cancelRequested;

    Job(String id, JobRequest request) {
        this.id = id;
        this.request = request;
    }

    /** The job's id. */
    public String id() {
        return id;
    }

    /** What was asked for. */
    public JobRequest request() {
        return request;
    }

    /** Where the job is now. */
    public State state() {
        return state;
    }

    @Override
    public void onStep(StepEvent event) {
        step = event.step();
        loss = event.totalLoss();
        accuracy = event.accuracy();
    }

    synchronized void started(Trainer t) {
        trainer = t;
        state = State.RUNNING;
        if (cancelRequested) {
            t.cancel();
        }
    }

    /** Asks the job to stop: a queued job never starts, a running one stops after its current step. */
    synchronized void cancel() {
        cancelRequested = true;
        if (trainer != null) {
            trainer.cancel();
        }
    }

    boolean cancelRequested() {
        return cancelRequested;
    }

    void finish(State s, long version, String problem) {
        modelVersion = version;
        error = problem;
        state = s;
    }

    void exporting() {
        state = State.EXPORTING;
    }

    /** The job as {@code GET /jobs/{id}} returns it. */
    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("id", id);
        o.addProperty("state", state.name().toLowerCase());
        o.addProperty("step", step);
        o.addProperty("steps", request.steps());
        if (!Float.isNaN(loss)) {
            o.addProperty("loss", loss);
            o.addProperty("accuracy", accuracy);
        }
        if (modelVersion > 0) {
            o.addProperty("model_version", modelVersion);
        }
        if (error != null) {
            o.addProperty("error", error);
        }
        return o;
    }
}
