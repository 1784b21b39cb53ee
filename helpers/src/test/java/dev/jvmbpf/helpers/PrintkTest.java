package dev.jvmbpf.helpers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PrintkTest {
    private static String print(String fmt, long... args) {
        Harness h = new Harness();
        long n = h.printk(fmt, args);
        assertEquals(1, h.lines.size(), "one line for " + fmt);
        assertEquals(h.last().getBytes(StandardCharsets.UTF_8).length, n, "return value counts the bytes of " + fmt);
        return h.last();
    }

    @Test
    void integerConversions() {
        assertEquals("-5", print("%d", -5));
        assertEquals("-1", print("%d", 0xffffffffL), "%d takes the low 32 bits, signed");
        assertEquals("42", print("%i", 42));
        assertEquals("4294967295", print("%u", -1));
        assertEquals("ffffffff", print("%x", 0x1234abcd_ffffffffL));
        assertEquals("AB", print("%X", 0xab));
        assertEquals("4294967295", print("%ld", 0xffffffffL));
        assertEquals("-1", print("%li", -1));
        assertEquals("18446744073709551615", print("%lu", -1));
        assertEquals("1234abcdffffffff", print("%lx", 0x1234abcd_ffffffffL));
        assertEquals("-9223372036854775808", print("%lld", Long.MIN_VALUE));
        assertEquals("7", print("%lli", 7));
        assertEquals("18446744073709551615", print("%llu", -1));
        assertEquals("ff", print("%llx", 255));
    }

    @Test
    void charsPercentAndPointers() {
        assertEquals("A", print("%c", 'A'));
        assertEquals("100% 3", print("100%% %d", 3));
        assertEquals("0000000000001234", print("%p", 0x1234));
        assertEquals("0000000000001234", print("%px", 0x1234));
        assertEquals("0000000000001234", print("%pK", 0x1234));
        assertEquals("0x1234", print("%ps", 0x1234));
        assertEquals("0000000000000010,", print("%p,", 16), "punctuation after %p is plain text");
    }

    @Test
    void flagsAndWidth() {
        assertEquals("   42", print("%5d", 42));
        assertEquals("42   |", print("%-5d|", 42));
        assertEquals("-0042", print("%05d", -42));
        assertEquals("+5", print("%+d", 5));
        assertEquals(" 5", print("% d", 5));
        assertEquals("5", print("%+u", 5), "+ applies to signed conversions only");
        assertEquals("0000beef", print("%08x", 0xbeef));
        assertEquals("A   |", print("%-4c|", 'A'));
        assertEquals("-7   |", print("%-05d|", -7), "- wins over 0");
    }

    @Test
    void stringsComeFromProgramMemory() {
        Harness h = new Harness();
        long s = h.str("world");
        assertEquals(14, h.printk("hello, %s!\n", s), "the newline counts");
        assertEquals("hello, world!", h.last());
        h.printk("[%10s]", s);
        assertEquals("[     world]", h.last());
        h.printk("[%pks|%pus]", s, s);
        assertEquals("[world|world]", h.last());
        h.printk("[%s]", 0);
        assertEquals("[]", h.last(), "an unreadable string prints as empty, as in the kernel");
        h.printk("[%s]", 0x7777_0000_0000L);
        assertEquals("[]", h.last());
    }

    @Test
    void ipAddresses() {
        Harness h = new Harness();
        long v4 = h.mem(new byte[] {(byte) 192, (byte) 168, 1, 10});
        byte[] six = new byte[16];
        six[0] = 0x20;
        six[1] = 0x01;
        six[2] = 0x0d;
        six[3] = (byte) 0xb8;
        six[15] = 1;
        long v6 = h.mem(six);
        h.printk("%pI4 %pi4", v4, v4);
        assertEquals("192.168.1.10 192.168.001.010", h.last());
        h.printk("%pI6", v6);
        assertEquals("2001:0db8:0000:0000:0000:0000:0000:0001", h.last());
        h.printk("%pi6", v6);
        assertEquals("20010db8000000000000000000000001", h.last());
    }

    @ParameterizedTest
    @ValueSource(strings = {"%5.2d", "%.3s", "%hd", "%o", "%lc", "%llc", "%ls", "%lllx", "%#x", "%5%", "%z",
            "%pZ", "%d %d %d %d", "trailing %", "ctl \u0001 char", "%\u00e9"})
    void badFormatsReturnEinvalAndPrintNothing(String fmt) {
        Harness h = new Harness();
        assertEquals(-22, h.printk(fmt, 1, 2, 3));
        assertTrue(h.lines.isEmpty());
    }

    @Test
    void formatWithoutNulIsInvalid() {
        Harness h = new Harness();
        long f = h.readOnly("abc".getBytes(StandardCharsets.US_ASCII));
        assertEquals(-22, h.call(StandardHelpers.TRACE_PRINTK, f, 3, 0, 0, 0));
        assertEquals(3, h.call(StandardHelpers.TRACE_PRINTK, h.str("abc"), 4, 0, 0, 0));
        assertEquals("abc", h.last());
    }

    @Test
    void nonAsciiTextPassesThrough() {
        assertEquals("caf\u00e9 1", print("caf\u00e9 %d", 1));
    }

    @Test
    void longOutputIsCutButTheReturnValueIsTheFullLength() {
        Harness h = new Harness();
        assertEquals(1100, h.printk("%1000d%100d", 1, 2));
        assertEquals(1023, h.last().length());
    }

    @Test
    void vprintkTakesAnArrayOfArguments() {
        Harness h = new Harness();
        byte[] data = new byte[40];
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(data).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 5; i++) {
            b.putLong(8 * i, i + 1);
        }
        long d = h.mem(data);
        long[] f = h.fmt("%d %d %d %d %d");
        assertEquals(9, h.call(177, f[0], f[1], d, 40));
        assertEquals("1 2 3 4 5", h.last());
        assertEquals(-22, h.call(177, f[0], f[1], d, 12), "data_len must be a multiple of 8");
        assertEquals(-22, h.call(177, f[0], f[1], d, 32), "five conversions, four arguments");
    }

    @Test
    void snprintfWritesNulTerminatedAndReturnsLengthWithNul() {
        Harness h = new Harness();
        byte[] out = new byte[8];
        java.util.Arrays.fill(out, (byte) '#');
        long o = h.mem(out);
        long d = h.mem(new byte[] {(byte) 0xd2, 4, 0, 0, 0, 0, 0, 0});
        assertEquals(11, h.call(165, o, 8, h.str("n=%d, ok"), d, 8), "\"n=1234, ok\" is 10 bytes plus NUL");
        assertEquals("n=1234,\0", new String(out, StandardCharsets.US_ASCII));
        assertEquals(4, h.call(165, o, 0, h.str("abc"), 0, 0), "size 0 still returns the length with NUL");
        assertEquals("n=1234,\0", new String(out, StandardCharsets.US_ASCII), "size 0 writes nothing");
        assertEquals(-22, h.call(165, o, 8, h.str("%d"), d, 0));
        assertEquals(-22, h.call(165, o, 8, h.str("x"), d, 13 * 8), "more than 12 arguments: EINVAL, as the kernel");
    }

    @Test
    void tracePipeLine() {
        String line = TracePipeFormat.format("java", 4321, 3, "d..31", 1_234_567_890_123L, "hello");
        assertEquals("            java-4321    [003] d..31  1234.567890: bpf_trace_printk: hello", line);
        java.util.List<String> got = new java.util.ArrayList<>();
        TracePipeFormat.decorate(got::add).printk("x");
        assertTrue(got.get(0).endsWith(": bpf_trace_printk: x"), got.get(0));
        assertTrue(got.get(0).contains("-" + (new Harness().call(14) & 0xffffffffL) + " "), got.get(0));
    }
}
