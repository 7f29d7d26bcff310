package jacktf.bench;

import java.io.IOException;

/** How one {@link BenchMode} is measured. */
interface Measurement {
    /** Runs the measurement the config describes. */
    BenchResult measure(BenchConfig config) throws IOException;
}
