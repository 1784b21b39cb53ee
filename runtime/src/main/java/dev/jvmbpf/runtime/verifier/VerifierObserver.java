package dev.jvmbpf.runtime.verifier;

/**
 * Watches the type analysis walk a program's paths, for logs like the kernel's verifier log
 * ({@code log_level} 1 and 2). The states handed over are views of the analysis' own state,
 * valid only during the call. Observing does not change the verdict.
 */
public interface VerifierObserver {
    /** Observes nothing. */
    VerifierObserver NONE = new VerifierObserver() {
    };

    /** A path starts, or resumes after a branch, at {@code pc} in {@code state}. */
    default void pathStart(int pc, VerifierState state) {
    }

    /**
     * A path a conditional jump (or may_goto) at {@code from} left for later resumes at
     * {@code pc} in {@code state}; by default a path start.
     */
    default void branchResumed(int from, int pc, VerifierState state) {
        pathStart(pc, state);
    }

    /**
     * The instruction at {@code pc} was interpreted; {@code state} is the state after it on the
     * path that continues (for a conditional jump: the path that falls through).
     */
    default void executed(int pc, VerifierState state) {
    }

    /** The walk ended, with this program accepted or refused (then a VerifierException follows). */
    default void finished(VerifierStatistics statistics) {
    }
}
