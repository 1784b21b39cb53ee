package dev.jvmbpf.runtime.maps;

import static dev.jvmbpf.runtime.maps.MapTestSupport.map;
import static dev.jvmbpf.runtime.maps.MapTestSupport.readU64;
import static dev.jvmbpf.runtime.maps.MapTestSupport.u32;
import static dev.jvmbpf.runtime.maps.MapTestSupport.u64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.runtime.memory.AddressSpace;
import dev.jvmbpf.runtime.memory.Region;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.Test;

class ConcurrencyTest {
    private static final int ATOMIC_ADD = 0x00;
    private static final int THREADS = 4;

    interface Body {
        void run(int thread) throws Exception;
    }

    private static void inParallel(Body body) throws Exception {
        CyclicBarrier start = new CyclicBarrier(THREADS);
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int id = t;
            Thread th = new Thread(() -> {
                try {
                    start.await();
                    body.run(id);
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) {
            th.join();
        }
        if (!failures.isEmpty()) {
            AssertionError e = new AssertionError("a thread failed");
            failures.forEach(e::addSuppressed);
            throw e;
        }
    }

    /** What a program's {@code lock add} does: through the thread's own address space. */
    private static final ThreadLocal<AddressSpace> SPACE = ThreadLocal.withInitial(AddressSpace::new);

    private static void atomicAdd(Region r, long delta) {
        AddressSpace space = SPACE.get();
        space.reset();
        space.atomic(ATOMIC_ADD, space.register(r), 8, delta, 0);
    }

    @Test
    void atomicIncrementsThroughValueRegionsGiveTheExactTotal() throws Exception {
        BpfMap hash = map(MapType.HASH, 4, 8, 16);
        BpfMap array = map(MapType.ARRAY, 4, 8, 16 + THREADS);
        for (int k = 0; k < 16; k++) {
            hash.update(u32(k), u64(0), 0);
        }
        int perThread = 20_000;
        inParallel(t -> {
            for (int i = 0; i < perThread; i++) {
                byte[] key = u32(i % 16);
                atomicAdd(hash.lookup(key), 1);
                atomicAdd(array.lookup(key), 2);
                if (i % 100 == 0) {
                    assertEquals(0, array.update(u32(16 + t), u64(i), 0), "update beside the counters");
                }
            }
        });
        long hashTotal = 0;
        long arrayTotal = 0;
        for (int k = 0; k < 16; k++) {
            hashTotal += readU64(hash.lookupValue(u32(k)), 0);
            arrayTotal += readU64(array.lookupValue(u32(k)), 0);
        }
        assertEquals((long) THREADS * perThread, hashTotal);
        assertEquals(2L * THREADS * perThread, arrayTotal);
        for (int t = 0; t < THREADS; t++) {
            assertEquals(perThread - 100, readU64(array.lookupValue(u32(16 + t)), 0));
        }
    }

    @Test
    void updatesDeletesAndLookupsOfOneHashStayConsistent() throws Exception {
        BpfMap m = map(MapType.HASH, 8, 8, 256);
        int iterations = 20_000;
        inParallel(t -> {
            java.util.Random rnd = new java.util.Random(t);
            for (int i = 0; i < iterations; i++) {
                long k = rnd.nextInt(64);
                byte[] key = u64(k);
                switch (rnd.nextInt(4)) {
                    case 0 -> {
                        int r = m.update(key, u64(k * 10), MapFlags.BPF_NOEXIST);
                        assertTrue(r == 0 || r == -Errno.EEXIST, "update returned " + r);
                    }
                    case 1 -> {
                        int r = m.delete(key);
                        assertTrue(r == 0 || r == -Errno.ENOENT, "delete returned " + r);
                    }
                    case 2 -> {
                        Region v = m.lookup(key);
                        if (v != null) {
                            assertEquals(k * 10, v.get(0, 8), "value of key " + k);
                        }
                    }
                    default -> {
                        int r = m.update(key, u64(k * 10), MapFlags.BPF_EXIST);
                        assertTrue(r == 0 || r == -Errno.ENOENT, "update returned " + r);
                    }
                }
            }
        });
        int walked = 0;
        for (byte[] k = m.nextKey(null); k != null; k = m.nextKey(k)) {
            walked++;
            assertEquals(readU64(k, 0) * 10, readU64(m.lookupValue(k), 0));
        }
        assertEquals(m.size(), walked);
        assertEquals(m.keys().size(), m.size());
    }

    @Test
    void concurrentInsertsNeverExceedMaxEntries() throws Exception {
        BpfMap m = map(MapType.HASH, 4, 8, 100);
        int[] inserted = new int[THREADS];
        inParallel(t -> {
            for (int i = 0; i < 1000; i++) {
                int r = m.update(u32(t * 1000 + i), u64(i), 0);
                if (r == 0) {
                    inserted[t]++;
                } else {
                    assertEquals(-Errno.E2BIG, r);
                }
            }
        });
        assertEquals(100, m.size());
        assertEquals(100, inserted[0] + inserted[1] + inserted[2] + inserted[3]);
        assertEquals(100, m.entries().size());
    }

    @Test
    void lruUnderContentionKeepsItsBound() throws Exception {
        BpfMap m = map(MapType.LRU_HASH, 4, 8, 50);
        inParallel(t -> {
            for (int i = 0; i < 5000; i++) {
                int k = (t * 7919 + i) % 500;
                assertEquals(0, m.update(u32(k), u64(k), 0));
                Region v = m.lookup(u32((k + 1) % 500));
                if (v != null) {
                    assertEquals((k + 1) % 500, v.get(0, 8));
                }
                if (i % 10 == 0) {
                    m.delete(u32(k));
                }
            }
        });
        assertTrue(m.size() <= 50, "size " + m.size());
        assertEquals(m.size(), m.keys().size());
        for (byte[] k : m.keys()) {
            assertEquals(MapTestSupport.readU32(k, 0), readU64(m.lookupValue(k), 0));
        }
    }

    @Test
    void percpuCountersSumToTheTotal() throws Exception {
        BpfMap m = map(MapType.PERCPU_ARRAY, 4, 8, 1);
        int perThread = 10_000;
        inParallel(t -> {
            Cpus.pin(t % Cpus.count());
            for (int i = 0; i < perThread; i++) {
                atomicAdd(m.lookup(u32(0)), 1);
            }
        });
        byte[] all = m.lookupValue(u32(0));
        long sum = 0;
        for (int c = 0; c < Cpus.count(); c++) {
            sum += readU64(all, 8 * c);
        }
        assertEquals((long) THREADS * perThread, sum);
        assertNull(m.lookup(u32(1)));
    }

    @Test
    void concurrentQueueKeepsEveryValueOnce() throws Exception {
        QueueMap q = (QueueMap) map(MapType.QUEUE, 0, 8, 10_000);
        inParallel(t -> {
            for (int i = 0; i < 1000; i++) {
                assertEquals(0, q.push(u64(t * 1000L + i), 0));
            }
        });
        boolean[] seen = new boolean[THREADS * 1000];
        byte[] out = new byte[8];
        int n = 0;
        while (q.pop(out) == 0) {
            int v = (int) readU64(out, 0);
            assertTrue(!seen[v], "value " + v + " twice");
            seen[v] = true;
            n++;
        }
        assertEquals(THREADS * 1000, n);
    }
}
