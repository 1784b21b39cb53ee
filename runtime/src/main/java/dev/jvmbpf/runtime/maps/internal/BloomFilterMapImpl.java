package dev.jvmbpf.runtime.maps.internal;

import dev.jvmbpf.runtime.maps.Errno;
import dev.jvmbpf.runtime.maps.MapFlags;
import dev.jvmbpf.runtime.maps.MapSpec;
import dev.jvmbpf.runtime.maps.QueueMap;
import dev.jvmbpf.runtime.memory.Region;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * BLOOM_FILTER. The number of hash functions is map_extra's low 4 bits (5 when 0). The bit array
 * has about {@code max_entries * hashes / ln 2} bits, rounded up to a power of two, which gives
 * the false-positive rate of an optimally loaded filter when max_entries values are pushed.
 * Bits are set with atomic ORs, so pushes from many threads never lose a bit.
 */
public final class BloomFilterMapImpl implements QueueMap {
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final int DEFAULT_HASHES = 5;

    private final MapSpec spec;
    private final int hashes;
    private final long[] bits;
    private final long bitMask;
    private final long seed;

    public BloomFilterMapImpl(MapSpec spec) {
        this.spec = spec;
        int k = (int) (spec.mapExtra() & 0xf);
        this.hashes = k == 0 ? DEFAULT_HASHES : k;
        long wanted = (long) Math.ceil(spec.maxEntriesUnsigned() * (double) hashes / Math.log(2));
        long nbits = Math.max(64, Math.min(Bytes.nextPowerOfTwo(wanted), 1L << 30));
        this.bits = new long[(int) (nbits / 64)];
        this.bitMask = nbits - 1;
        this.seed = (spec.flags() & MapFlags.BPF_F_ZERO_SEED) != 0 ? 0 : ThreadLocalRandom.current().nextLong();
    }

    public int hashCount() {
        return hashes;
    }

    public long bitCount() {
        return bitMask + 1;
    }

    @Override
    public MapSpec spec() {
        return spec;
    }

    private long bit(byte[] value, int i) {
        return Bytes.hash(value, seed + i * 0x9E3779B97F4A7C15L) & bitMask;
    }

    @Override
    public int push(byte[] value, long flags) {
        Bytes.requireLength(spec, "value", value, spec.valueSize());
        if (flags != MapFlags.BPF_ANY) {
            return -Errno.EINVAL;
        }
        for (int i = 0; i < hashes; i++) {
            long b = bit(value, i);
            LONGS.getAndBitwiseOr(bits, (int) (b >>> 6), 1L << (b & 63));
        }
        return 0;
    }

    @Override
    public int peek(byte[] value) {
        Bytes.requireLength(spec, "value", value, spec.valueSize());
        for (int i = 0; i < hashes; i++) {
            long b = bit(value, i);
            long word = (long) LONGS.getAcquire(bits, (int) (b >>> 6));
            if ((word & (1L << (b & 63))) == 0) {
                return -Errno.ENOENT;
            }
        }
        return 0;
    }

    @Override
    public int pop(byte[] valueOut) {
        return -Errno.EOPNOTSUPP;
    }

    @Override
    public Region lookup(byte[] key) {
        return null;
    }

    @Override
    public byte[] lookupValue(byte[] key) {
        return null;
    }

    @Override
    public int update(byte[] key, byte[] value, long flags) {
        return push(value, flags);
    }

    @Override
    public int delete(byte[] key) {
        return -Errno.EOPNOTSUPP;
    }

    @Override
    public List<byte[]> keys() {
        return List.of();
    }

    @Override
    public int size() {
        return 0;
    }
}
