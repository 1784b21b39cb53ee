package dev.jvmbpf.bench;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** SipHash-2-4 in plain Java, from the algorithm's description, to check the BPF workload against. */
final class SipHashReference {
    private long v0;
    private long v1;
    private long v2;
    private long v3;

    private SipHashReference(long k0, long k1) {
        v0 = k0 ^ 0x736f6d6570736575L;
        v1 = k1 ^ 0x646f72616e646f6dL;
        v2 = k0 ^ 0x6c7967656e657261L;
        v3 = k1 ^ 0x7465646279746573L;
    }

    static long hash(long k0, long k1, byte[] message) {
        SipHashReference s = new SipHashReference(k0, k1);
        ByteBuffer in = ByteBuffer.wrap(message).order(ByteOrder.LITTLE_ENDIAN);
        int full = message.length / 8;
        for (int i = 0; i < full; i++) {
            s.compress(in.getLong(i * 8));
        }
        long last = (long) (message.length & 0xff) << 56;
        for (int i = full * 8; i < message.length; i++) {
            last |= (message[i] & 0xffL) << (8 * (i - full * 8));
        }
        s.compress(last);
        s.v2 ^= 0xff;
        for (int i = 0; i < 4; i++) {
            s.round();
        }
        return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
    }

    private void compress(long m) {
        v3 ^= m;
        round();
        round();
        v0 ^= m;
    }

    private void round() {
        v0 += v1;
        v1 = Long.rotateLeft(v1, 13);
        v1 ^= v0;
        v0 = Long.rotateLeft(v0, 32);
        v2 += v3;
        v3 = Long.rotateLeft(v3, 16);
        v3 ^= v2;
        v0 += v3;
        v3 = Long.rotateLeft(v3, 21);
        v3 ^= v0;
        v2 += v1;
        v1 = Long.rotateLeft(v1, 17);
        v1 ^= v2;
        v2 = Long.rotateLeft(v2, 32);
    }
}
