package dev.jvmbpf.runtime.maps.internal;

import dev.jvmbpf.runtime.maps.Errno;
import dev.jvmbpf.runtime.maps.MapSpec;
import dev.jvmbpf.runtime.maps.PerfBuffer;
import dev.jvmbpf.runtime.maps.IterableMap;
import dev.jvmbpf.runtime.maps.PerfEventArrayMap;
import dev.jvmbpf.runtime.maps.PerfSample;
import dev.jvmbpf.runtime.memory.Region;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;

/**
 * PERF_EVENT_ARRAY. The helper resolves BPF_F_CURRENT_CPU with {@code Cpus.current()}. An explicit slot index is delivered to that slot whatever the current CPU
 * (the kernel would refuse a slot whose event is on another CPU with -EOPNOTSUPP; threads here
 * are not pinned to CPUs, so that check would only make output fail at random).
 */
public final class PerfEventArrayImpl implements PerfEventArrayMap, IterableMap {
    private final MapSpec spec;
    /** A {@link PerfBuffer} or a {@code Consumer<byte[]>} per open slot. */
    private final AtomicReferenceArray<Object> slots;

    public PerfEventArrayImpl(MapSpec spec) {
        this.spec = spec;
        this.slots = new AtomicReferenceArray<>(spec.maxEntries());
    }

    @Override
    public MapSpec spec() {
        return spec;
    }

    private void checkIndex(int index) {
        if (index < 0 || index >= spec.maxEntries()) {
            throw new IllegalArgumentException("map " + spec.name() + ": slot " + index + " is not in [0, "
                    + spec.maxEntries() + ")");
        }
    }

    @Override
    public PerfBuffer open(int index, int capacityBytes) {
        checkIndex(index);
        PerfBuffer b = new PerfBuffer(index, capacityBytes);
        slots.set(index, b);
        return b;
    }

    @Override
    public void subscribe(int index, Consumer<byte[]> callback) {
        checkIndex(index);
        slots.set(index, java.util.Objects.requireNonNull(callback, "callback"));
    }

    @Override
    public void close(int index) {
        checkIndex(index);
        slots.set(index, null);
    }

    @Override
    @SuppressWarnings("unchecked")
    public int output(long index, byte[] data) {
        if (index < 0 || index >= spec.maxEntries()) {
            return -Errno.E2BIG;
        }
        Object sink = slots.get((int) index);
        if (sink == null) {
            return -Errno.ENOENT;
        }
        // Readers get the sample as the kernel stores it: zero-padded to whole words.
        byte[] sample = PerfSample.asRead(data);
        if (sink instanceof PerfBuffer b) {
            return b.offer(sample) ? 0 : -Errno.ENOSPC;
        }
        ((Consumer<byte[]>) sink).accept(sample);
        return 0;
    }

    @Override
    public Region lookup(byte[] key) {
        Bytes.index(spec, key);
        return null;
    }

    /** Slots hold perf event descriptors in the kernel; here they are opened with {@link #open}. */
    @Override
    public int update(byte[] key, byte[] value, long flags) {
        int index = Bytes.index(spec, key);
        if (flags != 0) {
            return -Errno.EINVAL;
        }
        return Integer.compareUnsigned(index, spec.maxEntries()) >= 0 ? -Errno.E2BIG : -Errno.EINVAL;
    }

    @Override
    public int delete(byte[] key) {
        int index = Bytes.index(spec, key);
        if (Integer.compareUnsigned(index, spec.maxEntries()) >= 0) {
            return -Errno.E2BIG;
        }
        return slots.getAndSet(index, null) == null ? -Errno.ENOENT : 0;
    }

    @Override
    public byte[] nextKey(byte[] key) {
        if (key == null) {
            return Bytes.u32Key(0);
        }
        int index = Bytes.index(spec, key);
        if (Integer.compareUnsigned(index, spec.maxEntries()) >= 0) {
            return Bytes.u32Key(0);
        }
        return index == spec.maxEntries() - 1 ? null : Bytes.u32Key(index + 1);
    }

    @Override
    public List<byte[]> keys() {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < spec.maxEntries(); i++) {
            if (slots.get(i) != null) {
                out.add(Bytes.u32Key(i));
            }
        }
        return out;
    }

    @Override
    public byte[] lookupValue(byte[] key) {
        int index = Bytes.index(spec, key);
        if (Integer.compareUnsigned(index, spec.maxEntries()) >= 0 || slots.get(index) == null) {
            return null;
        }
        return Bytes.u32Key(index);
    }
}
