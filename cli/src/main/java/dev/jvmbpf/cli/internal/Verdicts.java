package dev.jvmbpf.cli.internal;

import dev.jvmbpf.runtime.program.ProgramType;

/**
 * What a program's return value means to the hook that runs it: the kernel's hooks (and its test
 * run, whose {@code retval} is a {@code u32}) take the low 32 bits of r0, named here as the
 * uapi headers name them; raw programs keep all 64 bits.
 */
public final class Verdicts {
    private static final String[] XDP = {"XDP_ABORTED", "XDP_DROP", "XDP_PASS", "XDP_TX", "XDP_REDIRECT"};
    private static final String[] TC = {"TC_ACT_OK", "TC_ACT_RECLASSIFY", "TC_ACT_SHOT", "TC_ACT_PIPE",
        "TC_ACT_STOLEN", "TC_ACT_QUEUED", "TC_ACT_REPEAT", "TC_ACT_REDIRECT", "TC_ACT_TRAP"};

    private Verdicts() {
    }

    /** Whether the hook of {@code type} sees only the low 32 bits of r0: every kernel hook does, raw programs do not. */
    public static boolean thirtyTwoBits(ProgramType type) {
        return type != ProgramType.RAW;
    }

    /** The return value as the hook sees it: r0's low 32 bits (unsigned), or r0 for a raw program. */
    public static long retval(long r0, ProgramType type) {
        return thirtyTwoBits(type) ? r0 & 0xffff_ffffL : r0;
    }

    /**
     * The name of {@code retval} for the hook of {@code type}: XDP actions, tc actions (-1 is
     * TC_ACT_UNSPEC), a socket filter's drop or the bytes it keeps of a {@code packetLength}-byte
     * packet; null when the type gives it no name.
     */
    public static String name(long retval, ProgramType type, int packetLength) {
        return switch (type) {
            case XDP -> retval < XDP.length ? XDP[(int) retval] : null;
            case SCHED_CLS, SCHED_ACT -> retval == 0xffff_ffffL ? "TC_ACT_UNSPEC" : retval < TC.length ? TC[(int) retval] : null;
            case SOCKET_FILTER -> retval == 0 ? "drop" : retval >= packetLength ? "accept" : "trim to " + retval + " bytes";
            default -> null;
        };
    }
}
