package dev.jvmbpf.runtime.memory;

import dev.jvmbpf.runtime.isa.Instruction;
import java.util.function.Function;

/**
 * How faults print the instruction they stopped at. The ISA package installs its disassembler;
 * until then the raw bytes are shown.
 */
public final class InstructionText {
    private static volatile Function<Instruction, String> formatter = Instruction::hex;

    private InstructionText() {
    }

    public static void install(Function<Instruction, String> f) {
        formatter = f;
    }

    public static String format(Instruction insn) {
        return formatter.apply(insn);
    }
}
