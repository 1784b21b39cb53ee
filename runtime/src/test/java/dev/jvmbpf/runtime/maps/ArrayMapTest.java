package dev.jvmbpf.runtime.maps;

import static dev.jvmbpf.runtime.maps.MapTestSupport.map;
import static dev.jvmbpf.runtime.maps.MapTestSupport.readU32;
import static dev.jvmbpf.runtime.maps.MapTestSupport.u32;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.jvmbpf.runtime.memory.Region;
import org.junit.jupiter.api.Test;

class ArrayMapTest {
    @Test
    void elementsExistZeroedAndCannotBeDeleted() {
        BpfMap m = map(MapType.ARRAY, 4, 12, 3);
        assertArrayEquals(new byte[12], m.lookupValue(u32(2)));
        assertEquals(3, m.size());
        assertEquals(-Errno.EINVAL, m.delete(u32(0)));
        assertEquals(-Errno.EINVAL, m.delete(u32(5)));
    }

    @Test
    void updateFlagsAndBounds() {
        BpfMap m = map(MapType.ARRAY, 4, 4, 3);
        assertEquals(-Errno.EEXIST, m.update(u32(0), u32(1), MapFlags.BPF_NOEXIST));
        assertEquals(0, m.update(u32(0), u32(1), MapFlags.BPF_EXIST));
        assertEquals(0, m.update(u32(2), u32(2), MapFlags.BPF_ANY));
        assertEquals(-Errno.E2BIG, m.update(u32(3), u32(3), MapFlags.BPF_ANY));
        assertEquals(-Errno.E2BIG, m.update(u32(-1), u32(3), MapFlags.BPF_ANY));
        assertEquals(-Errno.EINVAL, m.update(u32(0), u32(3), 3));
        assertEquals(-Errno.EINVAL, m.update(u32(9), u32(3), MapFlags.BPF_F_LOCK));
        assertNull(m.lookup(u32(3)));
        assertNull(m.lookup(u32(-1)));
        assertEquals(1, readU32(m.lookupValue(u32(0)), 0));
        assertEquals(2, readU32(m.lookupValue(u32(2)), 0));
    }

    @Test
    void valuesAreStableWindowsOfOneArrayWithEightByteStride() {
        BpfMap m = map(MapType.ARRAY, 4, 12, 4);
        Region r1 = m.lookup(u32(1));
        Region r2 = m.lookup(u32(2));
        assertSame(r1, m.lookup(u32(1)));
        assertSame(r1.data(), r2.data());
        assertEquals(16, r2.base() - r1.base());
        assertEquals(12, r1.size());
        m.update(u32(1), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 0);
        assertEquals(0x0807060504030201L, r1.get(0, 8));
        r1.put(8, 4, 0xdeadbeefL);
        assertEquals(0xdeadbeef, readU32(m.lookupValue(u32(1)), 8));
        assertArrayEquals(new byte[12], m.lookupValue(u32(2)));
    }

    @Test
    void nextKeyFollowsTheKernel() {
        BpfMap m = map(MapType.ARRAY, 4, 4, 3);
        assertArrayEquals(u32(0), m.nextKey(null));
        assertArrayEquals(u32(1), m.nextKey(u32(0)));
        assertArrayEquals(u32(2), m.nextKey(u32(1)));
        assertNull(m.nextKey(u32(2)));
        assertArrayEquals(u32(0), m.nextKey(u32(7)));
        assertEquals(3, m.keys().size());
        assertEquals(-Errno.ENOTSUPP, m.lookupAndDelete(u32(0), new byte[4]));
    }

    @Test
    void readOnlyProgramArrayStillTakesJavaUpdates() {
        BpfMap m = Maps.create(new MapSpec(".rodata", MapType.ARRAY, 4, 6, 1,
                MapFlags.BPF_F_RDONLY_PROG | MapFlags.BPF_F_MMAPABLE));
        assertEquals(0, m.update(u32(0), "hello\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0));
        Region r = m.lookup(u32(0));
        assertEquals(false, r.writable());
        assertEquals('h', r.get(0, 1));
    }

    @Test
    void forEachVisitsEveryIndexInOrder() {
        BpfMap m = map(MapType.ARRAY, 4, 4, 4);
        StringBuilder order = new StringBuilder();
        assertEquals(4, m.forEach((k, v) -> {
            order.append(k.get(0, 4));
            return 0;
        }));
        assertEquals("0123", order.toString());
    }
}
