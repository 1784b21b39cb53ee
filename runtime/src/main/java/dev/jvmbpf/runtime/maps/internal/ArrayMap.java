package dev.jvmbpf.runtime.maps.internal;

import dev.jvmbpf.runtime.maps.IndexedMap;
import dev.jvmbpf.runtime.maps.IterableMap;
import dev.jvmbpf.runtime.maps.Cpus;
import dev.jvmbpf.runtime.maps.Errno;
import dev.jvmbpf.runtime.maps.MapFlags;
import dev.jvmbpf.runtime.maps.MapSpec;
import dev.jvmbpf.runtime.maps.MapType;
import dev.jvmbpf.runtime.memory.Region;
import java.util.ArrayList;
import java.util.List;

/**
 * ARRAY and PERCPU_ARRAY. All values live in one byte array, each in a slot of
 * {@code round_up(valueSize, 8)} bytes (per CPU for a per-CPU array), zero at creation and never
 * moved: an update copies into the slot, so every region handed out stays the element's memory.
 */
public final class ArrayMap implements IterableMap, IndexedMap {
    private final MapSpec spec;
    private final boolean percpu;
    private final int cpus;
    private final int stride;
    private final int elementBytes;
    private final byte[] data;
    private final boolean writable;
    /** Regions are immutable, so a racy first fill only costs a duplicate object. */
    private final Region[] regions;
    private final Region[] keyRegions;

    public ArrayMap(MapSpec spec) {
        this.spec = spec;
        this.percpu = spec.type() == MapType.PERCPU_ARRAY;
        this.cpus = percpu ? Cpus.count() : 1;
        this.stride = Cpus.stride(spec.valueSize());
        this.elementBytes = stride * cpus;
        this.data = new byte[Math.multiplyExact(elementBytes, spec.maxEntries())];
        this.writable = (spec.flags() & MapFlags.BPF_F_RDONLY_PROG) == 0;
        this.regions = new Region[spec.maxEntries() * cpus];
        this.keyRegions = new Region[spec.maxEntries()];
    }

    /** The number of bytes {@code maxEntries * elementBytes} would take, for validation. */
    public static long storageBytes(MapSpec spec) {
        int cpus = spec.type() == MapType.PERCPU_ARRAY ? Cpus.count() : 1;
        return (((long) spec.valueSize() + 7) & ~7L) * cpus * spec.maxEntriesUnsigned();
    }

    @Override
    public MapSpec spec() {
        return spec;
    }

    private boolean inRange(int index) {
        return Integer.compareUnsigned(index, spec.maxEntries()) < 0;
    }

    private Region region(int index, int cpu) {
        int slot = index * cpus + cpu;
        Region r = regions[slot];
        if (r == null) {
            String name = spec.name() + "[" + index + "]" + (percpu ? "@cpu" + cpu : "");
            r = Region.slice(name, data, slot * stride, spec.valueSize(), writable);
            regions[slot] = r;
        }
        return r;
    }

    @Override
    public Region lookup(byte[] key) {
        return lookupIndex(Bytes.index(spec, key));
    }

    @Override
    public Region lookupIndex(int index) {
        return inRange(index) ? region(index, percpu ? Cpus.current() : 0) : null;
    }

    @Override
    public Region lookupPerCpu(byte[] key, int cpu) {
        int index = Bytes.index(spec, key);
        return percpu && cpu >= 0 && cpu < cpus && inRange(index) ? region(index, cpu) : null;
    }

    @Override
    public byte[] lookupValue(byte[] key) {
        int index = Bytes.index(spec, key);
        if (!inRange(index)) {
            return null;
        }
        int length = percpu ? elementBytes : spec.valueSize();
        byte[] out = new byte[length];
        System.arraycopy(data, index * elementBytes, out, 0, length);
        return out;
    }

    @Override
    public int update(byte[] key, byte[] value, long flags) {
        int index = Bytes.index(spec, key);
        boolean allCpus = percpu && value != null && value.length == elementBytes && value.length != spec.valueSize();
        if (!allCpus) {
            Bytes.requireLength(spec, "value", value, spec.valueSize());
        }
        if (flags != MapFlags.BPF_ANY && flags != MapFlags.BPF_NOEXIST && flags != MapFlags.BPF_EXIST) {
            return -Errno.EINVAL;
        }
        if (!inRange(index)) {
            return -Errno.E2BIG;
        }
        if (flags == MapFlags.BPF_NOEXIST) {
            return -Errno.EEXIST;
        }
        // program atomics hold the array's monitor (AddressSpace.atomic): an update never tears one
        synchronized (data) {
            if (allCpus) {
                System.arraycopy(value, 0, data, index * elementBytes, elementBytes);
            } else {
                int cpu = percpu ? Cpus.current() : 0;
                System.arraycopy(value, 0, data, index * elementBytes + cpu * stride, spec.valueSize());
            }
        }
        return 0;
    }

    @Override
    public int delete(byte[] key) {
        Bytes.index(spec, key);
        return -Errno.EINVAL;
    }

    @Override
    public byte[] nextKey(byte[] key) {
        if (key == null) {
            return Bytes.u32Key(0);
        }
        int index = Bytes.index(spec, key);
        if (!inRange(index)) {
            return Bytes.u32Key(0);
        }
        return index == spec.maxEntries() - 1 ? null : Bytes.u32Key(index + 1);
    }

    @Override
    public List<byte[]> keys() {
        List<byte[]> out = new ArrayList<>(spec.maxEntries());
        for (int i = 0; i < spec.maxEntries(); i++) {
            out.add(Bytes.u32Key(i));
        }
        return out;
    }

    @Override
    public int size() {
        return spec.maxEntries();
    }

    @Override
    public long forEach(ElementVisitor visitor) {
        int cpu = percpu ? Cpus.current() : 0;
        long visited = 0;
        for (int i = 0; i < spec.maxEntries(); i++) {
            Region k = keyRegions[i];
            if (k == null) {
                k = Region.of(spec.name() + " key " + i, Bytes.u32Key(i), false);
                keyRegions[i] = k;
            }
            visited++;
            if (visitor.visit(k, region(i, cpu)) != 0) {
                break;
            }
        }
        return visited;
    }
}
