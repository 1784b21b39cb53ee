package dev.jvmbpf.helpers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StringHelpersTest {
    private static final int STRTOL = 105;
    private static final int STRTOUL = 106;

    /** Returns {return value, *res}. */
    private static long[] parse(int id, String s, int len, long flags) {
        Harness h = new Harness();
        byte[] res = new byte[8];
        java.util.Arrays.fill(res, (byte) 0x55);
        long r = h.mem(res);
        long buf = h.readOnly(s.isEmpty() ? new byte[1] : s.getBytes(StandardCharsets.ISO_8859_1));
        long rc = h.call(id, buf, len, flags, r);
        return new long[] {rc, h.machine.memory().load64(r)};
    }

    private static long[] strtol(String s, long base) {
        return parse(STRTOL, s, s.length(), base);
    }

    private static long[] strtoul(String s, long base) {
        return parse(STRTOUL, s, s.length(), base);
    }

    private static void check(long rc, long value, long[] got) {
        check(rc, value, got, "");
    }

    private static void check(long rc, long value, long[] got, String why) {
        assertEquals(rc, got[0], "return value " + why);
        assertEquals(value, got[1], "*res " + why);
    }

    @Test
    void basesAndPrefixes() {
        check(3, 123, strtol("123", 10));
        check(5, -42, strtol("  -42xyz", 0));
        check(4, 31, strtol("0x1f", 0));
        check(4, 31, strtol("0x1f", 16));
        check(2, 31, strtol("1f", 16));
        check(4, 255, strtol("0XFF", 0));
        check(3, 15, strtol("017", 0));
        check(2, 1, strtol("018", 0), "8 is no octal digit");
        check(3, 17, strtol("017", 10));
        check(1, 0, strtol("0x", 0), "0x without a hex digit is the octal 0");
        check(-22, 0, strtol("0x", 16));
        check(1, 1, parse(STRTOL, "12", 1, 10), "only buf_len bytes count");
        check(2, 9, strtol("\t9", 10));
    }

    @Test
    void limits() {
        check(19, Long.MAX_VALUE, strtol("9223372036854775807", 10));
        check(-34, 0, strtol("9223372036854775808", 10));
        check(20, Long.MIN_VALUE, strtol("-9223372036854775808", 10));
        check(-34, 0, strtol("-9223372036854775809", 10));
        check(19, Long.MIN_VALUE, strtoul("9223372036854775808", 10));
        check(20, -1, strtoul("18446744073709551615", 10));
        check(-34, 0, strtoul("18446744073709551616", 10));
        check(18, -1, strtoul("0xffffffffffffffff", 0));
    }

    @Test
    void invalidInput() {
        check(-22, 0, strtol("+5", 10));
        check(-22, 0, parse(STRTOL, "", 0, 10));
        check(-22, 0, strtol("   ", 10));
        check(-22, 0, strtol("-", 10));
        check(-22, 0, strtol("abc", 10));
        check(-22, 0, strtol("12", 2));
        check(-22, 0, strtol("12", 0x20 | 10));
        check(-22, 0, strtoul("-1", 10));
        check(1, 0, strtoul("0", 10));
    }

    @Test
    void strncmp() {
        Harness h = new Harness();
        assertEquals(-1, h.call(182, h.str("abc"), 3, h.str("abd")));
        assertEquals(1, h.call(182, h.str("abd"), 3, h.str("abc")));
        assertEquals(0, h.call(182, h.str("abc"), 3, h.str("abc")));
        assertEquals(0, h.call(182, h.str("abcX"), 3, h.str("abc")), "only s1_sz bytes compare");
        assertEquals(-1, h.call(182, h.str("ab"), 3, h.str("abc")));
        assertEquals(1, h.call(182, h.str("abc"), 3, h.str("ab")));
        assertEquals(1, h.call(182, h.readOnly(new byte[] {(byte) 0xff}), 1, h.str("a")), "bytes compare unsigned");
        assertEquals(0, h.call(182, h.str("x"), 0, h.str("y")));
    }
}
