package dev.jvmbpf.helpers.context;

import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.memory.Region;

/**
 * A context laid out by the caller, read-only like a tracepoint's record or a kprobe's
 * {@code struct pt_regs}: r1 = its address. For {@code tp/syscalls/sys_enter_*} the layout is the
 * 8-byte common header, {@code long id}, then {@code unsigned long args[6]}.
 */
public final class TracepointContext implements ProgramContext {
    private final byte[] bytes;
    private final Region region;

    public TracepointContext(byte[] bytes) {
        this.bytes = bytes;
        this.region = Region.of("tracepoint context", bytes, false);
    }

    /** A {@code trace_event_raw_sys_enter} record for syscall {@code id} with up to six arguments. */
    public static TracepointContext sysEnter(long id, long... args) {
        if (args.length > 6) {
            throw new IllegalArgumentException("a syscall has at most 6 arguments, got " + args.length);
        }
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(64).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putLong(8, id);
        for (int i = 0; i < args.length; i++) {
            b.putLong(16 + 8 * i, args[i]);
        }
        return new TracepointContext(b.array());
    }

    public byte[] bytes() {
        return bytes;
    }

    @Override
    public Entry install(Machine machine) {
        return new Entry(machine.memory().register(region), 0);
    }
}
