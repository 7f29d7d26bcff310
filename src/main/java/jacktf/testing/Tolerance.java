package jacktf.testing;

/**
 * How far two tensors' elements may differ: an element passes when
 * {@code |actual - expected| <= absolute + relative * |expected|}, numpy's {@code assert_allclose}
 * rule (the relative part scales with the <em>expected</em> value, so the test is not symmetric).
 * NaN equals NaN and an infinity equals the same infinity. Integer, boolean and string tensors are
 * always compared exactly.
 *
 * @param absolute the absolute part, {@code >= 0}
 * @param relative the relative part, {@code >= 0}
 */
public record Tolerance(double absolute, double relative) {
    /** Checks that both parts are finite and not negative. */
    public Tolerance {
        if (!(absolute >= 0) || !(relative >= 0) || Double.isInfinite(absolute) || Double.isInfinite(relative)) {
            throw new IllegalArgumentException(
                    "Tolerances must be finite and >= 0. Received: absolute " + absolute + ", relative " + relative);
        }
    }

    /** Only an absolute tolerance: {@code |actual - expected| <= absolute}. */
    public static Tolerance absolute(double absolute) {
        return new Tolerance(absolute, 0);
    }

    /** Only a relative tolerance: {@code |actual - expected| <= relative * |expected|}. */
    public static Tolerance relative(double relative) {
        return new Tolerance(0, relative);
    }

    /** Both: {@code |actual - expected| <= absolute + relative * |expected|}. */
    public static Tolerance of(double absolute, double relative) {
        return new Tolerance(absolute, relative);
    }

    /** The largest difference allowed from {@code expected}. */
    public double allowed(double expected) {
        return absolute + relative * Math.abs(expected);
    }

    boolean accepts(double expected, double actual) {
        if (Double.isNaN(expected)
                || Double.isNaN(actual)
                || Double.isInfinite(expected)
                || Double.isInfinite(actual)) {
            return Double.compare(expected, actual) == 0 || Double.isNaN(expected) && Double.isNaN(actual);
        }
        return Math.abs(actual - expected) <= allowed(expected);
    }

    @Override
    public String toString() {
        if (relative == 0) {
            return "absolute " + absolute;
        }
        return absolute == 0 ? "relative " + relative : "absolute " + absolute + " + relative " + relative;
    }
}
