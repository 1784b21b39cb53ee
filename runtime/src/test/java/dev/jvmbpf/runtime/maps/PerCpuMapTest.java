package dev.jvmbpf.runtime.maps;

import static dev.jvmbpf.runtime.maps.MapTestSupport.map;
import static dev.jvmbpf.runtime.maps.MapTestSupport.readU32;
import static dev.jvmbpf.runtime.maps.MapTestSupport.u32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.jvmbpf.runtime.memory.Region;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class PerCpuMapTest {
    private static final int N = Cpus.count();

    /** Runs {@code body} on a fresh thread pinned to {@code cpu}. */
    private static void onCpu(int cpu, Runnable body) throws InterruptedException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                Cpus.pin(cpu);
                body.run();
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.start();
        t.join();
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
    }

    @Test
    void threadsKeepTheirCpu() throws InterruptedException {
        int cpu = Cpus.current();
        assertEquals(cpu, Cpus.current());
        onCpu(N - 1, () -> assertEquals(N - 1, Cpus.current()));
        assertEquals(cpu, Cpus.current());
    }

    @Test
    void percpuArrayShowsEachCpuItsOwnSlotAndJavaAllOfThem() throws InterruptedException {
        BpfMap m = map(MapType.PERCPU_ARRAY, 4, 4, 2);
        for (int c = 0; c < N; c++) {
            int cpu = c;
            onCpu(c, () -> {
                assertEquals(0, m.update(u32(1), u32(100 + cpu), 0));
                assertEquals(100 + cpu, (int) m.lookup(u32(1)).get(0, 4));
            });
        }
        byte[] all = m.lookupValue(u32(1));
        assertEquals(8 * N, all.length);
        for (int c = 0; c < N; c++) {
            assertEquals(100 + c, readU32(all, 8 * c));
        }
        byte[] set = new byte[8 * N];
        for (int c = 0; c < N; c++) {
            set[8 * c] = (byte) (c + 1);
        }
        assertEquals(0, m.update(u32(0), set, 0));
        for (int c = 0; c < N; c++) {
            int cpu = c;
            onCpu(c, () -> assertEquals(cpu + 1, (int) m.lookup(u32(0)).get(0, 4)));
        }
        assertEquals(-Errno.E2BIG, m.update(u32(2), u32(0), 0));
        assertEquals(-Errno.EINVAL, m.delete(u32(0)));
    }

    @Test
    void percpuHashUpdatesInPlaceAndZeroesOtherCpusOfANewElement() throws InterruptedException {
        BpfMap m = map(MapType.PERCPU_HASH, 4, 4, 4);
        onCpu(0, () -> assertEquals(0, m.update(u32(9), u32(5), MapFlags.BPF_NOEXIST)));
        byte[] all = m.lookupValue(u32(9));
        assertEquals(8 * N, all.length);
        assertEquals(5, readU32(all, 0));
        for (int c = 1; c < N; c++) {
            assertEquals(0, readU32(all, 8 * c));
        }
        AtomicReference<Region> held = new AtomicReference<>();
        onCpu(0, () -> held.set(m.lookup(u32(9))));
        onCpu(0, () -> assertEquals(0, m.update(u32(9), u32(6), MapFlags.BPF_EXIST)));
        assertEquals(6, held.get().get(0, 4), "per-CPU hash values are updated in place");
        onCpu(N - 1, () -> {
            Region mine = m.lookup(u32(9));
            if (N > 1) {
                assertNotSame(held.get(), mine);
                assertSame(held.get().data(), mine.data());
            }
        });
        assertEquals(0, m.delete(u32(9)));
        assertNull(m.lookupValue(u32(9)));
    }

    @Test
    void lruPercpuHashEvicts() {
        BpfMap m = map(MapType.LRU_PERCPU_HASH, 4, 8, 2);
        m.update(u32(1), new byte[8], 0);
        m.update(u32(2), new byte[8], 0);
        m.lookup(u32(1));
        assertEquals(0, m.update(u32(3), new byte[8], 0));
        assertNull(m.lookupValue(u32(2)));
        assertEquals(8 * N, m.lookupValue(u32(1)).length);
    }
}
