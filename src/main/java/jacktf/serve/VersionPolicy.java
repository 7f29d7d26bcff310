package jacktf.serve;

import java.util.List;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which versions under a base path are served: TF Serving's {@code model_version_policy}, the
 * newest {@code n} (default 1), all, or a specific set.
 */
sealed interface VersionPolicy {
    /** The versions to serve out of those on disk. */
    NavigableSet<Long> select(NavigableSet<Long> onDisk);

    /** The newest {@code count} versions. */
    record Latest(int count) implements VersionPolicy {
        @Override
        public NavigableSet<Long> select(NavigableSet<Long> onDisk) {
            NavigableSet<Long> out = new TreeSet<>();
            for (Long v : onDisk.descendingSet()) {
                if (out.size() == count) {
                    break;
                }
                out.add(v);
            }
            return out;
        }
    }

    /** Every version. */
    record All() implements VersionPolicy {
        @Override
        public NavigableSet<Long> select(NavigableSet<Long> onDisk) {
            return new TreeSet<>(onDisk);
        }
    }

    /** The listed versions that exist. */
    record Specific(Set<Long> versions) implements VersionPolicy {
        @Override
        public NavigableSet<Long> select(NavigableSet<Long> onDisk) {
            NavigableSet<Long> out = new TreeSet<>(onDisk);
            out.retainAll(versions);
            return out;
        }
    }

    /** TF Serving's default: the newest version only. */
    static VersionPolicy latest() {
        return new Latest(1);
    }

    /** For messages. */
    static String describe(VersionPolicy p) {
        if (p instanceof Latest l) {
            return "latest " + l.count();
        }
        if (p instanceof Specific s) {
            return "specific " + List.copyOf(new TreeSet<>(s.versions()));
        }
        return "all";
    }
}
