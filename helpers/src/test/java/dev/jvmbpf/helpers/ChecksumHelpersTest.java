package dev.jvmbpf.helpers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jvmbpf.helpers.context.SkBuffContext;
import org.junit.jupiter.api.Test;

/** l3/l4_csum_replace must leave the same checksum as recomputing it over the changed header. */
class ChecksumHelpersTest {
    private static final int CSUM = 14 + 10;
    private static final int SRC = 14 + 12;

    /** An Ethernet frame with an IPv4 header whose checksum is correct. */
    private static byte[] frame() {
        byte[] f = new byte[14 + 20];
        f[12] = 0x08;
        byte[] ip = {0x45, 0, 0, 0x54, 0x12, 0x34, 0x40, 0, 0x40, 0x11, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2};
        System.arraycopy(ip, 0, f, 14, 20);
        fix(f);
        return f;
    }

    /** Recomputes the IPv4 header checksum from scratch (RFC 1071). */
    private static void fix(byte[] f) {
        f[CSUM] = 0;
        f[CSUM + 1] = 0;
        int sum = 0;
        for (int i = 14; i < 34; i += 2) {
            sum += (f[i] & 0xff) << 8 | (f[i + 1] & 0xff);
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        int c = ~sum & 0xffff;
        f[CSUM] = (byte) (c >>> 8);
        f[CSUM + 1] = (byte) c;
    }

    private static long le32(byte[] b, int at) {
        return (b[at] & 0xffL) | (b[at + 1] & 0xffL) << 8 | (b[at + 2] & 0xffL) << 16 | (b[at + 3] & 0xffL) << 24;
    }

    @Test
    void l3ReplaceOfAnAddressMatchesARecomputedChecksum() {
        for (int size : new int[] {4, 0}) {
            Harness h = new Harness();
            SkBuffContext skb = SkBuffContext.of(frame());
            long ctx = skb.install(h.machine).r1();
            byte[] next = {(byte) 192, (byte) 168, 1, 1};
            long from = le32(skb.packet(), SRC);
            long to = le32(next, 0);
            if (size == 4) {
                assertEquals(0, h.call(10, ctx, CSUM, from, to, 4));
            } else {
                long diff = h.call(28, h.readOnly(new byte[] {10, 0, 0, 1}), 4, h.readOnly(next), 4, 0);
                assertEquals(0, h.call(10, ctx, CSUM, 0, diff, 0));
            }
            assertEquals(0, h.call(9, ctx, SRC, h.readOnly(next), 4, 0));
            byte[] expected = skb.packet().clone();
            fix(expected);
            assertArrayEquals(expected, skb.packet(), "size " + size);
        }
    }

    @Test
    void l3ReplaceOfASixteenBitField() {
        Harness h = new Harness();
        SkBuffContext skb = SkBuffContext.of(frame());
        long ctx = skb.install(h.machine).r1();
        int ttlOffset = 14 + 8;
        long from = (skb.packet()[ttlOffset] & 0xff) | (skb.packet()[ttlOffset + 1] & 0xff) << 8;
        long to = (0x3f) | (0x11 << 8);
        assertEquals(0, h.call(10, ctx, CSUM, from, to, 2));
        assertEquals(0, h.call(9, ctx, ttlOffset, h.readOnly(new byte[] {0x3f}), 1, 0));
        byte[] expected = skb.packet().clone();
        fix(expected);
        assertArrayEquals(expected, skb.packet(), "TTL 64 -> 63");
    }

    @Test
    void l4ReplaceAndItsFlags() {
        Harness h = new Harness();
        SkBuffContext skb = SkBuffContext.of(frame());
        long ctx = skb.install(h.machine).r1();
        byte[] next = {10, 0, 0, 9};
        assertEquals(0, h.call(11, ctx, CSUM, le32(skb.packet(), SRC), le32(next, 0), 4 | 1 << 4));
        assertEquals(0, h.call(9, ctx, SRC, h.readOnly(next), 4, 0));
        byte[] expected = skb.packet().clone();
        fix(expected);
        assertArrayEquals(expected, skb.packet());

        byte[] zero = frame();
        zero[CSUM] = 0;
        zero[CSUM + 1] = 0;
        SkBuffContext udp = SkBuffContext.of(zero);
        long uctx = udp.install(h.machine).r1();
        assertEquals(0, h.call(11, uctx, CSUM, 1, 2, 4 | 1 << 5), "a zero UDP checksum stays absent");
        assertEquals(0, udp.packet()[CSUM]);
        assertEquals(0, udp.packet()[CSUM + 1]);
    }

    @Test
    void badArgumentsAreRejectedLikeTheKernel() {
        Harness h = new Harness();
        long ctx = SkBuffContext.of(frame()).install(h.machine).r1();
        assertEquals(-22, h.call(10, ctx, CSUM, 0, 0, 3), "size 3");
        assertEquals(-22, h.call(10, ctx, CSUM, 1, 0, 0), "size 0 takes no 'from'");
        assertEquals(-22, h.call(10, ctx, CSUM, 0, 0, 1 << 4), "l3 has no pseudo-header flag");
        assertEquals(-14, h.call(10, ctx, CSUM + 1, 0, 0, 4), "odd offset");
        assertEquals(-14, h.call(10, ctx, 34, 0, 0, 4), "past the packet");
        assertEquals(-22, h.call(11, ctx, CSUM, 0, 0, 1 << 8), "unknown l4 flag");
    }
}
