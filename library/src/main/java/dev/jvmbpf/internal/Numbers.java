package dev.jvmbpf.internal;

import java.math.BigInteger;

/** Integers as users type them on a command line or in a configuration: decimal, 0x hex, 0b binary, 0o octal, signed. */
public final class Numbers {
    private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);

    private Numbers() {
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
}
