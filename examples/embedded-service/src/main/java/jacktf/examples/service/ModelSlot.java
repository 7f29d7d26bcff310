package jacktf.examples.service;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The model currently serving, swappable while requests run. Each request takes a {@link Lease}
 * (a reference count) and releases it when done; {@link #swap} installs the new model at once and
 * the old one closes when its last lease is released, so no request ever sees a closed model and
 * none has to wait for the swap.
 *
 * @param <T> the model, e.g. a {@code jacktf.serve.Classifier}
 */
public final class ModelSlot<T extends AutoCloseable> implements AutoCloseable {
    /** A model, its version, and how many holders it has (the slot itself counts as one). */
    public static final class Lease<T extends AutoCloseable> implements AutoCloseable {
        private final T model;
        private final long version;
        private final AtomicInteger holders = new AtomicInteger(1);

        private Lease(T model, long version) {
            this.model = model;
            this.version = version;
        }

        /** The model, valid until this lease is closed. */
        public T model() {
            return model;
        }

        /** The version the model was installed as. */
        public long version() {
            return version;
        }

        /** Takes a hold unless the model has already been closed (its count reached zero). */
        private boolean tryRetain() {
            while (true) {
                int n = holders.get();
                if (n == 0) {
                    return false;
                }
                if (holders.compareAndSet(n, n + 1)) {
                    return true;
                }
            }
        }

        /** Releases this hold; the last one closes the model. */
        @Override
        public void close() {
            if (holders.decrementAndGet() == 0) {
                try {
                    model.close();
                } catch (Exception e) {
                    throw new IllegalStateException("Closing model version " + version + " failed", e);
                }
            }
        }
    }

    private final AtomicReference<Lease<T>> current = new AtomicReference<>();

    /** A lease on the current model, or null when there is none yet. Close it when the request is done. */
    public Lease<T> acquire() {
        while (true) {
            Lease<T> lease = current.get();
            if (lease == null) {
                return null;
            }
            if (lease.tryRetain()) {
                return lease;
            }
            // It was swapped out and closed between get() and tryRetain(): the slot holds a newer one now.
        }
    }

    /** Installs {@code model} as {@code version}; the previous model closes after its last request. */
    public void swap(T model, long version) {
        Lease<T> old = current.getAndSet(new Lease<>(model, version));
        if (old != null) {
            old.close();
        }
    }

    /** The version serving now, or 0 when none. */
    public long version() {
        Lease<T> lease = current.get();
        return lease == null ? 0 : lease.version();
    }

    /** Drops the slot's hold on the current model; it closes after its last request. */
    @Override
    public void close() {
        Lease<T> old = current.getAndSet(null);
        if (old != null) {
            old.close();
        }
    }
}
