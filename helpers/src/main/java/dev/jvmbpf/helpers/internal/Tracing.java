package dev.jvmbpf.helpers.internal;

import dev.jvmbpf.helpers.KernelModel;
import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.maps.BpfMap;
import dev.jvmbpf.runtime.maps.Cpus;
import dev.jvmbpf.runtime.maps.Errno;
import dev.jvmbpf.runtime.maps.MapFlags;
import dev.jvmbpf.runtime.maps.MapType;
import dev.jvmbpf.runtime.maps.PerfEventArrayMap;
import dev.jvmbpf.runtime.memory.AddressSpace;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Tracing helpers whose data lives in the kernel (call stacks, perf counters, the traced
 * function), on the {@link KernelModel}: stacks and counters are what the user set there.
 */
public final class Tracing {
    private static final long SKIP_MASK = 0xff;
    private static final long USER_STACK = 1 << 8;
    private static final long FAST_STACK_CMP = 1 << 9;
    private static final long REUSE_STACKID = 1 << 10;
    private static final long USER_BUILD_ID = 1 << 11;
    private static final int BUILD_ID_ELEM = 32;
    private static final int BPF_STACK_BUILD_ID_IP = 2;
    private static final long INDEX_MASK = MapFlags.BPF_F_INDEX_MASK;
    private static final int PERF_VALUE_SIZE = 24;

    private Tracing() {
    }

    private static long[] stack(KernelModel k, long flags) {
        return (flags & USER_STACK) != 0 ? k.userStack() : k.kernelStack();
    }

    /**
     * bpf_get_stackid (27): stores the model's stack (after skipping {@code flags & 0xff} frames,
     * at most value_size / 8 addresses) in the stack trace map under jhash2 of the addresses masked
     * to the map's buckets, as the kernel does, and returns that id; the same stack gives the same
     * id. -EFAULT when the stack has no more frames than skipped (an empty stack), -EEXIST when
     * another stack holds the id (unless BPF_F_REUSE_STACKID), -EINVAL for unknown flags.
     */
    public static long getStackid(KernelModel k, Machine m, long ctx, long r2, long flags, long r4, long r5) {
        BpfMap map = Maps.map(m, r2, "get_stackid");
        if (map.spec().type() != MapType.STACK_TRACE
                || (flags & ~(SKIP_MASK | USER_STACK | FAST_STACK_CMP | REUSE_STACKID)) != 0) {
            return -Errno.EINVAL;
        }
        long[] ips = stack(k, flags);
        int skip = (int) (flags & SKIP_MASK);
        if (ips.length <= skip) {
            return -Errno.EFAULT;
        }
        int depth = Math.min(ips.length - skip, map.spec().valueSize() / 8);
        int[] words = new int[depth * 2];
        byte[] value = new byte[map.spec().valueSize()];
        ByteBuffer b = ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < depth; i++) {
            long ip = ips[skip + i];
            words[2 * i] = (int) ip;
            words[2 * i + 1] = (int) (ip >>> 32);
            b.putLong(ip);
        }
        long entries = map.spec().maxEntriesUnsigned();
        long buckets = entries <= 1 ? 1 : Long.highestOneBit(entries - 1) << 1;
        int id = (int) (Integer.toUnsignedLong(FlowHash.jhash2(words, 0)) & (buckets - 1));
        byte[] key = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(id).array();
        byte[] old = map.lookupValue(key);
        if (old != null) {
            if (Arrays.equals(old, value)) {
                return id;
            }
            if ((flags & REUSE_STACKID) == 0) {
                return -Errno.EEXIST;
            }
        }
        int rc = map.update(key, value, 0);
        return rc < 0 ? rc : id;
    }

    /**
     * bpf_get_stack (67): copies the model's stack (after skipping {@code flags & 0xff} frames) into
     * {@code buf}, as 8-byte addresses or, with BPF_F_USER_BUILD_ID, as 32-byte
     * {@code bpf_stack_build_id} records holding the address (status BPF_STACK_BUILD_ID_IP), zeroes
     * the rest and returns the bytes copied: 0 for the default empty stack. -EINVAL (buffer zeroed)
     * for unknown flags, a size not a multiple of the record, or build ids of the kernel stack;
     * -EFAULT for more frames skipped than there are.
     */
    public static long getStack(KernelModel k, Machine m, long ctx, long buf, long size, long flags, long r5) {
        long n = Mem.u32(size);
        AddressSpace mem = m.memory();
        Mem.require(mem, buf, n, true, "get_stack");
        boolean buildId = (flags & USER_BUILD_ID) != 0;
        int elem = buildId ? BUILD_ID_ELEM : 8;
        byte[] out = new byte[(int) n];
        long rc;
        long[] ips = stack(k, flags);
        int skip = (int) (flags & SKIP_MASK);
        if ((flags & ~(SKIP_MASK | USER_STACK | USER_BUILD_ID)) != 0 || n % elem != 0
                || buildId && (flags & USER_STACK) == 0) {
            rc = -Errno.EINVAL;
        } else if (ips.length < skip) {
            rc = -Errno.EFAULT;
        } else {
            int count = (int) Math.min(ips.length - skip, n / elem);
            ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < count; i++) {
                if (buildId) {
                    b.putInt(i * elem, BPF_STACK_BUILD_ID_IP).putLong(i * elem + 24, ips[skip + i]);
                } else {
                    b.putLong(i * elem, ips[skip + i]);
                }
            }
            rc = (long) count * elem;
        }
        if (n > 0) {
            mem.write(buf, out, 0, out.length);
        }
        return rc;
    }

    /** The counter of the perf event array slot {@code flags} names, or an errno as a negative long[0]. */
    private static long[] counter(KernelModel k, Machine m, long r1, long flags, String helper) {
        BpfMap map = Maps.map(m, r1, helper);
        if (!(map instanceof PerfEventArrayMap) || (flags & ~INDEX_MASK) != 0) {
            return new long[] {-Errno.EINVAL};
        }
        long index = flags & INDEX_MASK;
        if (index == MapFlags.BPF_F_CURRENT_CPU) {
            index = Cpus.current();
        }
        if (index >= map.spec().maxEntries()) {
            return new long[] {-Errno.E2BIG};
        }
        long[] v = k.perfCounter(index);
        return v == null ? new long[] {-Errno.ENOENT} : v;
    }

    /**
     * bpf_perf_event_read (22): the counter the model gives the slot ({@link KernelModel#perfCounter});
     * -ENOENT for a slot without one, -E2BIG past the array, -EINVAL for flags.
     */
    public static long perfEventRead(KernelModel k, Machine m, long r1, long flags, long r3, long r4, long r5) {
        long[] v = counter(k, m, r1, flags, "perf_event_read");
        return v[0];
    }

    /**
     * bpf_perf_event_read_value (55): writes {counter, enabled, running} of the slot; errors as
     * perf_event_read, -EINVAL for a size other than 24, with the buffer zeroed.
     */
    public static long perfEventReadValue(KernelModel k, Machine m, long r1, long flags, long buf, long size,
            long r5) {
        long n = Mem.u32(size);
        Mem.require(m.memory(), buf, n, true, "perf_event_read_value");
        long[] v = n == PERF_VALUE_SIZE ? counter(k, m, r1, flags, "perf_event_read_value") : new long[] {-Errno.EINVAL};
        return writeValue(m, buf, n, v);
    }

    /** bpf_perf_prog_read_value (56): the model's value of the program's own event ({@link KernelModel#attachedPerfValue}). */
    public static long perfProgReadValue(KernelModel k, Machine m, long ctx, long buf, long size, long r4, long r5) {
        long n = Mem.u32(size);
        Mem.require(m.memory(), buf, n, true, "perf_prog_read_value");
        return writeValue(m, buf, n, n == PERF_VALUE_SIZE ? k.attachedPerfValue() : new long[] {-Errno.EINVAL});
    }

    private static long writeValue(Machine m, long buf, long n, long[] v) {
        byte[] out = new byte[(int) n];
        if (v.length == 3) {
            ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putLong(v[0]).putLong(v[1]).putLong(v[2]);
        }
        if (n > 0) {
            m.memory().write(buf, out, 0, out.length);
        }
        return v.length == 3 ? 0 : v[0];
    }

    /** bpf_override_return (58): the probed function would return {@code rc}: recorded, 0. */
    public static long overrideReturn(KernelModel k, Machine m, long regs, long rc, long r3, long r4, long r5) {
        k.record("override_return", Long.toString(rc));
        return 0;
    }

    /** bpf_get_func_ip (173): the model's traced function address (default 0). */
    public static long funcIp(KernelModel k, Machine m, long ctx, long r2, long r3, long r4, long r5) {
        return k.funcIp();
    }

    /**
     * bpf_d_path (147): the model's {@link KernelModel#path} and its NUL, returning the bytes
     * written with the NUL; 0 for a zero-sized buffer; -ENAMETOOLONG when the buffer is too small
     * (nothing written); -EFAULT without a path, as for a path the kernel cannot read.
     */
    public static long dPath(KernelModel k, Machine m, long pathPtr, long buf, long size, long r4, long r5) {
        long n = Mem.u32(size);
        if (n == 0) {
            return 0;
        }
        String path = k.path();
        if (path == null) {
            return -Errno.EFAULT;
        }
        byte[] text = (path + "\0").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (text.length > n) {
            return -Errno.ENAMETOOLONG;
        }
        Mem.require(m.memory(), buf, text.length, true, "d_path");
        m.memory().write(buf, text, 0, text.length);
        return text.length;
    }

    /** bpf_find_vma (180): no task has memory mappings here: -ENOENT (-EINVAL for flags); the callback never runs. */
    public static long findVma(Machine m, long task, long addr, long callback, long ctx, long flags) {
        return flags != 0 ? -Errno.EINVAL : -Errno.ENOENT;
    }

    /**
     * bpf_copy_from_user_task (191): there is no other task's memory, so it reads as
     * bpf_probe_read_user does (memory the program can reach, else -EFAULT and zeroes); -EINVAL
     * for flags.
     */
    public static long copyFromUserTask(Machine m, long dst, long size, long src, long task, long flags) {
        if (flags != 0) {
            return -Errno.EINVAL;
        }
        return Probe.read(m, dst, size, src, 0, 0);
    }
}
