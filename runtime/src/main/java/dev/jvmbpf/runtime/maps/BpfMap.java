package dev.jvmbpf.runtime.maps;

import dev.jvmbpf.runtime.memory.Region;
import java.util.ArrayList;
import java.util.List;

/**
 * A map shared by programs and Java code. Return codes follow the kernel: 0 or a negative errno
 * ({@link Errno}). Implementations are safe under concurrent use.
 *
 * <p>Two views, as in the kernel. The program view ({@link #lookup}, {@link #update} with a value
 * of {@code valueSize} bytes) is what helpers use: a per-CPU map shows the current CPU's value
 * ({@link Cpus#current()}). The syscall view ({@link #lookupValue}, {@link #update} with a value
 * of {@code Cpus.count() * round_up(valueSize, 8)} bytes, {@link #entries()}) is what Java code
 * uses: a per-CPU map shows all CPUs' values one after another, each padded to 8 bytes.
 *
 * <p>Capabilities beyond these are sub-interfaces: {@link IterableMap} (key walking),
 * {@link QueueMap} (push/pop/peek), {@link RingBufferMap}, {@link PerfEventArrayMap},
 * {@link ProgramArray}.
 *
 * <p>Keys and values passed in must have the spec's sizes; a wrong size is a programming error
 * and throws {@link IllegalArgumentException} naming the map.
 */
public interface BpfMap {
    MapSpec spec();

    /**
     * The region holding the value for {@code key} as a program sees it, or null when there is
     * none. The region is a window on the element's storage: it sees later in-place updates and
     * stores through it are seen by everybody else, as with the pointer the kernel returns.
     */
    Region lookup(byte[] key);

    /**
     * {@code flags} is BPF_ANY (0), BPF_NOEXIST (1) or BPF_EXIST (2). For queue, stack and bloom
     * filter maps this pushes the value (the key is ignored), as bpf(2) does.
     */
    int update(byte[] key, byte[] value, long flags);

    /**
     * {@code bpf_map_lookup_percpu_elem}: the region of CPU {@code cpu}'s value for {@code key} in a
     * per-CPU map, or null when there is none, {@code cpu} is not in [0, {@link Cpus#count()}) or
     * the map is not per-CPU (the kernel refuses such a program at load).
     */
    default Region lookupPerCpu(byte[] key, int cpu) {
        return null;
    }

    int delete(byte[] key);

    /** A copy of the value in the syscall view (all CPUs of a per-CPU map), or null when absent. */
    default byte[] lookupValue(byte[] key) {
        Region r = lookup(key);
        return r == null ? null : r.toByteArray();
    }

    /**
     * The key after {@code key} in the map's iteration order, like BPF_MAP_GET_NEXT_KEY: the
     * first key when {@code key} is null or absent (arrays: out of range), null after the last.
     */
    default byte[] nextKey(byte[] key) {
        return null;
    }

    /** A snapshot of the keys, in iteration order. */
    default List<byte[]> keys() {
        List<byte[]> out = new ArrayList<>();
        for (byte[] k = nextKey(null); k != null; k = nextKey(k)) {
            out.add(k);
        }
        return out;
    }

    /** A snapshot of the entries (syscall view of the values), in iteration order. */
    default List<MapEntry> entries() {
        List<MapEntry> out = new ArrayList<>();
        for (byte[] k : keys()) {
            byte[] v = lookupValue(k);
            if (v != null) {
                out.add(new MapEntry(k, v));
            }
        }
        return out;
    }

    /** The number of elements present (for arrays: max_entries). */
    default int size() {
        return keys().size();
    }

    /**
     * Copies the value of {@code key} into {@code valueOut} (syscall view size) and removes the
     * element, like BPF_MAP_LOOKUP_AND_DELETE_ELEM: 0, -ENOENT, or -ENOTSUPP for types that
     * cannot. For queues and stacks this pops and the key is ignored.
     */
    default int lookupAndDelete(byte[] key, byte[] valueOut) {
        return -Errno.ENOTSUPP;
    }

    /**
     * bpf_for_each_map_elem: calls {@code visitor} for each element (program view of the value)
     * until it returns non-zero; returns the number of elements visited, or -EINVAL for map
     * types that cannot be walked.
     */
    default long forEach(ElementVisitor visitor) {
        return -Errno.EINVAL;
    }

    /** Called by bpf_for_each_map_elem for one element. */
    @FunctionalInterface
    interface ElementVisitor {
        /** {@code key} is read-only; returns 0 to go on, 1 to stop. */
        long visit(Region key, Region value);
    }
}
