package dev.jvmbpf.runtime.maps;

import static dev.jvmbpf.runtime.maps.MapTestSupport.map;
import static dev.jvmbpf.runtime.maps.MapTestSupport.readU64;
import static dev.jvmbpf.runtime.maps.MapTestSupport.u32;
import static dev.jvmbpf.runtime.maps.MapTestSupport.u64;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jvmbpf.runtime.memory.Region;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HashMapTest {
    @Test
    void updateFlagsFollowTheKernel() {
        BpfMap m = map(MapType.HASH, 4, 8, 2);
        assertEquals(-Errno.ENOENT, m.update(u32(1), u64(10), MapFlags.BPF_EXIST));
        assertEquals(0, m.update(u32(1), u64(10), MapFlags.BPF_NOEXIST));
        assertEquals(-Errno.EEXIST, m.update(u32(1), u64(11), MapFlags.BPF_NOEXIST));
        assertEquals(0, m.update(u32(1), u64(12), MapFlags.BPF_EXIST));
        assertEquals(0, m.update(u32(1), u64(13), MapFlags.BPF_ANY));
        assertEquals(13, readU64(m.lookupValue(u32(1)), 0));
        assertEquals(-Errno.EINVAL, m.update(u32(1), u64(14), 3));
        assertEquals(-Errno.EINVAL, m.update(u32(1), u64(14), MapFlags.BPF_F_LOCK));
        assertEquals(13, readU64(m.lookupValue(u32(1)), 0));
    }

    @Test
    void fullMapRefusesNewKeysButReplacesOld() {
        BpfMap m = map(MapType.HASH, 4, 8, 2);
        assertEquals(0, m.update(u32(1), u64(1), 0));
        assertEquals(0, m.update(u32(2), u64(2), 0));
        assertEquals(-Errno.E2BIG, m.update(u32(3), u64(3), 0));
        assertEquals(0, m.update(u32(2), u64(22), 0));
        assertEquals(2, m.size());
        assertEquals(0, m.delete(u32(1)));
        assertEquals(-Errno.ENOENT, m.delete(u32(1)));
        assertEquals(0, m.update(u32(3), u64(3), 0));
        assertNull(m.lookup(u32(1)));
    }

    @Test
    void updateGivesNewStorageAndOldPointerKeepsOldValue() {
        BpfMap m = map(MapType.HASH, 4, 8, 4);
        m.update(u32(7), u64(100), 0);
        Region before = m.lookup(u32(7));
        assertSame(before, m.lookup(u32(7)));
        m.update(u32(7), u64(200), 0);
        Region after = m.lookup(u32(7));
        assertNotSame(before, after);
        assertEquals(100, before.get(0, 8));
        assertEquals(200, after.get(0, 8));
        after.put(0, 8, 300);
        assertEquals(300, readU64(m.lookupValue(u32(7)), 0));
    }

    @Test
    void nextKeyWalksEveryKeyOnceAndRestartsOnUnknownKey() {
        BpfMap m = map(MapType.HASH, 4, 4, 100);
        for (int i = 0; i < 50; i++) {
            assertEquals(0, m.update(u32(i * 7), u32(i), 0));
        }
        Set<Integer> seen = new HashSet<>();
        for (byte[] k = m.nextKey(null); k != null; k = m.nextKey(k)) {
            seen.add(MapTestSupport.readU32(k, 0));
        }
        assertEquals(50, seen.size());
        for (int i = 0; i < 50; i++) {
            assertEquals(true, seen.contains(i * 7));
        }
        assertArrayEquals(m.nextKey(null), m.nextKey(u32(999)));
        assertNull(map(MapType.HASH, 4, 4, 4).nextKey(null));
        List<MapEntry> entries = m.entries();
        assertEquals(50, entries.size());
        for (MapEntry e : entries) {
            assertEquals(MapTestSupport.readU32(e.key(), 0), MapTestSupport.readU32(e.value(), 0) * 7);
        }
    }

    @Test
    void lookupAndDeleteCopiesThenRemoves() {
        BpfMap m = map(MapType.HASH, 4, 8, 4);
        m.update(u32(1), u64(42), 0);
        byte[] out = new byte[8];
        assertEquals(0, m.lookupAndDelete(u32(1), out));
        assertEquals(42, readU64(out, 0));
        assertEquals(-Errno.ENOENT, m.lookupAndDelete(u32(1), out));
        assertEquals(0, m.size());
    }

    @Test
    void wrongKeySizeIsAProgrammingError() {
        BpfMap m = map(MapType.HASH, 4, 8, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.lookup(new byte[3]));
        assertEquals(true, e.getMessage().contains("map m"));
    }

    @Test
    void forEachVisitsUntilTheCallbackStops() {
        BpfMap m = map(MapType.HASH, 4, 8, 8);
        for (int i = 0; i < 5; i++) {
            m.update(u32(i), u64(i), 0);
        }
        long[] sum = new long[1];
        assertEquals(5, m.forEach((k, v) -> {
            sum[0] += v.get(0, 8);
            v.put(0, 8, v.get(0, 8) + 100);
            return 0;
        }));
        assertEquals(10, sum[0]);
        assertEquals(103, readU64(m.lookupValue(u32(3)), 0));
        assertEquals(2, m.forEach((k, v) -> k.writable() ? 0 : (sum[0]++ == 10 ? 0 : 1)));
    }

    @Test
    void readOnlyProgramFlagMakesValueRegionsReadOnly() {
        BpfMap m = Maps.create(new MapSpec("ro", MapType.HASH, 4, 8, 4, MapFlags.BPF_F_RDONLY_PROG));
        m.update(u32(1), u64(1), 0);
        assertEquals(false, m.lookup(u32(1)).writable());
    }
}
