package dev.jvmbpf.runtime.verifier;

import dev.jvmbpf.runtime.program.BpfProgram;
import java.util.Arrays;
import java.util.BitSet;

/**
 * What the engines load: a program the {@link Verifier} accepted, with what it proved for the
 * engines, or (through {@link #unverified}, the one visible way around the verifier) a program
 * nobody checked, which carries no facts and runs with every run-time check on.
 *
 * @param program the program
 * @param passed true when the verifier accepted the program and the facts below are its proofs;
 *     false for {@link #unverified} programs, whose facts say nothing (engines must not use them)
 * @param subprogramEntries first pc of each function, ascending; index 0 is the program entry
 * @param stackOffsets per pc: for a load or store whose address is provably the frame pointer of
 *     the current frame plus a constant, that constant including the instruction's offset (a value
 *     in [-512, -size]); otherwise {@link #NO_STACK_OFFSET}
 * @param branchTargets pcs that a jump or call reaches other than by falling through, and the
 *     subprogram entries
 * @param reachable pcs of instructions that some path from their subprogram's entry reaches
 *     (without evaluating conditions); the engines need not compile the others
 * @param stackDepths per subprogram, the deepest stack byte its proven accesses reach (0 to 512,
 *     a multiple of 8); accesses that were not proven are not counted
 * @param provenAccesses per pc: for a load, store or atomic whose region and bounds the type
 *     analysis proved on every path that reaches it, the proof ({@link ProvenAccess}: a packet
 *     access proven against {@code data_end}, a map value or ring-buffer record access proven
 *     inside the value or record); null elsewhere. An engine may drop the bounds comparison of
 *     such an access (it still has to find the region the address points into). Accesses the
 *     analysis never reached have no proof. Frame accesses are described by
 *     {@code stackOffsets}, not here.
 * @param inputAccesses pcs of loads and stores whose base register pointed, on every path that
 *     reached them, into the run's packet or (RAW programs) input memory. A hint, not a bound: the
 *     access may still leave that region, so an engine that keeps the region at hand must still
 *     check the address against it and take the general path when it is outside.
 * @param contextAccesses pcs of loads and stores whose base register was the program's context on
 *     every path that reached them (at a constant offset, as the verifier requires of context
 *     accesses)
 * @param readsUnwrittenStack false when the analysis showed that every read of a stack frame, by
 *     the program or a helper, reads bytes written earlier in the same call of its function. The
 *     engines then need not zero a frame before use: no run can tell. True when it could not
 *     show that (variable-offset or untracked stack reads, helper arguments of unknown use).
 * @param loopCallbacks per pc: for a call of bpf_loop (helper 181) whose callback argument is the
 *     same function on every path that reaches it, that function's entry pc; -1 elsewhere. An
 *     engine may run such a loop itself, calling the function directly.
 * @param frameAccesses per pc: for a load, store or atomic whose base pointed, on every path that
 *     reached it, into the same call frame at the same constant offset, that frame (how many calls
 *     up from the current one: 0 for its own, 1 for its caller's, which bpf-to-bpf callees and
 *     bpf_loop callbacks reach through pointers their caller passed) and offset from that frame's
 *     top, as {@link #frameAccess} encodes them; {@link #NO_FRAME_ACCESS} elsewhere. The verifier
 *     checked that the access lies inside that frame.
 * @param mapArguments per pc: for a helper call whose map argument names the same map of the
 *     program on every path that reaches it, that map's index in {@code program.maps()}; -1
 *     elsewhere
 */
public record VerifiedProgram(BpfProgram program, boolean passed, int[] subprogramEntries, int[] stackOffsets, BitSet branchTargets,
        BitSet reachable, int[] stackDepths, ProvenAccess[] provenAccesses, BitSet inputAccesses,
        BitSet contextAccesses, boolean readsUnwrittenStack, int[] loopCallbacks, int[] frameAccesses,
        int[] mapArguments) {
    public static final int NO_STACK_OFFSET = Integer.MIN_VALUE;
    public static final int NO_FRAME_ACCESS = Integer.MIN_VALUE;

    public VerifiedProgram {
        subprogramEntries = subprogramEntries.clone();
        stackOffsets = stackOffsets.clone();
        branchTargets = (BitSet) branchTargets.clone();
        reachable = (BitSet) reachable.clone();
        stackDepths = stackDepths.clone();
        provenAccesses = provenAccesses == null ? new ProvenAccess[stackOffsets.length] : provenAccesses.clone();
        inputAccesses = inputAccesses == null ? new BitSet() : (BitSet) inputAccesses.clone();
        contextAccesses = contextAccesses == null ? new BitSet() : (BitSet) contextAccesses.clone();
        loopCallbacks = copyOrFilled(loopCallbacks, stackOffsets.length, -1);
        mapArguments = copyOrFilled(mapArguments, stackOffsets.length, -1);
        frameAccesses = copyOrFilled(frameAccesses, stackOffsets.length, NO_FRAME_ACCESS);
    }

    /** A copy of {@code facts}, or {@code length} times {@code none} when there are none. */
    private static int[] copyOrFilled(int[] facts, int length, int none) {
        if (facts != null) {
            return facts.clone();
        }
        int[] out = new int[length];
        Arrays.fill(out, none);
        return out;
    }

    /** Encodes an access {@code up} frames above the current one, at {@code offset} from that frame's top. */
    public static int frameAccess(int up, int offset) {
        return up * 1024 + offset + 512;
    }

    /** How many frames up the access at {@code pc} goes ({@link #frameAccesses}), or -1 when unknown. */
    public int frameAccessUp(int pc) {
        int v = pc >= 0 && pc < frameAccesses.length ? frameAccesses[pc] : NO_FRAME_ACCESS;
        return v == NO_FRAME_ACCESS ? -1 : Math.floorDiv(v, 1024);
    }

    /** The offset from its frame's top of the access at {@code pc}, valid when {@link #frameAccessUp} is not -1. */
    public int frameAccessOffset(int pc) {
        return Math.floorMod(frameAccesses[pc], 1024) - 512;
    }

    @Override
    public int[] mapArguments() {
        return mapArguments.clone();
    }

    /** The index of the map the helper call at {@code pc} always passes, or -1. */
    public int mapArgumentAt(int pc) {
        return pc >= 0 && pc < mapArguments.length ? mapArguments[pc] : -1;
    }

    @Override
    public int[] frameAccesses() {
        return frameAccesses.clone();
    }

    /**
     * {@code program} as it is, not verified: the explicit way to run a program the verifier
     * refuses or was never asked about (conformance vectors that test run-time faults, {@code
     * --no-verify}). Engines run it with every check on: no access is proven, every frame is
     * zeroed, every instruction counts as reachable.
     */
    public static VerifiedProgram unverified(BpfProgram program) {
        int length = program.instructionsView().length;
        int[] none = new int[length];
        Arrays.fill(none, NO_STACK_OFFSET);
        BitSet all = new BitSet(length);
        all.set(0, length);
        return new VerifiedProgram(program, false, new int[] {0}, none, new BitSet(), all, new int[] {512}, null,
                null, null, true, null, null, null);
    }

    @Override
    public int[] loopCallbacks() {
        return loopCallbacks.clone();
    }

    /** The entry pc of the function the bpf_loop call at {@code pc} always calls back, or -1. */
    public int loopCallbackAt(int pc) {
        return pc >= 0 && pc < loopCallbacks.length ? loopCallbacks[pc] : -1;
    }

    @Override
    public BitSet inputAccesses() {
        return (BitSet) inputAccesses.clone();
    }

    @Override
    public BitSet contextAccesses() {
        return (BitSet) contextAccesses.clone();
    }

    /** Whether the access at {@code pc} went through the context pointer. */
    public boolean isContextAccess(int pc) {
        return contextAccesses.get(pc);
    }

    /** Whether the access at {@code pc} went through a pointer into the run's packet or input memory. */
    public boolean isInputAccess(int pc) {
        return inputAccesses.get(pc);
    }

    @Override
    public ProvenAccess[] provenAccesses() {
        return provenAccesses.clone();
    }

    /** The proof that the access at {@code pc} stays inside its region, or null. */
    public ProvenAccess provenAccess(int pc) {
        return provenAccesses[pc];
    }

    @Override
    public int[] subprogramEntries() {
        return subprogramEntries.clone();
    }

    @Override
    public int[] stackOffsets() {
        return stackOffsets.clone();
    }

    @Override
    public BitSet branchTargets() {
        return (BitSet) branchTargets.clone();
    }

    @Override
    public BitSet reachable() {
        return (BitSet) reachable.clone();
    }

    public boolean isReachable(int pc) {
        return reachable.get(pc);
    }

    @Override
    public int[] stackDepths() {
        return stackDepths.clone();
    }

    /** Whether the access at {@code pc} is proven to hit the current frame's stack. */
    public boolean isStackAccess(int pc) {
        return stackOffsets[pc] != NO_STACK_OFFSET;
    }

    /** The proven frame-pointer-relative offset of the access at {@code pc}, or {@link #NO_STACK_OFFSET}. */
    public int stackOffset(int pc) {
        return stackOffsets[pc];
    }

    public boolean isBranchTarget(int pc) {
        return branchTargets.get(pc);
    }

    public int subprogramCount() {
        return subprogramEntries.length;
    }

    /** The index of the subprogram that contains {@code pc}. */
    public int subprogramOf(int pc) {
        int i = Arrays.binarySearch(subprogramEntries, pc);
        return i >= 0 ? i : -i - 2;
    }

    /** The number of instruction slots (a {@code lddw} counts two). */
    public int length() {
        return stackOffsets.length;
    }
}
