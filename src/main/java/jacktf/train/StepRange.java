package jacktf.train;

import jacktf.config.ConfigException;

/**
 * Global steps {@code first} to {@code last}, both included (the CLI's {@code A:B}).
 *
 * @param first the first step, >= 1
 * @param last the last step, >= first
 */
public record StepRange(long first, long last) {
    /** @throws ConfigException unless {@code 1 <= first <= last} */
    public StepRange {
        if (first < 1 || last < first) {
            throw new ConfigException("profileSteps", "steps A:B with 1 <= A <= B", first + ":" + last);
        }
    }

    /** Parses {@code A:B}, or {@code A} for one step. */
    public static StepRange parse(String text) {
        String[] parts = text.trim().split(":", -1);
        try {
            if (parts.length == 1) {
                long step = Long.parseLong(parts[0]);
                return new StepRange(step, step);
            }
            if (parts.length == 2) {
                return new StepRange(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
            }
        } catch (NumberFormatException e) {
            // the message below says what is expected
        }
        throw new ConfigException("profileSteps", "steps A:B with 1 <= A <= B, e.g. 20:25", text);
    }

    /** Whether {@code step} is in the range. */
    public boolean contains(long step) {
        return step >= first && step <= last;
    }

    @Override
    public String toString() {
        return first + ":" + last;
    }
}
