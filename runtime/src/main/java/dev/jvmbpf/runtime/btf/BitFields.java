package dev.jvmbpf.runtime.btf;

/**
 * Reading and writing BTF integers and bitfields in little-endian bytes: one rule for every place
 * that turns BTF-typed bytes into values (the formatter, the library's typed maps) and back.
 */
public final class BitFields {
    private BitFields() {
    }

    /** {@code count} (at most 64) bits from bit {@code bit}, little-endian, sign-extended when {@code signed}. */
    public static long read(byte[] b, long bit, int count, boolean signed) {
        int n = Math.min(count, 64);
        long v = 0;
        if (bit % 8 == 0 && n % 8 == 0) {
            int at = (int) (bit / 8);
            for (int k = n / 8 - 1; k >= 0; k--) {
                v = v << 8 | (b[at + k] & 0xff);
            }
        } else {
            for (int k = 0; k < n; k++) {
                long at = bit + k;
                if ((b[(int) (at >>> 3)] >>> (at & 7) & 1) != 0) {
                    v |= 1L << k;
                }
            }
        }
        if (signed && n < 64 && n > 0 && (v >>> (n - 1) & 1) != 0) {
            v |= -1L << n;
        }
        return v;
    }

    /** Writes the low {@code count} (at most 64) bits of {@code v} from bit {@code bit}, little-endian. */
    public static void write(byte[] b, long bit, int count, long v) {
        for (int k = 0; k < count; k++) {
            long at = bit + k;
            int index = (int) (at >>> 3);
            int mask = 1 << (at & 7);
            if ((v >>> k & 1) != 0) {
                b[index] |= (byte) mask;
            } else {
                b[index] &= (byte) ~mask;
            }
        }
    }
}
