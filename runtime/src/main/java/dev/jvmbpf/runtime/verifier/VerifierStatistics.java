package dev.jvmbpf.runtime.verifier;

/**
 * The counts of one verification, for the kernel's summary line {@code processed N insns (limit
 * 1000000) max_states_per_insn M total_states T peak_states P mark_read K}. They are this
 * verifier's own counts: the kernel prunes and joins differently, so they are not the kernel's.
 *
 * @param processed instructions interpreted on all paths (the last pass, when a coarser second pass ran)
 * @param maxStatesPerInsn the most states kept at one pruning point
 * @param totalStates states kept at pruning points when the walk ended
 * @param peakStates the most states kept at once (states are only ever dropped by joins, so
 *     at most {@code totalStates} plus those joined away)
 * @param markRead registers marked read for liveness: always 0 (this verifier has no liveness marks)
 */
public record VerifierStatistics(long processed, int maxStatesPerInsn, long totalStates, long peakStates,
        long markRead) {
    /** No path was walked (a structural check refused the program first). */
    public static final VerifierStatistics NONE = new VerifierStatistics(0, 0, 0, 0, 0);

    /** The kernel's summary line with these counts. */
    public String kernelSummary() {
        return "processed " + processed + " insns (limit " + TypeFlow.MAX_PROCESSED + ") max_states_per_insn "
                + maxStatesPerInsn + " total_states " + totalStates + " peak_states " + peakStates + " mark_read "
                + markRead;
    }
}
