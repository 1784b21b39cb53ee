package dev.jvmbpf.runtime.maps.internal;

import dev.jvmbpf.runtime.maps.Errno;
import dev.jvmbpf.runtime.maps.MapEntry;
import dev.jvmbpf.runtime.maps.MapFlags;
import dev.jvmbpf.runtime.maps.MapSpec;
import dev.jvmbpf.runtime.maps.MapType;
import dev.jvmbpf.runtime.maps.QueueMap;
import dev.jvmbpf.runtime.memory.Region;
import java.util.ArrayList;
import java.util.List;

/**
 * QUEUE (pop oldest first) and STACK (pop newest first), in a circular buffer of
 * {@code max_entries} slots under one lock. Keys do not exist: bpf(2)'s update pushes, its
 * lookup peeks and its lookup-and-delete pops, which is what {@link #update},
 * {@link #lookupValue} and {@link #lookupAndDelete} do.
 */
public final class QueueStackMap implements QueueMap {
    private static final byte[] NO_KEY = new byte[0];

    private final MapSpec spec;
    private final boolean stack;
    private final int valueSize;
    private final int capacity;
    private final byte[] slots;
    /** Index of the oldest element. */
    private int oldest;
    private int count;

    public QueueStackMap(MapSpec spec) {
        this.spec = spec;
        this.stack = spec.type() == MapType.STACK;
        this.valueSize = spec.valueSize();
        this.capacity = spec.maxEntries();
        this.slots = new byte[Math.multiplyExact(valueSize, capacity)];
    }

    @Override
    public MapSpec spec() {
        return spec;
    }

    @Override
    public synchronized int push(byte[] value, long flags) {
        Bytes.requireLength(spec, "value", value, valueSize);
        if ((flags & MapFlags.BPF_NOEXIST) != 0 || flags > MapFlags.BPF_EXIST || flags < 0) {
            return -Errno.EINVAL;
        }
        if (count == capacity) {
            if ((flags & MapFlags.BPF_EXIST) == 0) {
                return -Errno.E2BIG;
            }
            oldest = (oldest + 1) % capacity;
            count--;
        }
        int slot = (oldest + count) % capacity;
        System.arraycopy(value, 0, slots, slot * valueSize, valueSize);
        count++;
        return 0;
    }

    /** The slot the next pop takes, or -1 when empty. */
    private int nextSlot() {
        if (count == 0) {
            return -1;
        }
        return stack ? (oldest + count - 1) % capacity : oldest;
    }

    @Override
    public synchronized int peek(byte[] valueOut) {
        Bytes.requireLength(spec, "value buffer", valueOut, valueSize);
        int slot = nextSlot();
        if (slot < 0) {
            return -Errno.ENOENT;
        }
        System.arraycopy(slots, slot * valueSize, valueOut, 0, valueSize);
        return 0;
    }

    @Override
    public synchronized int pop(byte[] valueOut) {
        int r = peek(valueOut);
        if (r == 0) {
            if (!stack) {
                oldest = (oldest + 1) % capacity;
            }
            count--;
        }
        return r;
    }

    @Override
    public Region lookup(byte[] key) {
        return null;
    }

    @Override
    public byte[] lookupValue(byte[] key) {
        byte[] out = new byte[valueSize];
        return peek(out) == 0 ? out : null;
    }

    @Override
    public int update(byte[] key, byte[] value, long flags) {
        return push(value, flags);
    }

    @Override
    public int delete(byte[] key) {
        return -Errno.EINVAL;
    }

    @Override
    public int lookupAndDelete(byte[] key, byte[] valueOut) {
        return pop(valueOut);
    }

    @Override
    public List<byte[]> keys() {
        return List.of();
    }

    /** The elements in pop order, each with an empty key. */
    @Override
    public synchronized List<MapEntry> entries() {
        List<MapEntry> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int slot = stack ? (oldest + count - 1 - i) % capacity : (oldest + i) % capacity;
            byte[] v = new byte[valueSize];
            System.arraycopy(slots, slot * valueSize, v, 0, valueSize);
            out.add(new MapEntry(NO_KEY, v));
        }
        return out;
    }

    @Override
    public synchronized int size() {
        return count;
    }
}
