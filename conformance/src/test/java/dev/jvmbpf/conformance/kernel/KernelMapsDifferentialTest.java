package dev.jvmbpf.conformance.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.kernel.internal.BpfSyscall;
import dev.jvmbpf.kernel.internal.SyscallException;
import dev.jvmbpf.kernel.testing.KernelRequired;
import dev.jvmbpf.runtime.maps.BpfMap;
import dev.jvmbpf.runtime.maps.Cpus;
import dev.jvmbpf.runtime.maps.Errno;
import dev.jvmbpf.runtime.maps.MapCreationException;
import dev.jvmbpf.runtime.maps.MapFlags;
import dev.jvmbpf.runtime.maps.MapSpec;
import dev.jvmbpf.runtime.maps.MapType;
import dev.jvmbpf.runtime.maps.Maps;
import dev.jvmbpf.runtime.maps.QueueMap;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the same operations on the runtime's maps and on the kernel's (bpf(2)) and compares return
 * codes, values and, where the order is defined by the map type, iteration order. Skipped with
 * the reason printed where the kernel cannot run BPF.
 */
class KernelMapsDifferentialTest {
    private static final HexFormat HEX = HexFormat.of();

    @BeforeAll
    static void kernelAvailable() {
        KernelRequired.assume("KernelMapsDifferentialTest");
    }

    /** What bpf(2) returned for {@code command}: 0, or the negated errno (ENOENT where it found nothing). */
    private static int kernel(BooleanSupplier command) {
        try {
            return command.getAsBoolean() ? 0 : -Errno.ENOENT;
        } catch (SyscallException e) {
            return -e.errno();
        }
    }

    private static int kernelUpdate(int fd, byte[] key, byte[] value, long flags) {
        return kernel(() -> {
            BpfSyscall.updateElement(fd, key, value, flags);
            return true;
        });
    }

    /** Fills {@code nextOut} with the key after {@code key} (the first for null); 0 or the negated errno. */
    private static int kernelNextKey(int fd, byte[] key, byte[] nextOut) {
        return kernel(() -> {
            byte[] next = BpfSyscall.nextKey(fd, key, nextOut.length);
            if (next != null) {
                System.arraycopy(next, 0, nextOut, 0, next.length);
            }
            return next != null;
        });
    }

    /** The new map's fd, or the negated errno. */
    private static int kernelCreateMap(MapSpec spec) {
        try {
            return BpfSyscall.createMap(spec.type().id(), spec.name(), spec.keySize(), spec.valueSize(),
                    spec.maxEntries(), spec.flags(), spec.mapExtra());
        } catch (SyscallException e) {
            return -e.errno();
        }
    }

    private static byte[] u32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    private static int ourCreate(MapSpec spec) {
        try {
            Maps.create(spec);
            return 0;
        } catch (MapCreationException e) {
            return -e.errno();
        }
    }

    private static int kernelCreate(MapSpec spec) {
        int fd = kernelCreateMap(spec);
        if (fd >= 0) {
            BpfSyscall.close(fd);
            return 0;
        }
        return fd;
    }

    private static MapSpec s(MapType t, int k, int v, int max, int flags) {
        return new MapSpec("d_" + t.id(), t, k, v, max, flags);
    }

    @Test
    void creationAcceptsAndRefusesLikeTheKernel() {
        int np = MapFlags.BPF_F_NO_PREALLOC;
        List<MapSpec> specs = List.of(
                s(MapType.HASH, 4, 8, 16, 0), s(MapType.HASH, 4, 8, 16, np), s(MapType.HASH, 4, 4, 0, 0),
                s(MapType.HASH, 0, 4, 1, 0), s(MapType.HASH, 4, 0, 1, 0), s(MapType.HASH, 4096, 4, 1, 0),
                s(MapType.HASH, 2 << 20, (2 << 20) - 100, 1, 0), s(MapType.HASH, 2 << 20, (2 << 20) - 40, 1, 0),
                s(MapType.HASH, 512, 4, 1, 0), s(MapType.HASH, 4, 4, 1, MapFlags.BPF_F_MMAPABLE),
                s(MapType.HASH, 4, 4, 1, MapFlags.BPF_F_NO_COMMON_LRU), s(MapType.HASH, 4, 4, 1, MapFlags.BPF_F_ZERO_SEED),
                s(MapType.HASH, 4, 4, 1, MapFlags.BPF_F_RDONLY_PROG | MapFlags.BPF_F_WRONLY_PROG),
                s(MapType.HASH, 4, 4, 1, MapFlags.BPF_F_RDONLY | MapFlags.BPF_F_WRONLY),
                s(MapType.HASH, 4, 4, 1, 1 << 20),
                s(MapType.PERCPU_HASH, 4, 32768, 1, 0), s(MapType.PERCPU_HASH, 4, 32769, 1, 0),
                s(MapType.LRU_HASH, 4, 8, 16, 0), s(MapType.LRU_HASH, 4, 8, 16, np),
                s(MapType.LRU_HASH, 4, 8, 16, MapFlags.BPF_F_NO_COMMON_LRU), s(MapType.LRU_PERCPU_HASH, 4, 8, 16, 0),
                s(MapType.ARRAY, 4, 8, 16, 0), s(MapType.ARRAY, 8, 8, 16, 0), s(MapType.ARRAY, 4, 0, 16, 0),
                s(MapType.ARRAY, 4, 8, 0, 0), s(MapType.ARRAY, 4, 8, 16, np),
                s(MapType.ARRAY, 4, 8, 16, MapFlags.BPF_F_MMAPABLE | MapFlags.BPF_F_RDONLY_PROG),
                s(MapType.ARRAY, 4, 8, 16, MapFlags.BPF_F_PRESERVE_ELEMS), s(MapType.ARRAY, 4, 8, 16, MapFlags.BPF_F_INNER_MAP),
                s(MapType.PERCPU_ARRAY, 4, 8, 16, 0), s(MapType.PERCPU_ARRAY, 4, 8, 16, MapFlags.BPF_F_MMAPABLE),
                s(MapType.PERCPU_ARRAY, 4, 32769, 1, 0),
                s(MapType.PROG_ARRAY, 4, 4, 4, 0), s(MapType.PROG_ARRAY, 4, 8, 4, 0),
                s(MapType.PROG_ARRAY, 4, 4, 4, MapFlags.BPF_F_PRESERVE_ELEMS),
                s(MapType.PERF_EVENT_ARRAY, 4, 4, 4, 0), s(MapType.PERF_EVENT_ARRAY, 4, 4, 4, MapFlags.BPF_F_PRESERVE_ELEMS),
                s(MapType.PERF_EVENT_ARRAY, 8, 4, 4, 0),
                s(MapType.LPM_TRIE, 8, 4, 16, np), s(MapType.LPM_TRIE, 8, 4, 16, 0), s(MapType.LPM_TRIE, 4, 4, 16, np),
                s(MapType.LPM_TRIE, 5, 4, 16, np), s(MapType.LPM_TRIE, 260, 4, 16, np), s(MapType.LPM_TRIE, 261, 4, 16, np),
                s(MapType.LPM_TRIE, 8, 0, 16, np), s(MapType.LPM_TRIE, 8, 4, 16, np | MapFlags.BPF_F_ZERO_SEED),
                s(MapType.QUEUE, 0, 4, 4, 0), s(MapType.QUEUE, 4, 4, 4, 0), s(MapType.QUEUE, 0, 0, 4, 0),
                s(MapType.STACK, 0, 4, 4, 0), s(MapType.STACK, 0, 4, 0, 0), s(MapType.STACK, 0, 4, 4, np),
                s(MapType.BLOOM_FILTER, 0, 4, 16, 0), s(MapType.BLOOM_FILTER, 4, 4, 16, 0),
                s(MapType.BLOOM_FILTER, 0, 4, 16, MapFlags.BPF_F_ZERO_SEED), s(MapType.BLOOM_FILTER, 0, 4, 16, np),
                new MapSpec("d_bloom", MapType.BLOOM_FILTER, 0, 4, 16, 0, 3),
                new MapSpec("d_bloom", MapType.BLOOM_FILTER, 0, 4, 16, 0, 16),
                new MapSpec("d_hash", MapType.HASH, 4, 4, 16, 0, 1),
                s(MapType.RINGBUF, 0, 0, 4096, 0), s(MapType.RINGBUF, 0, 0, 8192, 0), s(MapType.RINGBUF, 0, 0, 4096 * 3, 0),
                s(MapType.RINGBUF, 0, 0, 2048, 0), s(MapType.RINGBUF, 4, 0, 4096, 0), s(MapType.RINGBUF, 0, 4, 4096, 0),
                s(MapType.RINGBUF, 0, 0, 4096, MapFlags.BPF_F_RDONLY_PROG),
                s(MapType.USER_RINGBUF, 0, 0, 4096, 0), s(MapType.USER_RINGBUF, 0, 0, 2048, 0),
                s(MapType.USER_RINGBUF, 4, 0, 4096, 0), s(MapType.USER_RINGBUF, 0, 0, 4096, np),
                s(MapType.CGROUP_STORAGE, 16, 8, 0, 0), s(MapType.CGROUP_STORAGE, 8, 8, 0, 0),
                s(MapType.CGROUP_STORAGE, 12, 8, 0, 0), s(MapType.CGROUP_STORAGE, 16, 8, 1, 0),
                s(MapType.CGROUP_STORAGE, 16, 0, 0, 0), s(MapType.CGROUP_STORAGE, 16, 4096, 0, 0),
                s(MapType.CGROUP_STORAGE, 16, 4097, 0, 0), s(MapType.CGROUP_STORAGE, 16, 8, 0, np),
                s(MapType.CGROUP_STORAGE, 16, 8, 0, MapFlags.BPF_F_RDONLY_PROG),
                s(MapType.CGROUP_STORAGE, 16, 65407, 0, 0), s(MapType.CGROUP_STORAGE, 16, 65408, 0, 0),
                s(MapType.PERCPU_CGROUP_STORAGE, 16, 8, 0, 0), s(MapType.PERCPU_CGROUP_STORAGE, 16, 32768, 0, 0),
                s(MapType.PERCPU_CGROUP_STORAGE, 16, 32769, 0, 0));
        List<String> differences = new ArrayList<>();
        for (MapSpec spec : specs) {
            int kernel = kernelCreate(spec);
            int ours = ourCreate(spec);
            if (kernel != ours) {
                differences.add(spec + ": kernel " + Errno.name(kernel) + ", runtime " + Errno.name(ours));
            }
        }
        assertEquals(List.of(), differences);
    }

    /** The two sides of one map. */
    private record Pair(BpfMap ours, int fd, MapSpec spec) implements AutoCloseable {
        static Pair of(MapSpec spec) {
            int fd = kernelCreateMap(spec);
            assertTrue(fd >= 0, "kernel refused " + spec + ": " + Errno.name(fd));
            return new Pair(Maps.create(spec), fd, spec);
        }

        @Override
        public void close() {
            BpfSyscall.close(fd);
        }
    }

    private static String hex(byte[] b) {
        return b == null ? "null" : HEX.formatHex(b);
    }

    private static int ourLookup(BpfMap m, byte[] key, byte[] out) {
        byte[] v = m.lookupValue(key);
        if (v == null) {
            return -Errno.ENOENT;
        }
        System.arraycopy(v, 0, out, 0, v.length);
        return 0;
    }

    /** A random sequence of update, delete, lookup and lookup-and-delete on both sides. */
    private static void randomOperations(Pair p, int keySpace, int steps, long seed, boolean lookupAndDelete) {
        MapSpec spec = p.spec();
        boolean percpu = spec.type() == MapType.PERCPU_ARRAY || spec.type() == MapType.PERCPU_HASH;
        int valueBytes = percpu ? Cpus.count() * Cpus.stride(spec.valueSize()) : spec.valueSize();
        Random rnd = new Random(seed);
        for (int step = 0; step < steps; step++) {
            byte[] key = new byte[spec.keySize()];
            key[0] = (byte) rnd.nextInt(keySpace);
            if (spec.type() == MapType.LPM_TRIE) {
                key[0] = (byte) rnd.nextInt(17);
                key[4] = (byte) (rnd.nextInt(4) << 6);
                key[5] = (byte) rnd.nextInt(4);
            }
            String where = spec.type() + " step " + step + " key " + hex(key);
            switch (rnd.nextInt(5)) {
                case 0, 1 -> {
                    byte[] value = new byte[valueBytes];
                    rnd.nextBytes(value);
                    long flags = rnd.nextInt(10) == 0 ? rnd.nextInt(3, 6) : rnd.nextInt(3);
                    assertEquals(kernelUpdate(p.fd(), key, value, flags), p.ours().update(key, value, flags),
                            where + " update flags " + flags);
                }
                case 2 -> assertEquals(kernel(() -> BpfSyscall.deleteElement(p.fd(), key)), p.ours().delete(key), where + " delete");
                case 3 -> {
                    byte[] k = new byte[valueBytes];
                    byte[] o = new byte[valueBytes];
                    int kr = kernel(() -> BpfSyscall.lookupElement(p.fd(), key, k));
                    assertEquals(kr, ourLookup(p.ours(), key, o), where + " lookup");
                    assertArrayEquals(k, o, where + " lookup value");
                }
                default -> {
                    if (lookupAndDelete) {
                        byte[] k = new byte[valueBytes];
                        byte[] o = new byte[valueBytes];
                        assertEquals(kernel(() -> BpfSyscall.lookupAndDeleteElement(p.fd(), key, k)), p.ours().lookupAndDelete(key, o),
                                where + " lookup-and-delete");
                        assertArrayEquals(k, o, where + " lookup-and-delete value");
                    }
                }
            }
        }
    }

    private static List<byte[]> kernelKeys(Pair p) {
        List<byte[]> out = new ArrayList<>();
        byte[] key = null;
        while (true) {
            byte[] next = new byte[p.spec().keySize()];
            if (kernelNextKey(p.fd(), key, next) != 0) {
                return out;
            }
            out.add(next);
            key = next;
        }
    }

    private static List<String> sortedHex(List<byte[]> keys) {
        return keys.stream().map(KernelMapsDifferentialTest::hex).sorted(Comparator.naturalOrder()).toList();
    }

    @Test
    void hashMapsAgree() {
        // LRU_HASH is left out: the kernel's LRU can evict before the map is full when the thread
        // moves to another CPU (per-CPU free lists), so its results depend on scheduling
        for (MapType t : List.of(MapType.HASH, MapType.PERCPU_HASH)) {
            if (t == MapType.PERCPU_HASH && BpfSyscall.possibleCpus() != Cpus.count()) {
                System.out.println("per-CPU comparison skipped: kernel has " + BpfSyscall.possibleCpus()
                        + " possible CPUs, the runtime " + Cpus.count());
                continue;
            }
            try (Pair p = Pair.of(s(t, 4, 8, 16, 0))) {
                randomOperations(p, 24, 3000, 42 + t.id(), true);
                assertEquals(sortedHex(kernelKeys(p)), sortedHex(p.ours().keys()), t + " keys");
            }
        }
    }

    @Test
    void arraysAgreeIncludingIterationOrder() {
        for (MapType t : List.of(MapType.ARRAY, MapType.PERCPU_ARRAY)) {
            if (t == MapType.PERCPU_ARRAY && BpfSyscall.possibleCpus() != Cpus.count()) {
                continue;
            }
            try (Pair p = Pair.of(s(t, 4, 12, 8, 0))) {
                randomOperations(p, 10, 2000, 7 + t.id(), true);
                assertEquals(kernelKeys(p).stream().map(KernelMapsDifferentialTest::hex).toList(),
                        p.ours().keys().stream().map(KernelMapsDifferentialTest::hex).toList());
                for (int start : new int[] {0, 3, 7, 8, 100}) {
                    byte[] k = u32(start);
                    byte[] next = new byte[4];
                    int kr = kernelNextKey(p.fd(), k, next);
                    byte[] ours = p.ours().nextKey(k);
                    assertEquals(kr == 0 ? hex(next) : "null", hex(ours), "next key after " + start);
                }
            }
        }
    }

    @Test
    void lpmTriesAgreeIncludingIterationOrder() {
        try (Pair p = Pair.of(s(MapType.LPM_TRIE, 8, 4, 64, MapFlags.BPF_F_NO_PREALLOC))) {
            randomOperations(p, 1, 3000, 11, false);
            assertEquals(kernelKeys(p).stream().map(KernelMapsDifferentialTest::hex).toList(),
                    p.ours().keys().stream().map(KernelMapsDifferentialTest::hex).toList(), "post-order walk");
            assertTrue(p.ours().size() > 5, "the walk compared a populated trie");
        }
    }

    @Test
    void queuesAndStacksAgree() {
        for (MapType t : List.of(MapType.QUEUE, MapType.STACK)) {
            try (Pair p = Pair.of(s(t, 0, 4, 5, 0))) {
                QueueMap q = (QueueMap) p.ours();
                Random rnd = new Random(t.id());
                for (int step = 0; step < 2000; step++) {
                    String where = t + " step " + step;
                    byte[] k = new byte[4];
                    byte[] o = new byte[4];
                    switch (rnd.nextInt(4)) {
                        case 0, 1 -> {
                            byte[] v = u32(step);
                            long flags = rnd.nextInt(8) == 0 ? rnd.nextInt(1, 5) : rnd.nextInt(2) * 2L;
                            assertEquals(kernelUpdate(p.fd(), null, v, flags), q.update(null, v, flags),
                                    where + " push flags " + flags);
                        }
                        case 2 -> {
                            assertEquals(kernel(() -> BpfSyscall.lookupElement(p.fd(), null, k)), q.peek(o), where + " peek");
                            assertArrayEquals(k, o, where);
                        }
                        default -> {
                            assertEquals(kernel(() -> BpfSyscall.lookupAndDeleteElement(p.fd(), null, k)), q.pop(o), where + " pop");
                            assertArrayEquals(k, o, where);
                        }
                    }
                }
                assertEquals(kernel(() -> BpfSyscall.deleteElement(p.fd(), null)), q.delete(null), t + " delete");
            }
        }
    }

    @Test
    void bloomFiltersAgreeOnPushedValuesAndFlags() {
        try (Pair p = Pair.of(s(MapType.BLOOM_FILTER, 0, 4, 100, 0))) {
            for (int i = 0; i < 100; i++) {
                byte[] v = u32(i * 31);
                assertEquals(kernelUpdate(p.fd(), null, v, 0), p.ours().update(null, v, 0));
                assertEquals(kernel(() -> BpfSyscall.lookupElement(p.fd(), null, v.clone())), ((QueueMap) p.ours()).peek(v));
            }
            byte[] v = u32(1);
            for (long flags = 1; flags < 5; flags++) {
                assertEquals(kernelUpdate(p.fd(), null, v, flags), p.ours().update(null, v, flags), "flags " + flags);
            }
            assertEquals(kernel(() -> BpfSyscall.deleteElement(p.fd(), null)), p.ours().delete(null));
        }
    }
}
