package dev.jvmbpf.helpers.internal;

import dev.jvmbpf.helpers.context.XdpContext;
import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.maps.Errno;
import dev.jvmbpf.runtime.program.ProgramType;

/** xdp_adjust_head (44), xdp_adjust_meta (54), xdp_adjust_tail (65) and redirect (23). */
public final class Xdp {
    // The program verdicts the redirect helpers return (Net's too).
    static final int XDP_ABORTED = 0;
    static final int XDP_REDIRECT = 4;
    static final int TC_ACT_SHOT = 2;
    static final int TC_ACT_REDIRECT = 7;
    /** Redirect to the device's ingress instead of its egress. */
    static final long BPF_F_INGRESS = 1;

    private Xdp() {
    }

    private static XdpContext.Frame frame(Machine m, long ctx) {
        return XdpContext.Frame.of(m.memory().regionOf(ctx));
    }

    public static long adjustHead(Machine m, long ctx, long delta, long r3, long r4, long r5) {
        XdpContext.Frame f = frame(m, ctx);
        return f == null ? -Errno.EINVAL : f.adjustHead(m, (int) delta);
    }

    public static long adjustMeta(Machine m, long ctx, long delta, long r3, long r4, long r5) {
        XdpContext.Frame f = frame(m, ctx);
        return f == null ? -Errno.EINVAL : f.adjustMeta(m, (int) delta);
    }

    public static long adjustTail(Machine m, long ctx, long delta, long r3, long r4, long r5) {
        XdpContext.Frame f = frame(m, ctx);
        return f == null ? -Errno.EINVAL : f.adjustTail(m, (int) delta);
    }

    /**
     * Nothing is forwarded here; the helper returns what the kernel's does so the program's
     * verdict is the same: XDP_REDIRECT for XDP, TC_ACT_REDIRECT for tc, or the failure verdict
     * for unknown flags.
     */
    public static long redirect(Machine m, long ifindex, long flags, long r3, long r4, long r5) {
        if (m.program().type() == ProgramType.XDP) {
            return flags == 0 ? XDP_REDIRECT : XDP_ABORTED;
        }
        return (flags & ~BPF_F_INGRESS) == 0 ? TC_ACT_REDIRECT : TC_ACT_SHOT;
    }
}
