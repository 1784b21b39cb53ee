package dev.jvmbpf.helpers.internal;

import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.maps.BpfMap;
import dev.jvmbpf.runtime.maps.Errno;
import dev.jvmbpf.runtime.maps.MapFlags;
import dev.jvmbpf.runtime.maps.PerfEventArrayMap;
import dev.jvmbpf.runtime.maps.RingBufferMap;
import dev.jvmbpf.runtime.memory.BpfFault;
import dev.jvmbpf.runtime.memory.FaultKind;
import dev.jvmbpf.runtime.memory.Region;
import java.util.Arrays;

/** perf_event_output (25) and the ring-buffer helpers (130-134). */
public final class Buffers {
    private static final long INDEX_MASK = MapFlags.BPF_F_INDEX_MASK;
    private static final long CURRENT_CPU = MapFlags.BPF_F_CURRENT_CPU;
    /** BPF_F_CTXLEN_MASK: bits 32-51 of the flags, the packet bytes to append to a sample. */
    private static final long CTXLEN_MASK = 0xfffffL << 32;

    private Buffers() {
    }

    /**
     * bpf_perf_event_output. For XDP, socket and tc programs the kernel's variant
     * (bpf_xdp_event_output, bpf_skb_event_output) also takes {@code BPF_F_CTXLEN_MASK}: the
     * sample is the data followed by that many bytes of the packet (xdp_sample_pkts, cilium's
     * trace events), -EFAULT when the packet is shorter. Other program types refuse those bits.
     */
    public static long perfEventOutput(Machine m, long ctx, long r2, long flags, long data, long size) {
        boolean packetProgram = switch (m.program().type()) {
            case XDP, SOCKET_FILTER, SCHED_CLS, SCHED_ACT -> true;
            default -> false;
        };
        long allowed = packetProgram ? INDEX_MASK | CTXLEN_MASK : INDEX_MASK;
        if (!(Maps.map(m, r2, "perf_event_output") instanceof PerfEventArrayMap perf) || (flags & ~allowed) != 0) {
            return -Errno.EINVAL;
        }
        long packetBytes = (flags & CTXLEN_MASK) >>> 32;
        if (packetBytes > m.packetLength()) {
            return -Errno.EFAULT;
        }
        long index = flags & INDEX_MASK;
        if (index == CURRENT_CPU) {
            index = Task.smpProcessorId(m, 0, 0, 0, 0, 0);
        }
        byte[] meta = Mem.read(m.memory(), data, Mem.u32(size), "perf_event_output");
        if (packetBytes == 0) {
            return perf.output(index, meta);
        }
        byte[] sample = Arrays.copyOf(meta, meta.length + (int) packetBytes);
        byte[] packet = m.memory().read(m.packetAddress(), (int) packetBytes);
        System.arraycopy(packet, 0, sample, meta.length, packet.length);
        return perf.output(index, sample);
    }

    public static long ringbufOutput(Machine m, long r1, long data, long size, long flags, long r5) {
        if (!(Maps.map(m, r1, "ringbuf_output") instanceof RingBufferMap rb)) {
            return -Errno.EINVAL;
        }
        return rb.output(Mem.read(m.memory(), data, Mem.u32(size), "ringbuf_output"), flags);
    }

    public static long ringbufReserve(Machine m, long r1, long size, long flags, long r4, long r5) {
        if (!(Maps.map(m, r1, "ringbuf_reserve") instanceof RingBufferMap rb) || flags != 0) {
            return 0;
        }
        Region record = rb.reserve(size);
        return record == null ? 0 : m.memory().register(record);
    }

    public static long ringbufSubmit(Machine m, long data, long flags, long r3, long r4, long r5) {
        commit(m, data, false, flags);
        return 0;
    }

    public static long ringbufDiscard(Machine m, long data, long flags, long r3, long r4, long r5) {
        commit(m, data, true, flags);
        return 0;
    }

    public static long ringbufQuery(Machine m, long r1, long flags, long r3, long r4, long r5) {
        if (!(Maps.map(m, r1, "ringbuf_query") instanceof RingBufferMap rb)) {
            return 0;
        }
        return rb.query(flags);
    }

    /** A record does not know its ring buffer, so every ring buffer of the program is asked. */
    static void commit(Machine m, long data, boolean discard, long flags) {
        Region record = m.memory().regionOf(data);
        if (record != null && (data & 0xffffffffL) == 0) {
            for (BpfMap map : m.program().maps()) {
                if (map instanceof RingBufferMap rb && rb.commit(record, discard, flags)) {
                    return;
                }
            }
        }
        throw BpfFault.of(FaultKind.HELPER, (discard ? "ringbuf_discard" : "ringbuf_submit") + ": 0x"
                + Long.toHexString(data) + " is not a pending ring-buffer record");
    }
}
