package dev.jvmbpf.runtime.maps.internal;

import dev.jvmbpf.runtime.maps.Errno;
import dev.jvmbpf.runtime.maps.IterableMap;
import dev.jvmbpf.runtime.maps.MapFlags;
import dev.jvmbpf.runtime.maps.MapSpec;
import dev.jvmbpf.runtime.maps.MapType;
import dev.jvmbpf.runtime.memory.BpfFault;
import dev.jvmbpf.runtime.memory.FaultKind;
import dev.jvmbpf.runtime.memory.Region;
import java.util.List;

/**
 * Maps whose values name kernel objects: DEVMAP / DEVMAP_HASH (an ifindex, optionally a program
 * fd), CPUMAP (a queue size, optionally a program fd), XSKMAP (an AF_XDP socket), SOCKMAP /
 * SOCKHASH (a socket), CGROUP_ARRAY (a cgroup), ARRAY_OF_MAPS / HASH_OF_MAPS (an inner map).
 *
 * <p>User space sets, reads, deletes and walks the values as bytes, as bpf(2) does with the fds
 * and numbers it passes. Elements are absent until set. A program's lookup of an absent element
 * is NULL, as in the kernel; of a present one, devmaps and cpumaps give the value, read-only, as
 * the kernel does; the others would give the object itself (a socket, a cgroup, an inner map),
 * which this runtime does not model, so such a lookup faults saying so rather than hand out bytes
 * the kernel would not. The array-like types refuse indexes at or beyond max_entries.
 */
public final class KernelObjectMap implements IterableMap {
    private final MapSpec spec;
    private final HashTableMap elements;
    private final boolean arrayLike;

    public KernelObjectMap(MapSpec spec) {
        this.spec = spec;
        // the kernel's values of these maps are read-only to programs
        this.elements = new HashTableMap(new MapSpec(spec.name(), spec.type(), spec.keySize(), spec.valueSize(),
                spec.maxEntries(), spec.flags() | MapFlags.BPF_F_RDONLY_PROG));
        this.arrayLike = switch (spec.type()) {
            case DEVMAP, CPUMAP, XSKMAP, SOCKMAP, CGROUP_ARRAY, ARRAY_OF_MAPS -> true;
            default -> false;
        };
    }

    /** Whether a program's lookup of a present element yields its value (devmaps and cpumaps). */
    private boolean valueVisible() {
        MapType t = spec.type();
        return t == MapType.DEVMAP || t == MapType.DEVMAP_HASH || t == MapType.CPUMAP;
    }

    @Override
    public MapSpec spec() {
        return spec;
    }

    private boolean outOfRange(byte[] key) {
        return arrayLike && Integer.compareUnsigned(Bytes.u32(key), spec.maxEntries()) >= 0;
    }

    @Override
    public Region lookup(byte[] key) {
        Bytes.requireLength(spec, "key", key, spec.keySize());
        if (outOfRange(key)) {
            return null;
        }
        Region r = elements.lookup(key);
        if (r == null || valueVisible()) {
            return r;
        }
        throw BpfFault.of(FaultKind.HELPER, "map '" + spec.name() + "' (" + spec.type() + "): the element holds "
                + what() + ", which this runtime does not model");
    }

    private String what() {
        return switch (spec.type()) {
            case XSKMAP -> "an AF_XDP socket";
            case SOCKMAP, SOCKHASH -> "a socket";
            case CGROUP_ARRAY -> "a cgroup";
            case ARRAY_OF_MAPS, HASH_OF_MAPS -> "an inner map";
            default -> "a kernel object";
        };
    }

    @Override
    public byte[] lookupValue(byte[] key) {
        Bytes.requireLength(spec, "key", key, spec.keySize());
        return outOfRange(key) ? null : elements.lookupValue(key);
    }

    @Override
    public int update(byte[] key, byte[] value, long flags) {
        Bytes.requireLength(spec, "key", key, spec.keySize());
        if (outOfRange(key)) {
            return -Errno.E2BIG;
        }
        return elements.update(key, value, flags);
    }

    @Override
    public int delete(byte[] key) {
        Bytes.requireLength(spec, "key", key, spec.keySize());
        if (outOfRange(key)) {
            return -Errno.EINVAL;
        }
        return elements.delete(key);
    }

    @Override
    public byte[] nextKey(byte[] key) {
        return elements.nextKey(key);
    }

    @Override
    public List<byte[]> keys() {
        return elements.keys();
    }

    @Override
    public int size() {
        return elements.size();
    }
}
