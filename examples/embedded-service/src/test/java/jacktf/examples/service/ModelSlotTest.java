package jacktf.examples.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Leases: a swapped-out model closes exactly when its last request is done, never before. */
class ModelSlotTest {
    /** A resource that knows whether it was closed, and how often. */
    static final class Resource implements AutoCloseable {
        final AtomicInteger closes = new AtomicInteger();

        boolean closed() {
            return closes.get() > 0;
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }

    @Test
    void oldModelClosesAfterItsLastLeaseNotAtTheSwap() {
        ModelSlot<Resource> slot = new ModelSlot<>();
        assertNull(slot.acquire(), "nothing installed");
        Resource first = new Resource();
        Resource second = new Resource();
        slot.swap(first, 1);
        ModelSlot.Lease<Resource> a = slot.acquire();
        ModelSlot.Lease<Resource> b = slot.acquire();
        slot.swap(second, 2);
        assertEquals(2, slot.version());
        assertFalse(first.closed(), "two requests still use it");
        a.close();
        assertFalse(first.closed(), "one request still uses it");
        assertEquals(1, b.version());
        b.close();
        assertEquals(1, first.closes.get(), "closed once, by the last request");
        try (ModelSlot.Lease<Resource> c = slot.acquire()) {
            assertEquals(2, c.version());
        }
        assertFalse(second.closed(), "the slot still holds the serving one");
        slot.close();
        assertEquals(1, second.closes.get());
    }

    @Test
    void concurrentRequestsAcrossHundredsOfSwapsNeverSeeAClosedModel() throws Exception {
        ModelSlot<Resource> slot = new ModelSlot<>();
        List<Resource> installed = new ArrayList<>();
        Resource initial = new Resource();
        installed.add(initial);
        slot.swap(initial, 1);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger requests = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<Boolean>> clients = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            clients.add(pool.submit(() -> {
                long lastVersion = 0;
                for (int i = 0; i < 1_000_000 && !stop.get(); i++) {
                    try (ModelSlot.Lease<Resource> lease = slot.acquire()) {
                        if (lease.model().closed() || lease.version() < lastVersion) {
                            return false;
                        }
                        lastVersion = lease.version();
                        requests.incrementAndGet();
                    }
                }
                return true;
            }));
        }
        for (int v = 2; v <= 300; v++) {
            Resource next = new Resource();
            installed.add(next);
            slot.swap(next, v);
        }
        stop.set(true);
        for (Future<Boolean> c : clients) {
            assertTrue(c.get(60, TimeUnit.SECONDS), "a request saw a closed model or an older version");
        }
        pool.shutdown();
        assertTrue(requests.get() > 0);
        for (int i = 0; i < installed.size() - 1; i++) {
            assertEquals(1, installed.get(i).closes.get(), "version " + (i + 1) + " closed exactly once");
        }
        assertFalse(installed.get(installed.size() - 1).closed());
    }
}
