package dev.jvmbpf.runtime.maps;

import static dev.jvmbpf.runtime.maps.MapTestSupport.map;
import static dev.jvmbpf.runtime.maps.MapTestSupport.u32;
import static dev.jvmbpf.runtime.maps.MapTestSupport.u64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class LruHashTest {
    @Test
    void evictsTheLeastRecentlyUsedInsteadOfFailing() {
        BpfMap m = map(MapType.LRU_HASH, 4, 8, 3);
        m.update(u32(1), u64(1), 0);
        m.update(u32(2), u64(2), 0);
        m.update(u32(3), u64(3), 0);
        m.lookup(u32(1));
        assertEquals(0, m.update(u32(4), u64(4), MapFlags.BPF_NOEXIST));
        assertEquals(3, m.size());
        assertNull(m.lookupValue(u32(2)), "2 was least recently used");
        m.lookup(u32(3));
        m.lookup(u32(1));
        assertEquals(0, m.update(u32(5), u64(5), 0));
        assertNull(m.lookupValue(u32(4)), "4 was used before 3 and 1");
        assertEquals(0, m.update(u32(6), u64(6), 0));
        assertNull(m.lookupValue(u32(3)));
        assertNotNull(m.lookupValue(u32(1)));
        assertNotNull(m.lookupValue(u32(5)));
        assertNotNull(m.lookupValue(u32(6)));
    }

    @Test
    void javaSideLookupDoesNotRefreshRecency() {
        BpfMap m = map(MapType.LRU_HASH, 4, 8, 2);
        m.update(u32(1), u64(1), 0);
        m.update(u32(2), u64(2), 0);
        m.lookupValue(u32(1));
        m.update(u32(3), u64(3), 0);
        assertNull(m.lookupValue(u32(1)));
    }

    @Test
    void updateOfAnExistingKeyCountsAsUse() {
        BpfMap m = map(MapType.LRU_HASH, 4, 8, 2);
        m.update(u32(1), u64(1), 0);
        m.update(u32(2), u64(2), 0);
        m.update(u32(1), u64(11), MapFlags.BPF_EXIST);
        m.update(u32(3), u64(3), 0);
        assertNull(m.lookupValue(u32(2)));
        assertEquals(11, MapTestSupport.readU64(m.lookupValue(u32(1)), 0));
    }

    @Test
    void flagsStillApply() {
        BpfMap m = map(MapType.LRU_HASH, 4, 8, 2);
        assertEquals(-Errno.ENOENT, m.update(u32(1), u64(1), MapFlags.BPF_EXIST));
        assertEquals(0, m.update(u32(1), u64(1), MapFlags.BPF_NOEXIST));
        assertEquals(-Errno.EEXIST, m.update(u32(1), u64(1), MapFlags.BPF_NOEXIST));
        assertEquals(-Errno.EINVAL, m.update(u32(1), u64(1), 7));
        assertEquals(0, m.delete(u32(1)));
        assertEquals(-Errno.ENOENT, m.delete(u32(1)));
    }

    @Test
    void manyInsertionsKeepExactlyTheNewestWhenNothingIsLookedUp() {
        BpfMap m = map(MapType.LRU_HASH, 4, 8, 16);
        for (int i = 0; i < 1000; i++) {
            assertEquals(0, m.update(u32(i), u64(i), 0));
        }
        assertEquals(16, m.size());
        for (int i = 984; i < 1000; i++) {
            assertNotNull(m.lookupValue(u32(i)), "key " + i);
        }
    }
}
