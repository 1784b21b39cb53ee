package dev.jvmbpf.helpers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProbeReadTest {
    private static byte[] filled(int n) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) 0xff);
        return b;
    }

    @ParameterizedTest
    @ValueSource(ints = {4, 112, 113})
    void readCopiesReachableMemoryAndFaultsSoftlyOtherwise(int id) {
        Harness h = new Harness();
        byte[] dst = filled(8);
        long d = h.mem(dst);
        long src = h.readOnly(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        assertEquals(0, h.call(id, d, 8, src));
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, dst);
        for (long bad : new long[] {0, 8, 0xdead_beef_0000_0000L, src + 4}) {
            java.util.Arrays.fill(dst, (byte) 0xff);
            assertEquals(-14, h.call(id, d, 8, bad), "source 0x" + Long.toHexString(bad));
            assertArrayEquals(new byte[8], dst, "destination zero-filled");
        }
        java.util.Arrays.fill(dst, (byte) 0xff);
        assertEquals(0, h.call(id, d, 0, 0), "size 0 reads nothing");
        assertArrayEquals(filled(8), dst);
    }

    @ParameterizedTest
    @ValueSource(ints = {45, 114, 115})
    void readStrReturnsLengthWithNul(int id) {
        Harness h = new Harness();
        byte[] dst = filled(16);
        long d = h.mem(dst);
        assertEquals(6, h.call(id, d, 16, h.str("hello")));
        assertEquals("hello\0", new String(dst, 0, 6, StandardCharsets.US_ASCII));
        assertEquals((byte) 0xff, dst[6], "bytes after the NUL are left alone");

        java.util.Arrays.fill(dst, (byte) 0xff);
        assertEquals(6, h.call(id, d, 6, h.str("hello world")), "cut to size, NUL included");
        assertEquals("hello\0", new String(dst, 0, 6, StandardCharsets.US_ASCII));

        java.util.Arrays.fill(dst, (byte) 0xff);
        assertEquals(-14, h.call(id, d, 16, h.readOnly("abc".getBytes(StandardCharsets.US_ASCII))),
                "the region ends before the NUL");
        assertArrayEquals(new byte[16], dst);

        java.util.Arrays.fill(dst, (byte) 0xff);
        assertEquals(-14, h.call(id, d, 16, 0));
        assertArrayEquals(new byte[16], dst);
        assertEquals(1, h.call(id, d, 16, h.str("")));
    }

    @org.junit.jupiter.api.Test
    void writeUserAndCopyFromUser() {
        Harness h = new Harness();
        byte[] dst = new byte[4];
        long d = h.mem(dst);
        long src = h.readOnly(new byte[] {1, 2, 3, 4});
        assertEquals(0, h.call(36, d, src, 4));
        assertArrayEquals(new byte[] {1, 2, 3, 4}, dst);
        assertEquals(-14, h.call(36, src, d, 4), "read-only destination");
        assertEquals(-14, h.call(36, 0, d, 4), "no memory at all");
        byte[] copy = filled(4);
        assertEquals(-14, h.call(148, h.mem(copy), 4, 0));
        assertArrayEquals(new byte[4], copy);
    }
}
