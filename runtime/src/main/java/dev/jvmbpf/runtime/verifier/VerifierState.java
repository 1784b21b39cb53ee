package dev.jvmbpf.runtime.verifier;

import dev.jvmbpf.runtime.program.BpfProgram;

/**
 * A view of the type analysis' state on one path, printed as the kernel's verifier log prints
 * states: {@code R1=ctx()}, {@code R10=fp0}, {@code R2=fp-4}, {@code R0=map_value(ks=4,vs=16)},
 * {@code R3=pkt(off=8,r=8)}, {@code R5=scalar(smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))},
 * constants as numbers, stack slots as {@code fp-8=mmmm????} or the spilled register. Only valid
 * during the {@link VerifierObserver} call that handed it over.
 *
 * <p>Where this analysis knows less than the kernel (a join of paths, a type it does not follow),
 * the text says what it knows: a widened scalar prints as {@code scalar()}, a value of a type not
 * followed as {@code unknown()}, and stack bytes written with a zero as {@code m} (the kernel's
 * {@code 0} needs zero tracking this analysis does not have).
 */
public final class VerifierState {
    private final AbstractState state;
    private final BpfProgram program;

    VerifierState(AbstractState state, BpfProgram program) {
        this.state = state;
        this.program = program;
    }

    /** The call depth of the current function: 0 in the entry function. */
    public int frame() {
        return state.frames.length - 1;
    }

    /** Register {@code r} of the current function as the kernel prints it, or null when it is not initialised. */
    public String register(int r) {
        RegValue v = state.reg(r);
        return v.isInit() ? KernelFormat.value(v, program) : null;
    }

    /**
     * The 8-byte stack slot of the current function that holds byte {@code r10 + offset}, as the
     * kernel prints it ({@code fp-8=...}), or null when nothing was written there.
     */
    public String stackSlot(int offset) {
        if (offset < -Verifier.STACK_SIZE || offset >= 0) {
            return null;
        }
        return KernelFormat.slot(state.top(), Math.floorDiv(offset, 8) * 8, program);
    }

    /** Every initialised register, then every written stack slot, of the current function. */
    public String all() {
        StringBuilder sb = new StringBuilder();
        if (frame() > 0) {
            sb.append("frame").append(frame()).append(": ");
        }
        for (int r = 0; r < AbstractState.REGS; r++) {
            String v = register(r);
            if (v != null) {
                sb.append(sb.isEmpty() || sb.charAt(sb.length() - 1) == ' ' ? "" : " ").append('R').append(r)
                        .append('=').append(v);
            }
        }
        for (int off = -8; off >= -Verifier.STACK_SIZE; off -= 8) {
            String s = stackSlot(off);
            if (s != null) {
                sb.append(' ').append(s);
            }
        }
        return sb.toString();
    }
}
