package dev.jvmbpf.internal;

import dev.jvmbpf.helpers.HelperNames;
import dev.jvmbpf.runtime.exec.Helper;
import dev.jvmbpf.runtime.exec.HelperSpec;
import dev.jvmbpf.runtime.exec.HelperTable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * The task and time helpers of trace mode: they return what the kernel's own helpers returned
 * where the event happened (its pid_tgid, uid_gid, comm, ktime and CPU, which the forwarder
 * captured), instead of the JVM's. The probe_read family keeps its behaviour (memory outside the
 * program's regions reads as -EFAULT, zero-filled) and counts each read that fails, since in the
 * kernel a pointer of the record would often have been readable.
 */
public final class EventHelpers {
    private static final List<String> PROBE_READS = List.of("probe_read", "probe_read_str", "probe_read_user",
            "probe_read_kernel", "probe_read_user_str", "probe_read_kernel_str");

    private final LongAdder failedReads = new LongAdder();
    private long pidTgid;
    private long uidGid;
    private long ktime;
    private long cpu;
    private byte[] comm = new byte[16];

    /** Sets what the helpers return for the next runs (on the thread that runs them). */
    public void set(long pidTgid, long uidGid, long ktimeNanos, int cpu, byte[] comm) {
        this.pidTgid = pidTgid;
        this.uidGid = uidGid;
        this.ktime = ktimeNanos;
        this.cpu = cpu & 0xffffffffL;
        this.comm = comm;
    }

    /** Probe reads that returned an error so far. */
    public long failedReads() {
        return failedReads.sum();
    }

    /** {@code base} with the task, time and probe_read helpers replaced as described above. */
    public HelperTable table(HelperTable base) {
        List<HelperSpec> replaced = new ArrayList<>();
        replace(base, replaced, "ktime_get_ns", (m, a, b, c, d, e) -> ktime);
        replace(base, replaced, "ktime_get_coarse_ns", (m, a, b, c, d, e) -> ktime);
        replace(base, replaced, "get_smp_processor_id", (m, a, b, c, d, e) -> cpu);
        replace(base, replaced, "get_current_pid_tgid", (m, a, b, c, d, e) -> pidTgid);
        replace(base, replaced, "get_current_uid_gid", (m, a, b, c, d, e) -> uidGid);
        replace(base, replaced, "get_current_comm", this::currentComm);
        for (String name : PROBE_READS) {
            HelperSpec original = base.get(HelperNames.idOf(name));
            if (original != null) {
                Helper impl = original.implementation();
                replaced.add(with(original, (m, a, b, c, d, e) -> {
                    long r = impl.call(m, a, b, c, d, e);
                    if (r < 0) {
                        failedReads.increment();
                    }
                    return r;
                }));
            }
        }
        return base.with(replaced);
    }

    /** Copies the comm, cut to {@code size - 1} bytes, NUL-padded to {@code size}, as the kernel does. */
    private long currentComm(dev.jvmbpf.runtime.exec.Machine m, long buf, long size, long r3, long r4, long r5) {
        int n = (int) Math.min(size & 0xffffffffL, Integer.MAX_VALUE);
        if (n == 0) {
            return 0;
        }
        byte[] out = new byte[n];
        System.arraycopy(comm, 0, out, 0, Math.min(comm.length, n - 1));
        m.memory().write(buf, out, 0, n);
        return 0;
    }

    private static void replace(HelperTable base, List<HelperSpec> out, String name, Helper impl) {
        HelperSpec original = base.get(HelperNames.idOf(name));
        if (original != null) {
            out.add(with(original, impl));
        }
    }

    private static HelperSpec with(HelperSpec s, Helper impl) {
        return new HelperSpec(s.id(), s.name(), s.args(), impl, s.changesPacket(), s.gplOnly(), s.packetAccess());
    }
}
