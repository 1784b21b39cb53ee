package dev.jvmbpf.runtime.maps.internal;

import dev.jvmbpf.runtime.maps.MapSpec;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Byte-array helpers shared by the map implementations. */
final class Bytes {
    static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle I64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private Bytes() {
    }

    /** A 64-bit finaliser with good avalanche, so that bucket indexes use all key bits. */
    static long mix(long x) {
        x ^= x >>> 33;
        x *= 0xff51afd7ed558ccdL;
        x ^= x >>> 33;
        x *= 0xc4ceb9fe1a85ec53L;
        x ^= x >>> 33;
        return x;
    }

    static long hash(byte[] data, int offset, int length, long seed) {
        return hashFrom(start(seed, length), data, offset, length);
    }

    /**
     * The state {@link #hash} starts from for {@code length} bytes: a map whose keys all have
     * one length computes it once.
     */
    static long start(long seed, int length) {
        return seed ^ mix(length + 0x9E3779B97F4A7C15L);
    }

    /** {@link #hash} from a precomputed {@link #start}. */
    static long hashFrom(long start, byte[] data, int offset, int length) {
        long h = start;
        int i = offset;
        int end = offset + length;
        for (; i + 8 <= end; i += 8) {
            h = mix(h ^ (long) I64.get(data, i)) + 0x9E3779B97F4A7C15L;
        }
        // The last 0 to 7 bytes as a little-endian number: a 4-byte read first, then bytes.
        long tail = 0;
        int shift = 0;
        if (i + 4 <= end) {
            tail = (int) I32.get(data, i) & 0xffffffffL;
            i += 4;
            shift = 32;
        }
        for (; i < end; i++, shift += 8) {
            tail |= (data[i] & 0xffL) << shift;
        }
        return mix(h ^ tail);
    }

    static long hash(byte[] data, long seed) {
        return hash(data, 0, data.length, seed);
    }

    static int u32(byte[] key) {
        return (int) I32.get(key, 0);
    }

    /** The slot an array-like map's key names: its four bytes, little-endian (unsigned in the kernel). */
    static int index(MapSpec spec, byte[] key) {
        requireLength(spec, "key", key, 4);
        return u32(key);
    }

    static byte[] u32Key(int index) {
        byte[] k = new byte[4];
        I32.set(k, 0, index);
        return k;
    }

    static void requireLength(MapSpec spec, String what, byte[] bytes, int expected) {
        if (bytes == null || bytes.length != expected) {
            throw new IllegalArgumentException("map " + spec.name() + ": " + what + " must be " + expected
                    + " bytes, got " + (bytes == null ? "null" : bytes.length));
        }
    }

    static int nextPowerOfTwo(long n) {
        long p = 1;
        while (p < n) {
            p <<= 1;
        }
        return (int) Math.min(p, 1 << 30);
    }
}
