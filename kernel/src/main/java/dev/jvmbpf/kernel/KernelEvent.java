package dev.jvmbpf.kernel;

import dev.jvmbpf.kernel.internal.Forwarder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One event the kernel forwarded: what the task and time helpers returned where it happened, and
 * the bytes of the event's context (a tracepoint's record, a raw tracepoint's arguments).
 *
 * @param target the index of the {@link TraceTarget} it came from
 * @param comm the task's name as bpf_get_current_comm gives it: 16 bytes, NUL-padded
 */
public record KernelEvent(int target, long pidTgid, long uidGid, long ktimeNanos, int cpu, byte[] comm,
        byte[] context) {
    /** Decodes a record of the forwarder. */
    static KernelEvent decode(byte[] record) {
        ByteBuffer b = ByteBuffer.wrap(record).order(ByteOrder.LITTLE_ENDIAN);
        return new KernelEvent(b.getInt(Forwarder.SOURCE), b.getLong(Forwarder.PID_TGID), b.getLong(Forwarder.UID_GID),
                b.getLong(Forwarder.KTIME), b.getInt(Forwarder.CPU),
                Arrays.copyOfRange(record, Forwarder.COMM, Forwarder.COMM + Forwarder.COMM_SIZE),
                Arrays.copyOfRange(record, Forwarder.HEADER_SIZE, record.length));
    }

    /** The process id (the kernel's tgid). */
    public int tgid() {
        return (int) (pidTgid >>> 32);
    }

    /** The thread id (the kernel's pid). */
    public int tid() {
        return (int) pidTgid;
    }

    /** The task's name up to its first NUL. */
    public String commText() {
        int n = 0;
        while (n < comm.length && comm[n] != 0) {
            n++;
        }
        return new String(comm, 0, n, StandardCharsets.UTF_8);
    }
}
