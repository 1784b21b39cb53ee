package dev.jvmbpf.helpers.internal;

import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.maps.BpfMap;
import dev.jvmbpf.runtime.maps.Cpus;
import dev.jvmbpf.runtime.maps.Errno;
import dev.jvmbpf.runtime.maps.MapType;
import dev.jvmbpf.runtime.maps.QueueMap;
import dev.jvmbpf.runtime.memory.AddressSpace;
import dev.jvmbpf.runtime.memory.BpfFault;
import dev.jvmbpf.runtime.memory.FaultKind;
import dev.jvmbpf.runtime.memory.Region;

/** Map helpers 1-3, 87-89 and 195. Keys and values are copied out of program memory (faulting like a load). */
public final class Maps {
    private Maps() {
    }

    /** The map behind a handle; a value that is no handle can only come from unverified code. */
    public static BpfMap map(Machine m, long handle, String helper) {
        BpfMap map = m.map(handle);
        if (map == null) {
            throw BpfFault.of(FaultKind.HELPER, helper + ": 0x" + Long.toHexString(handle) + " is not a map");
        }
        return map;
    }

    public static long lookup(Machine m, long r1, long r2, long r3, long r4, long r5) {
        BpfMap map = map(m, r1, "map_lookup_elem");
        AddressSpace mem = m.memory();
        Region value = map.lookup(mem.read(r2, map.spec().keySize()));
        return value == null ? 0 : mem.register(value);
    }

    /**
     * bpf_map_lookup_percpu_elem (195): the value of CPU {@code r3} (a u32) in a per-CPU map, NULL
     * for a CPU that does not exist (the kernel's {@code cpu >= nr_cpu_ids}).
     */
    public static long lookupPercpu(Machine m, long r1, long r2, long r3, long r4, long r5) {
        BpfMap map = map(m, r1, "map_lookup_percpu_elem");
        AddressSpace mem = m.memory();
        byte[] key = mem.read(r2, map.spec().keySize());
        long cpu = r3 & 0xffff_ffffL;
        if (cpu >= Cpus.count()) {
            return 0;
        }
        Region value = map.lookupPerCpu(key, (int) cpu);
        return value == null ? 0 : mem.register(value);
    }

    public static long update(Machine m, long r1, long r2, long r3, long r4, long r5) {
        BpfMap map = map(m, r1, "map_update_elem");
        AddressSpace mem = m.memory();
        byte[] key = mem.read(r2, map.spec().keySize());
        byte[] value = mem.read(r3, map.spec().valueSize());
        return map.update(key, value, r4);
    }

    public static long delete(Machine m, long r1, long r2, long r3, long r4, long r5) {
        BpfMap map = map(m, r1, "map_delete_elem");
        return map.delete(m.memory().read(r2, map.spec().keySize()));
    }

    public static long push(Machine m, long r1, long r2, long r3, long r4, long r5) {
        if (!(map(m, r1, "map_push_elem") instanceof QueueMap q)) {
            return -Errno.EINVAL;
        }
        return q.push(m.memory().read(r2, q.spec().valueSize()), r3);
    }

    public static long pop(Machine m, long r1, long r2, long r3, long r4, long r5) {
        if (!(map(m, r1, "map_pop_elem") instanceof QueueMap q)) {
            return -Errno.EINVAL;
        }
        byte[] into = new byte[q.spec().valueSize()];
        int rc = q.pop(into);
        if (rc == 0) {
            m.memory().write(r2, into, 0, into.length);
        }
        return rc;
    }

    public static long peek(Machine m, long r1, long r2, long r3, long r4, long r5) {
        if (!(map(m, r1, "map_peek_elem") instanceof QueueMap q)) {
            return -Errno.EINVAL;
        }
        int size = q.spec().valueSize();
        if (q.spec().type() == MapType.BLOOM_FILTER) {
            // A bloom filter's peek is a membership test of the value the program passes in.
            return q.peek(m.memory().read(r2, size));
        }
        byte[] into = new byte[size];
        int rc = q.peek(into);
        if (rc == 0) {
            m.memory().write(r2, into, 0, size);
        }
        return rc;
    }

    /**
     * bpf_get_local_storage (81): the storage of the run's attachment in a cgroup storage map (this
     * CPU's for the per-CPU type). The verifier admits no other map and only flags 0.
     */
    public static long localStorage(Machine m, long r1, long flags, long r3, long r4, long r5) {
        BpfMap map = map(m, r1, "get_local_storage");
        if (map.spec().type() != MapType.CGROUP_STORAGE && map.spec().type() != MapType.PERCPU_CGROUP_STORAGE) {
            throw BpfFault.of(FaultKind.HELPER, "get_local_storage: map '" + map.spec().name() + "' is "
                    + map.spec().type() + ", not a cgroup storage map");
        }
        return m.memory().register(map.lookup(new byte[map.spec().keySize()]));
    }
}
