package dev.jvmbpf.runtime.isa;

import dev.jvmbpf.runtime.exec.LoadException;

/**
 * An instruction that no engine may run: unknown opcode, a reserved field that is not zero, a
 * register that does not exist, or a program whose bytes do not form whole instructions. The
 * message names the instruction index, its raw bytes and the reason.
 */
public final class InvalidInstructionException extends LoadException {
    private final int index;
    private final String reason;

    public InvalidInstructionException(int index, Instruction instruction, String reason) {
        super(instruction == null
                ? "instruction " + index + ": " + reason
                : "instruction " + index + " (" + instruction.hex() + "): " + reason);
        this.index = index;
        this.reason = reason;
    }

    /** The slot index of the offending instruction; for a truncated program the index of the partial slot. */
    public int index() {
        return index;
    }

    /** The reason without the location. */
    public String reason() {
        return reason;
    }
}
