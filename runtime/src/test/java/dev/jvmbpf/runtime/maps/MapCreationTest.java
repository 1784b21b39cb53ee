package dev.jvmbpf.runtime.maps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MapCreationTest {
    private static void refused(int errno, String fragment, MapSpec spec) {
        MapCreationException e = assertThrows(MapCreationException.class, () -> Maps.create(spec));
        assertEquals(errno, e.errno(), e.getMessage());
        assertTrue(e.getMessage().contains(spec.name()), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }

    private static MapSpec spec(MapType t, int k, int v, int max, int flags) {
        return new MapSpec("bad_" + t.name().toLowerCase(java.util.Locale.ROOT), t, k, v, max, flags);
    }

    @Test
    void refusesWhatMapCreateRefuses() {
        refused(Errno.EINVAL, "max_entries", spec(MapType.HASH, 4, 4, 0, 0));
        refused(Errno.EINVAL, "key_size", spec(MapType.HASH, 0, 4, 1, 0));
        refused(Errno.EINVAL, "value_size", spec(MapType.HASH, 4, 0, 1, 0));
        refused(Errno.E2BIG, "largest element", spec(MapType.HASH, 2 << 20, 2 << 20, 1, 0));
        refused(Errno.E2BIG, "per-CPU", spec(MapType.PERCPU_HASH, 4, 40000, 1, 0));
        refused(Errno.EINVAL, "map_flags", spec(MapType.HASH, 4, 4, 1, MapFlags.BPF_F_MMAPABLE));
        refused(Errno.EINVAL, "NO_COMMON_LRU", spec(MapType.HASH, 4, 4, 1, MapFlags.BPF_F_NO_COMMON_LRU));
        refused(Errno.ENOTSUPP, "preallocated", spec(MapType.LRU_HASH, 4, 4, 1, MapFlags.BPF_F_NO_PREALLOC));
        refused(Errno.EINVAL, "key_size must be 4", spec(MapType.ARRAY, 8, 4, 1, 0));
        refused(Errno.EINVAL, "value_size", spec(MapType.ARRAY, 4, 0, 1, 0));
        refused(Errno.ENOMEM, "max_entries 1024 x value_size 4194304", spec(MapType.ARRAY, 4, 4 << 20, 1024, 0));
        refused(Errno.EINVAL, "MMAPABLE", spec(MapType.PERCPU_ARRAY, 4, 4, 1, MapFlags.BPF_F_MMAPABLE));
        refused(Errno.EINVAL, "PRESERVE_ELEMS", spec(MapType.ARRAY, 4, 4, 1, MapFlags.BPF_F_PRESERVE_ELEMS));
        refused(Errno.EINVAL, "exclude", spec(MapType.ARRAY, 4, 4, 1, MapFlags.BPF_F_RDONLY | MapFlags.BPF_F_WRONLY));
        refused(Errno.EINVAL, "exclude",
                spec(MapType.ARRAY, 4, 4, 1, MapFlags.BPF_F_RDONLY_PROG | MapFlags.BPF_F_WRONLY_PROG));
        refused(Errno.EINVAL, "4", spec(MapType.PROG_ARRAY, 4, 8, 1, 0));
        refused(Errno.EINVAL, "4", spec(MapType.PERF_EVENT_ARRAY, 8, 4, 1, 0));
        refused(Errno.EINVAL, "NO_PREALLOC", spec(MapType.LPM_TRIE, 8, 4, 1, 0));
        refused(Errno.EINVAL, "key_size", spec(MapType.LPM_TRIE, 4, 4, 1, MapFlags.BPF_F_NO_PREALLOC));
        refused(Errno.EINVAL, "key_size", spec(MapType.LPM_TRIE, 261, 4, 1, MapFlags.BPF_F_NO_PREALLOC));
        refused(Errno.EINVAL, "value_size", spec(MapType.LPM_TRIE, 8, 0, 1, MapFlags.BPF_F_NO_PREALLOC));
        refused(Errno.EINVAL, "key_size must be 0", spec(MapType.QUEUE, 4, 4, 1, 0));
        refused(Errno.EINVAL, "value_size", spec(MapType.STACK, 0, 0, 1, 0));
        refused(Errno.EINVAL, "key_size must be 0", spec(MapType.BLOOM_FILTER, 4, 4, 1, 0));
        refused(Errno.EINVAL, "map_extra", new MapSpec("bloom", MapType.BLOOM_FILTER, 0, 4, 1, 0, 16));
        refused(Errno.EINVAL, "map_extra", new MapSpec("h", MapType.HASH, 4, 4, 1, 0, 3));
        refused(Errno.EINVAL, "power of 2", spec(MapType.RINGBUF, 0, 0, 4096 * 3, 0));
        refused(Errno.EINVAL, "power of 2", spec(MapType.RINGBUF, 0, 0, 2048, 0));
        refused(Errno.EINVAL, "must be 0", spec(MapType.RINGBUF, 4, 0, 4096, 0));
        refused(Errno.EINVAL, "map_flags", spec(MapType.RINGBUF, 0, 0, 4096, MapFlags.BPF_F_RDONLY_PROG));
    }

    @Test
    void sizesNearTwoToTheThirtyOneAreRefusedNotOverflowed() {
        int max = Integer.MAX_VALUE;
        refused(Errno.E2BIG, "value_size", spec(MapType.ARRAY, 4, max, 1, 0));
        refused(Errno.E2BIG, "value_size", spec(MapType.ARRAY, 4, max, 4, 0));
        refused(Errno.E2BIG, "largest element", spec(MapType.HASH, 4, max, 1, 0));
        refused(Errno.E2BIG, "largest element", spec(MapType.LRU_HASH, max - 3, 4, 1, 0));
        refused(Errno.E2BIG, "max_entries", spec(MapType.PROG_ARRAY, 4, 4, max, 0));
        refused(Errno.E2BIG, "max_entries", spec(MapType.PERF_EVENT_ARRAY, 4, 4, max, 0));
        refused(Errno.E2BIG, "max_entries", spec(MapType.QUEUE, 0, 4, max, 0));
        refused(Errno.E2BIG, "max_entries", spec(MapType.STACK, 0, 4096, 1 << 20, 0));
        refused(Errno.E2BIG, "max_entries", spec(MapType.QUEUE, 0, 1, max, 0));
    }

    /**
     * max_entries is a u32: 2^31 and more are counts, not negative numbers. What Linux 6.18 says
     * (bpftool map create): a hash table of more than 2^27 entries E2BIG (its buckets), an LPM
     * trie of 2^32 - 1 entries accepted (it allocates per element), an array of 2^31 4-byte
     * values accepted when 16 GiB can be allocated at once, ENOMEM otherwise.
     */
    @Test
    void maxEntriesIsUnsigned() {
        int twoTo31 = 1 << 31;
        refused(Errno.E2BIG, "max_entries 2147483648 needs 2147483648 hash buckets",
                spec(MapType.HASH, 4, 8, twoTo31, MapFlags.BPF_F_NO_PREALLOC));
        refused(Errno.E2BIG, "max_entries 134217729", spec(MapType.LRU_HASH, 4, 8, (1 << 27) + 1, 0));
        refused(Errno.E2BIG, "max_entries 4294967295", spec(MapType.PERCPU_HASH, 4, 8, -1, 0));
        refused(Errno.ENOMEM, "max_entries 2147483648 x value_size 4 needs 17179869184 bytes",
                spec(MapType.ARRAY, 4, 4, twoTo31, 0));
        refused(Errno.E2BIG, "max_entries 2147483648", spec(MapType.QUEUE, 0, 4, twoTo31, 0));
        refused(Errno.E2BIG, "max_entries 4294967295", spec(MapType.PROG_ARRAY, 4, 4, -1, 0));
        refused(Errno.E2BIG, "ring of 2147483648 bytes", spec(MapType.RINGBUF, 0, 0, twoTo31, 0));
        refused(Errno.E2BIG, "max_entries 4294967295", spec(MapType.STACK_TRACE, 4, 8, -1, 0));

        // The kernel's largest hash table, and an LPM trie of 2^32 - 1 entries, allocate as elements come.
        BpfMap hash = Maps.create(spec(MapType.HASH, 4, 8, 1 << 27, MapFlags.BPF_F_NO_PREALLOC));
        assertEquals(1L << 27, hash.spec().maxEntriesUnsigned());
        for (int i = 0; i < 1000; i++) {
            assertEquals(0, hash.update(MapTestSupport.u32(i << 17), new byte[8], MapFlags.BPF_ANY));
        }
        BpfMap trie = Maps.create(spec(MapType.LPM_TRIE, 8, 8, -1, MapFlags.BPF_F_NO_PREALLOC));
        assertEquals(0xffff_ffffL, trie.spec().maxEntriesUnsigned());
        assertEquals(0, trie.update(new byte[] {24, 0, 0, 0, 10, 0, 0, 0}, new byte[8], MapFlags.BPF_ANY),
                "a trie of 2^32 - 1 entries takes elements");
    }

    @Test
    void validationOfAnyShapeEndsInAMapCreationExceptionOrAcceptance() {
        int[] sizes = {-1, 0, 1, 4, 8, 255, 4096, 1 << 20, 4 << 20, (4 << 20) + 1, Integer.MAX_VALUE - 7,
            Integer.MAX_VALUE, Integer.MIN_VALUE};
        int[] flags = {0, MapFlags.BPF_F_NO_PREALLOC, -1};
        int accepted = 0;
        for (MapType t : MapType.values()) {
            for (int k : sizes) {
                for (int v : sizes) {
                    for (int m : sizes) {
                        for (int f : flags) {
                            MapSpec s = new MapSpec("m", t, k, v, m, f, t == MapType.BLOOM_FILTER ? 3 : 0);
                            try {
                                Maps.validate(s);
                                accepted++;
                            } catch (MapCreationException expected) {
                                assertTrue(expected.getMessage().contains("m"), expected.getMessage());
                            }
                        }
                    }
                }
            }
        }
        assertTrue(accepted > 0, "some shapes are valid");
    }

    @Test
    void createsEveryType() {
        assertInstanceOf(IterableMap.class, Maps.create(spec(MapType.HASH, 4, 4, 1, MapFlags.BPF_F_NO_PREALLOC)));
        assertInstanceOf(QueueMap.class, Maps.create(spec(MapType.QUEUE, 0, 4, 1, 0)));
        assertInstanceOf(QueueMap.class, Maps.create(spec(MapType.BLOOM_FILTER, 0, 4, 1, 0)));
        assertInstanceOf(BpfMap.class, Maps.create(spec(MapType.LRU_HASH, 4, 4, 1, MapFlags.BPF_F_NO_COMMON_LRU)));
        assertInstanceOf(ProgramArray.class, Maps.create(spec(MapType.PROG_ARRAY, 4, 4, 4, 0)));
        assertInstanceOf(RingBufferMap.class, Maps.create(spec(MapType.RINGBUF, 0, 0, 4096, 0)));
        assertInstanceOf(BpfMap.class, Maps.create(spec(MapType.LPM_TRIE, 8, 4, 4, MapFlags.BPF_F_NO_PREALLOC)));
        BpfMap perf = Maps.create(spec(MapType.PERF_EVENT_ARRAY, 4, 4, 0, 0));
        assertInstanceOf(PerfEventArrayMap.class, perf);
        assertEquals(Cpus.count(), perf.spec().maxEntries(), "libbpf's default: one slot per CPU");
        for (MapType t : MapType.values()) {
            assertEquals(t, MapType.ofId(t.id()));
        }
    }
}
