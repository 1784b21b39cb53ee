package dev.jvmbpf.helpers.run.internal;

import java.math.BigInteger;

/** Integers as users type them on a command line or in a configuration: decimal, 0x hex, 0b binary, 0o octal, signed. */
public final class Numbers {
    private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);

    private Numbers() {
    }

    /**
     * The 64-bit pattern of {@code text}: anything from {@code -2^63} to {@code 2^64 - 1}, so
     * {@code -1} and {@code 0xffffffffffffffff} are the same value. Throws
     * {@link IllegalArgumentException} naming the text otherwise.
     */
    public static long parse(String text) {
        BigInteger v = parseBig(text);
        if (v.bitLength() > 64 || v.compareTo(BigInteger.ONE.shiftLeft(63).negate()) < 0) {
            throw new IllegalArgumentException("'" + text + "' does not fit in 64 bits");
        }
        return v.longValue();
    }

    /** The exact value of {@code text}, unbounded. */
    public static BigInteger parseBig(String text) {
        String t = text.strip().replace("_", "");
        boolean negative = t.startsWith("-");
        if (negative || t.startsWith("+")) {
            t = t.substring(1);
        }
        int radix = 10;
        String lower = t.toLowerCase(java.util.Locale.ROOT);
        if (lower.startsWith("0x")) {
            radix = 16;
            t = t.substring(2);
        } else if (lower.startsWith("0b")) {
            radix = 2;
            t = t.substring(2);
        } else if (lower.startsWith("0o")) {
            radix = 8;
            t = t.substring(2);
        }
        if (t.isEmpty() || t.startsWith("-") || t.startsWith("+")) {
            throw new IllegalArgumentException("'" + text + "' is not a number");
        }
        try {
            BigInteger v = new BigInteger(t, radix);
            return negative ? v.negate() : v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a number");
        }
    }

    /** True when {@code v} fits {@code bits} bits either as unsigned or as two's complement. */
    public static boolean fits(BigInteger v, int bits) {
        BigInteger max = BigInteger.ONE.shiftLeft(bits);
        BigInteger min = BigInteger.ONE.shiftLeft(bits - 1).negate();
        return v.compareTo(max) < 0 && v.compareTo(min) >= 0;
    }

    /** The low 64 bits of {@code v}. */
    public static long low64(BigInteger v) {
        return v.mod(TWO_64).longValue();
    }

    /**
     * Bytes written as hex: {@code 0a000001}, {@code 0a 00 00 01}, {@code 0a:00:00:01}, with an
     * optional {@code 0x}. Throws {@link IllegalArgumentException} naming the text otherwise.
     */
    public static byte[] hexBytes(String text) {
        String t = text.strip();
        if (t.startsWith("0x") || t.startsWith("0X")) {
            t = t.substring(2);
        }
        t = t.replaceAll("[\\s:_-]", "");
        if (t.length() % 2 != 0) {
            throw new IllegalArgumentException("hex '" + text + "' has an odd number of digits");
        }
        try {
            return java.util.HexFormat.of().parseHex(t);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not hex bytes");
        }
    }
}
