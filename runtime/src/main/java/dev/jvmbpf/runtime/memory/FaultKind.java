package dev.jvmbpf.runtime.memory;

/** Why a run stopped abnormally. */
public enum FaultKind {
    /** Load or store outside every region, or past the end of one. */
    OUT_OF_BOUNDS,
    /** Access through a null (or small) pointer. */
    NULL_POINTER,
    /** Store or atomic to a read-only region. */
    READ_ONLY,
    /** Atomic access not aligned to its size. */
    MISALIGNED,
    /** More than eight frames of bpf-to-bpf calls. */
    CALL_DEPTH,
    /** The instruction budget of the run ran out. */
    BUDGET_EXHAUSTED,
    /** The thread running the program was interrupted ({@link Thread#interrupt()}); its status stays set. */
    INTERRUPTED,
    /** The run went past its deadline (see {@code Machine.setDeadline}, {@code Machine.setTimeout}). */
    DEADLINE_EXCEEDED,
    /** A call to a helper that is not in the helper table, or a helper that failed. */
    HELPER,
    /** An instruction the engine cannot execute (reached only when verification was skipped). */
    INVALID_INSTRUCTION,
    /** A bug in an engine: an unexpected Java exception, reported instead of escaping. */
    INTERNAL
}
