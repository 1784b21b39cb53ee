package dev.jvmbpf.conformance.fuzz;

import dev.jvmbpf.runtime.isa.Instruction;

/**
 * A generated program and the input memory it runs on (r1 = memory, r2 = its length).
 * {@code pinned} marks slots the minimizer must keep: the stores that initialise the stack (the
 * kernel lets root read stack nobody wrote and returns whatever was there) and the moves that
 * turn a register that held a derived pointer back into a scalar (without them a pointer would
 * flow into r0 or memory, and engines legitimately differ on pointer values). Without those
 * slots a reduction could "keep" a mismatch that is only noise.
 */
public record FuzzProgram(Instruction[] code, byte[] memory, boolean[] pinned) {
    public FuzzProgram {
        code = code.clone();
        memory = memory.clone();
        pinned = pinned == null ? new boolean[code.length] : pinned.clone();
        if (pinned.length != code.length) {
            throw new IllegalArgumentException("pinned has " + pinned.length + " slots, code " + code.length);
        }
    }

    public FuzzProgram(Instruction[] code, byte[] memory) {
        this(code, memory, null);
    }

    @Override
    public Instruction[] code() {
        return code.clone();
    }

    @Override
    public byte[] memory() {
        return memory.clone();
    }

    @Override
    public boolean[] pinned() {
        return pinned.clone();
    }

    /** The same code and pins with other input memory. */
    public FuzzProgram withMemory(byte[] other) {
        return new FuzzProgram(code, other, pinned);
    }

    public int length() {
        return code.length;
    }
}
