package dev.jvmbpf.runtime.maps;

import static dev.jvmbpf.runtime.maps.MapTestSupport.readU32;
import static dev.jvmbpf.runtime.maps.MapTestSupport.u32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.jvmbpf.runtime.memory.Region;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LpmTrieTest {
    private static BpfMap ipv4(int max) {
        return Maps.create(new MapSpec("routes", MapType.LPM_TRIE, 8, 4, max, MapFlags.BPF_F_NO_PREALLOC));
    }

    /** An IPv4 LPM key: little-endian prefix length, then the address in network order. */
    private static byte[] key(int prefix, int a, int b, int c, int d) {
        byte[] k = u32(prefix);
        return new byte[] {k[0], k[1], k[2], k[3], (byte) a, (byte) b, (byte) c, (byte) d};
    }

    private static Integer route(BpfMap m, int a, int b, int c, int d) {
        byte[] v = m.lookupValue(key(32, a, b, c, d));
        return v == null ? null : readU32(v, 0);
    }

    @Test
    void longestPrefixWins() {
        BpfMap m = ipv4(16);
        assertEquals(0, m.update(key(8, 10, 0, 0, 0), u32(8), 0));
        assertEquals(0, m.update(key(16, 10, 1, 0, 0), u32(16), 0));
        assertEquals(0, m.update(key(24, 10, 1, 2, 0), u32(24), 0));
        assertEquals(0, m.update(key(32, 10, 1, 2, 3), u32(32), 0));
        assertEquals(0, m.update(key(0, 0, 0, 0, 0), u32(0), 0));
        assertEquals(0, m.update(key(12, 10, 0x10, 0, 0), u32(12), 0));
        assertEquals(32, route(m, 10, 1, 2, 3));
        assertEquals(24, route(m, 10, 1, 2, 4));
        assertEquals(16, route(m, 10, 1, 3, 4));
        assertEquals(8, route(m, 10, 2, 3, 4));
        assertEquals(12, route(m, 10, 0x1f, 3, 4), "10.16.0.0/12 covers 10.31.x.x");
        assertEquals(8, route(m, 10, 0x20, 3, 4));
        assertEquals(0, route(m, 11, 0, 0, 0));
        assertEquals(24, readU32(m.lookupValue(key(24, 10, 1, 2, 3)), 0), "a key's prefix length caps the match");
        assertEquals(16, readU32(m.lookupValue(key(20, 10, 1, 2, 3)), 0));
        assertEquals(0, m.delete(key(0, 0, 0, 0, 0)));
        assertNull(route(m, 11, 0, 0, 0));
    }

    @Test
    void bitsBeyondThePrefixAreIgnored() {
        BpfMap m = ipv4(4);
        assertEquals(0, m.update(key(16, 192, 168, 77, 77), u32(1), MapFlags.BPF_NOEXIST));
        assertEquals(-Errno.EEXIST, m.update(key(16, 192, 168, 0, 0), u32(2), MapFlags.BPF_NOEXIST));
        assertEquals(1, route(m, 192, 168, 1, 1));
        assertEquals(-Errno.ENOENT, m.delete(key(17, 192, 168, 0, 0)));
        assertEquals(0, m.delete(key(16, 192, 168, 0, 0)));
        assertEquals(-Errno.ENOENT, m.delete(key(16, 192, 168, 0, 0)));
    }

    @Test
    void flagsLimitsAndErrors() {
        BpfMap m = ipv4(2);
        assertEquals(-Errno.ENOENT, m.update(key(8, 10, 0, 0, 0), u32(1), MapFlags.BPF_EXIST));
        assertEquals(-Errno.EINVAL, m.update(key(33, 10, 0, 0, 0), u32(1), 0));
        assertEquals(-Errno.EINVAL, m.update(key(8, 10, 0, 0, 0), u32(1), 3));
        assertEquals(-Errno.EINVAL, m.delete(key(33, 10, 0, 0, 0)));
        assertEquals(0, m.update(key(8, 10, 0, 0, 0), u32(1), 0));
        assertEquals(0, m.update(key(8, 11, 0, 0, 0), u32(2), 0));
        assertEquals(-Errno.ENOSPC, m.update(key(8, 12, 0, 0, 0), u32(3), 0));
        assertEquals(0, m.update(key(8, 11, 0, 0, 0), u32(4), MapFlags.BPF_EXIST), "replacing fits a full trie");
        assertEquals(4, route(m, 11, 9, 9, 9));
    }

    @Test
    void updateReplacesStorage() {
        BpfMap m = ipv4(2);
        m.update(key(8, 10, 0, 0, 0), u32(1), 0);
        Region old = m.lookup(key(32, 10, 0, 0, 1));
        m.update(key(8, 10, 0, 0, 0), u32(2), 0);
        Region fresh = m.lookup(key(32, 10, 0, 0, 1));
        assertNotSame(old, fresh);
        assertEquals(1, old.get(0, 4));
        assertEquals(2, fresh.get(0, 4));
    }

    @Test
    void nextKeyWalksInPostOrder() {
        BpfMap m = ipv4(8);
        m.update(key(16, 192, 168, 0, 0), u32(0), 0);
        m.update(key(24, 192, 168, 128, 0), u32(0), 0);
        m.update(key(24, 192, 168, 1, 0), u32(0), 0);
        m.update(key(24, 192, 168, 0, 0), u32(0), 0);
        List<String> order = new ArrayList<>();
        for (byte[] k = m.nextKey(null); k != null; k = m.nextKey(k)) {
            order.add((k[4] & 0xff) + "." + (k[5] & 0xff) + "." + (k[6] & 0xff) + "." + (k[7] & 0xff) + "/" + k[0]);
        }
        assertEquals(List.of("192.168.0.0/24", "192.168.1.0/24", "192.168.128.0/24", "192.168.0.0/16"), order);
        assertEquals("192.168.0.0/24", first(m.nextKey(key(20, 1, 2, 3, 4))), "unknown key restarts");
    }

    private static String first(byte[] k) {
        return (k[4] & 0xff) + "." + (k[5] & 0xff) + "." + (k[6] & 0xff) + "." + (k[7] & 0xff) + "/" + k[0];
    }

    @Test
    void longKeysMatchBitByBit() {
        BpfMap m = Maps.create(new MapSpec("v6", MapType.LPM_TRIE, 4 + 16, 1, 8, MapFlags.BPF_F_NO_PREALLOC));
        byte[] k = new byte[20];
        k[0] = (byte) 65;
        k[4] = 0x20;
        k[5] = 0x01;
        k[12] = (byte) 0x80;
        assertEquals(0, m.update(k, new byte[] {65}, 0));
        byte[] probe = k.clone();
        probe[0] = (byte) 128;
        probe[19] = 7;
        assertEquals(65, m.lookupValue(probe)[0]);
        probe[12] = 0x40;
        assertNull(m.lookupValue(probe));
    }
}
