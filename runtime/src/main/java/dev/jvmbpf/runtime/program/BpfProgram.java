package dev.jvmbpf.runtime.program;

import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.maps.BpfMap;
import java.util.List;

/**
 * A program ready for the verifier and the engines. Relocations are applied: an {@code lddw}
 * with source {@code PSEUDO_MAP_IDX} loads a handle of {@code maps().get(imm)}, one with
 * {@code PSEUDO_MAP_IDX_VALUE} the address of that map's value plus the next slot's imm (global
 * data). Calls with source {@code CALL_LOCAL} are pc-relative, as in the kernel.
 */
public record BpfProgram(String name, String section, ProgramType type, Instruction[] instructions,
        List<BpfMap> maps, String license) {
    public BpfProgram {
        instructions = instructions.clone();
        maps = List.copyOf(maps);
    }

    public static BpfProgram raw(String name, Instruction[] instructions) {
        return new BpfProgram(name, "", ProgramType.RAW, instructions, List.of(), "");
    }

    @Override
    public Instruction[] instructions() {
        return instructions.clone();
    }

    /** The instructions without a defensive copy; callers must not modify the array. */
    public Instruction[] instructionsView() {
        return instructions;
    }

    public int length() {
        return instructions.length;
    }
}
