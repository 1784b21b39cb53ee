package dev.jvmbpf.conformance;

import dev.jvmbpf.runtime.memory.FaultKind;
import java.util.Arrays;
import java.util.HexFormat;

/** What one engine did with one vector. */
public sealed interface EngineResult {
    /** The program ran to its exit; {@code memory} is the input memory afterwards (empty without one). */
    record Returned(long r0, byte[] memory) implements EngineResult {
        @Override
        public String toString() {
            return "0x" + Long.toHexString(r0) + memoryText(memory);
        }
    }

    /** The run stopped with a fault. */
    record Faulted(FaultKind kind, int pc, String message, byte[] memory) implements EngineResult {
        @Override
        public String toString() {
            return "fault " + message;
        }
    }

    /**
     * Assembling, decoding, loading or the engine's verifier refused the program;
     * {@code whenRun} marks a refusal that came when the program first ran (the kernel verifies
     * then), which also stands for a fault the verifier foresaw.
     */
    record Rejected(String message, boolean whenRun) implements EngineResult {
        public Rejected(String message) {
            this(message, false);
        }

        @Override
        public String toString() {
            return "rejected: " + message;
        }
    }

    /** The engine failed in a way no program may cause (an exception other than a fault). */
    record Broken(String message) implements EngineResult {
        @Override
        public String toString() {
            return "engine error: " + message;
        }
    }

    /**
     * Whether two engines agree: same r0 and memory, same fault kind, pc and memory, or both
     * refusing. A fault and a verifier's rejection at run time agree too: the kernel refuses what
     * the other engines stop when it happens.
     */
    static boolean agree(EngineResult a, EngineResult b) {
        return switch (a) {
            case Returned x -> b instanceof Returned y && x.r0 == y.r0 && Arrays.equals(x.memory, y.memory);
            case Faulted x -> b instanceof Rejected z && z.whenRun
                    || b instanceof Faulted y && x.kind == y.kind && x.pc == y.pc && Arrays.equals(x.memory, y.memory);
            case Rejected x -> b instanceof Rejected || x.whenRun && b instanceof Faulted;
            case Broken x -> false;
        };
    }

    private static String memoryText(byte[] memory) {
        if (memory.length == 0) {
            return "";
        }
        String hex = HexFormat.ofDelimiter(" ").formatHex(memory, 0, Math.min(memory.length, 64));
        return " mem [" + hex + (memory.length > 64 ? " ..." : "") + "]";
    }
}
