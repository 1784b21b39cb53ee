package dev.jvmbpf.runtime.maps.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BytesTest {
    /** The hash as first written: 8-byte words, then the tail gathered one byte at a time. */
    private static long byByte(byte[] data, int offset, int length, long seed) {
        long h = seed ^ Bytes.mix(length + 0x9E3779B97F4A7C15L);
        int i = offset;
        int end = offset + length;
        for (; i + 8 <= end; i += 8) {
            long word = 0;
            for (int b = 7; b >= 0; b--) {
                word = word << 8 | (data[i + b] & 0xffL);
            }
            h = Bytes.mix(h ^ word) + 0x9E3779B97F4A7C15L;
        }
        long tail = 0;
        for (int shift = 0; i < end; i++, shift += 8) {
            tail |= (data[i] & 0xffL) << shift;
        }
        return Bytes.mix(h ^ tail);
    }

    @Test
    void everyLengthAndOffsetHashesAsTheByteByByteDefinition() {
        SplittableRandom rnd = new SplittableRandom(7);
        byte[] data = new byte[64];
        rnd.nextBytes(data);
        for (int length = 0; length <= 40; length++) {
            for (int offset = 0; offset <= 8; offset++) {
                long seed = rnd.nextLong();
                long expected = byByte(data, offset, length, seed);
                assertEquals(expected, Bytes.hash(data, offset, length, seed), "length " + length + " offset " + offset);
                assertEquals(expected, Bytes.hashFrom(Bytes.start(seed, length), data, offset, length));
            }
        }
    }
}
