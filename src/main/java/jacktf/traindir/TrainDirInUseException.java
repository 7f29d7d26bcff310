package jacktf.traindir;

import jacktf.config.JacktfException;
import java.nio.file.Path;

/** A second writer on a train dir: another process (or another trainer in this one) holds its lock. */
public final class TrainDirInUseException extends JacktfException {
    private static final long serialVersionUID = 1L;

    private final transient Path trainDir;

    TrainDirInUseException(Path trainDir, String holder) {
        super("Train dir " + trainDir + " is being written by " + holder + "; stop that run or choose another "
                + "train dir");
        this.trainDir = trainDir;
    }

    /** The train dir that is in use. */
    public Path trainDir() {
        return trainDir;
    }
}
