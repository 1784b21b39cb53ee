package dev.jvmbpf.runtime.maps.internal;

import dev.jvmbpf.runtime.maps.Cpus;
import dev.jvmbpf.runtime.maps.Errno;
import dev.jvmbpf.runtime.maps.MapFlags;
import dev.jvmbpf.runtime.maps.MapSpec;
import dev.jvmbpf.runtime.maps.MapType;
import dev.jvmbpf.runtime.memory.Region;
import java.util.List;

/**
 * CGROUP_STORAGE and PERCPU_CGROUP_STORAGE. In the kernel each attachment of a program to a
 * cgroup gets its own storage, keyed by the cgroup's inode id and the attach type; a run here is
 * one attachment, so the map holds exactly one storage (per CPU for the per-CPU type), zero at
 * creation, which every key names and which {@code bpf_get_local_storage} returns. Elements are
 * neither created nor deleted: update needs BPF_ANY or BPF_EXIST, as the kernel's does.
 */
public final class CgroupStorageMap implements dev.jvmbpf.runtime.maps.BpfMap {
    private final MapSpec spec;
    private final boolean percpu;
    private final int cpus;
    private final int stride;
    private final byte[] data;
    private final Region[] regions;

    public CgroupStorageMap(MapSpec spec) {
        this.spec = spec;
        this.percpu = spec.type() == MapType.PERCPU_CGROUP_STORAGE;
        this.cpus = percpu ? Cpus.count() : 1;
        this.stride = Cpus.stride(spec.valueSize());
        this.data = new byte[stride * cpus];
        this.regions = new Region[cpus];
        boolean writable = (spec.flags() & MapFlags.BPF_F_RDONLY_PROG) == 0;
        for (int c = 0; c < cpus; c++) {
            regions[c] = Region.slice(spec.name() + (percpu ? "@cpu" + c : ""), data, c * stride, spec.valueSize(),
                    writable);
        }
    }

    @Override
    public MapSpec spec() {
        return spec;
    }

    /** The storage the running program sees: this CPU's for the per-CPU type. */
    public Region storage() {
        return regions[percpu ? Cpus.current() % cpus : 0];
    }

    @Override
    public Region lookup(byte[] key) {
        Bytes.requireLength(spec, "key", key, spec.keySize());
        return storage();
    }

    @Override
    public Region lookupPerCpu(byte[] key, int cpu) {
        Bytes.requireLength(spec, "key", key, spec.keySize());
        return percpu && cpu >= 0 && cpu < cpus ? regions[cpu] : null;
    }

    @Override
    public byte[] lookupValue(byte[] key) {
        Bytes.requireLength(spec, "key", key, spec.keySize());
        if (!percpu) {
            return storage().toByteArray();
        }
        synchronized (data) {
            return data.clone();
        }
    }

    @Override
    public int update(byte[] key, byte[] value, long flags) {
        Bytes.requireLength(spec, "key", key, spec.keySize());
        boolean allCpus = percpu && value != null && value.length == data.length && value.length != spec.valueSize();
        if (!allCpus) {
            Bytes.requireLength(spec, "value", value, spec.valueSize());
        }
        if (flags != MapFlags.BPF_ANY && flags != MapFlags.BPF_EXIST) {
            // the storage exists as long as the attachment does: BPF_NOEXIST is refused
            return flags == MapFlags.BPF_NOEXIST ? -Errno.EEXIST : -Errno.EINVAL;
        }
        synchronized (data) {
            if (allCpus) {
                System.arraycopy(value, 0, data, 0, data.length);
            } else {
                System.arraycopy(value, 0, data, (percpu ? Cpus.current() % cpus : 0) * stride, spec.valueSize());
            }
        }
        return 0;
    }

    /** The kernel's cgroup_storage_delete_elem: -EINVAL, storage goes with its attachment. */
    @Override
    public int delete(byte[] key) {
        Bytes.requireLength(spec, "key", key, spec.keySize());
        return -Errno.EINVAL;
    }

    @Override
    public byte[] nextKey(byte[] key) {
        return key == null ? new byte[spec.keySize()] : null;
    }

    @Override
    public List<byte[]> keys() {
        return List.of(new byte[spec.keySize()]);
    }

    @Override
    public int size() {
        return 1;
    }
}
