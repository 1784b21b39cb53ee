package dev.jvmbpf.conformance.fuzz;

import dev.jvmbpf.runtime.isa.Instruction;

/** A generated program and the input memory it runs on (r1 = memory, r2 = its length). */
public record FuzzProgram(Instruction[] code, byte[] memory) {
    public FuzzProgram {
        code = code.clone();
        memory = memory.clone();
    }

    @Override
    public Instruction[] code() {
        return code.clone();
    }

    @Override
    public byte[] memory() {
        return memory.clone();
    }

    public int length() {
        return code.length;
    }
}
