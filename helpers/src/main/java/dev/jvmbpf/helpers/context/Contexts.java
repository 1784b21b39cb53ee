package dev.jvmbpf.helpers.context;

import dev.jvmbpf.runtime.program.ProgramType;

/** The usual context of each program type, built from one byte array (what {@code jvmbpf run --ctx} passes). */
public final class Contexts {
    private Contexts() {
    }

    /**
     * RAW: input memory (r1, r2). XDP: an {@code xdp_md} over {@code data} as packet. Socket
     * filters and tc: an {@code __sk_buff} over {@code data} as packet. Everything else: {@code data}
     * as a read-only context laid out by the caller.
     */
    public static ProgramContext forType(ProgramType type, byte[] data) {
        return switch (type) {
            case RAW -> new RawContext(data);
            case XDP -> XdpContext.of(data);
            case SOCKET_FILTER, SCHED_CLS, SCHED_ACT -> SkBuffContext.of(data);
            default -> new TracepointContext(data);
        };
    }
}
