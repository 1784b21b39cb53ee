package dev.jvmbpf.runtime.maps.internal;

import dev.jvmbpf.runtime.maps.Errno;
import dev.jvmbpf.runtime.maps.MapSpec;
import dev.jvmbpf.runtime.maps.UserRingBufferMap;
import dev.jvmbpf.runtime.memory.Region;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * USER_RINGBUF as a queue of copies: the ring's byte layout is the producer's business (libbpf's
 * in the kernel's case), so only its capacity is kept, counted as the kernel's ring counts it.
 * Programs cannot look elements up; user space only submits.
 */
public final class UserRingBufImpl implements UserRingBufferMap {
    private static final int HEADER = RingBufImpl.HEADER;

    private final MapSpec spec;
    private final ArrayDeque<byte[]> samples = new ArrayDeque<>();
    private final AtomicBoolean busy = new AtomicBoolean();
    private long used;

    public UserRingBufImpl(MapSpec spec) {
        this.spec = spec;
    }

    private static long footprint(int length) {
        return HEADER + (((long) length + 7) & ~7L);
    }

    @Override
    public MapSpec spec() {
        return spec;
    }

    @Override
    public synchronized int submit(byte[] sample) {
        long need = footprint(sample.length);
        // libbpf refuses a sample larger than the ring less one header outright
        if (need > spec.maxEntries()) {
            return -Errno.E2BIG;
        }
        if (used + need > spec.maxEntries()) {
            return -Errno.ENOSPC;
        }
        samples.addLast(sample.clone());
        used += need;
        return 0;
    }

    @Override
    public synchronized int pending() {
        return samples.size();
    }

    private synchronized byte[] take() {
        byte[] s = samples.pollFirst();
        if (s != null) {
            used -= footprint(s.length);
        }
        return s;
    }

    @Override
    public long drain(SampleHandler handler) {
        if (!busy.compareAndSet(false, true)) {
            return -Errno.EBUSY;
        }
        try {
            long handed = 0;
            while (handed < MAX_DRAINED_SAMPLES) {
                byte[] s = take();
                if (s == null) {
                    break;
                }
                handed++;
                if (handler.onSample(s) != 0) {
                    break;
                }
            }
            return handed;
        } finally {
            busy.set(false);
        }
    }

    /** The kernel's map_lookup_elem of a user ring buffer: -EOPNOTSUPP, so none here either. */
    @Override
    public Region lookup(byte[] key) {
        return null;
    }

    @Override
    public int update(byte[] key, byte[] value, long flags) {
        return -Errno.EOPNOTSUPP;
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
        return pending();
    }
}
