package dev.jvmbpf.jit.internal;

/** Ends a run with r0 = 0 from a nested function (LD_ABS/LD_IND outside the packet). Carries no trace. */
public final class EndOfRun extends RuntimeException {
    static final EndOfRun INSTANCE = new EndOfRun();

    private EndOfRun() {
        super("end of run", null, false, false);
    }
}
