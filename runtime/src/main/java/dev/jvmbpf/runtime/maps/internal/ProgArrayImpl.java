package dev.jvmbpf.runtime.maps.internal;

import dev.jvmbpf.runtime.exec.Executable;
import dev.jvmbpf.runtime.maps.Errno;
import dev.jvmbpf.runtime.maps.MapSpec;
import dev.jvmbpf.runtime.maps.IterableMap;
import dev.jvmbpf.runtime.maps.ProgramArray;
import dev.jvmbpf.runtime.memory.Region;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * PROG_ARRAY. Programs cannot read its slots ({@link #lookup} is null); the syscall view of a
 * filled slot is a 4-byte id of the object in it (its identity hash), standing in for the
 * program id bpf(2) returns.
 */
public final class ProgArrayImpl implements ProgramArray, IterableMap {
    private final MapSpec spec;
    private final AtomicReferenceArray<Executable> slots;

    public ProgArrayImpl(MapSpec spec) {
        this.spec = spec;
        this.slots = new AtomicReferenceArray<>(spec.maxEntries());
    }

    @Override
    public MapSpec spec() {
        return spec;
    }

    private boolean inRange(long index) {
        return index >= 0 && index < spec.maxEntries();
    }

    @Override
    public int set(int index, Executable program) {
        if (!inRange(Integer.toUnsignedLong(index))) {
            return -Errno.E2BIG;
        }
        slots.set(index, program);
        return 0;
    }

    @Override
    public Executable program(long index) {
        return inRange(index) ? slots.get((int) index) : null;
    }

    @Override
    public Region lookup(byte[] key) {
        Bytes.index(spec, key);
        return null;
    }

    @Override
    public byte[] lookupValue(byte[] key) {
        Executable p = program(Integer.toUnsignedLong(Bytes.index(spec, key)));
        return p == null ? null : Bytes.u32Key(System.identityHashCode(p));
    }

    @Override
    public int update(byte[] key, byte[] value, long flags) {
        int index = Bytes.index(spec, key);
        if (flags != 0) {
            return -Errno.EINVAL;
        }
        if (!inRange(Integer.toUnsignedLong(index))) {
            return -Errno.E2BIG;
        }
        return -Errno.EINVAL;
    }

    @Override
    public int delete(byte[] key) {
        long index = Integer.toUnsignedLong(Bytes.index(spec, key));
        if (!inRange(index)) {
            return -Errno.E2BIG;
        }
        return slots.getAndSet((int) index, null) == null ? -Errno.ENOENT : 0;
    }

    @Override
    public byte[] nextKey(byte[] key) {
        if (key == null) {
            return Bytes.u32Key(0);
        }
        long index = Integer.toUnsignedLong(Bytes.index(spec, key));
        if (!inRange(index)) {
            return Bytes.u32Key(0);
        }
        return index == spec.maxEntries() - 1 ? null : Bytes.u32Key((int) index + 1);
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
}
