package dev.jvmbpf.runtime.verifier;

import dev.jvmbpf.runtime.exec.LoadException;

/** The verifier refused a program; the message names the pc, the instruction and the reason. */
public final class VerifierException extends LoadException {
    /** The pc of an error that concerns the whole program. */
    public static final int NO_PC = -1;

    private final int pc;
    private final String reason;

    public VerifierException(int pc, String instruction, String reason) {
        super(pc == NO_PC ? reason : "pc " + pc + " (" + instruction + "): " + reason);
        this.pc = pc;
        this.reason = reason;
    }

    public int pc() {
        return pc;
    }

    public String reason() {
        return reason;
    }
}
