package dev.jvmbpf.runtime.interp.internal;

import dev.jvmbpf.runtime.isa.ControlFlow;
import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.isa.Opcodes;
import dev.jvmbpf.runtime.program.BpfProgram;

/**
 * A program in the form the dispatch loop reads: two ints per slot, the first packing
 * {@code opcode | dst << 8 | src << 12 | offset << 16} (so {@code word >> 16} is the signed
 * offset), the second the immediate. One extra slot with opcode 0 follows the program, so running
 * off its end lands on an invalid instruction instead of outside the array.
 */
public final class Code {
    final int[] words;
    final long[] constants;
    final Instruction[] instructions;
    private final ControlFlow flow;

    private Code(int[] words, long[] constants, Instruction[] instructions, ControlFlow flow) {
        this.words = words;
        this.constants = constants;
        this.instructions = instructions;
        this.flow = flow;
    }

    public static Code decode(BpfProgram program) {
        Instruction[] insns = program.instructionsView();
        ControlFlow flow = ControlFlow.check(program.name(), insns);
        int n = insns.length;
        int[] words = new int[(n + 1) * 2];
        long[] constants = new long[n];
        for (int pc = 0; pc < n; pc++) {
            Instruction insn = insns[pc];
            // The second slot of an lddw keeps its words too: pseudo sources read its imm at run time.
            words[pc * 2] = insn.opcode() | insn.dst() << 8 | insn.src() << 12 | insn.offset() << 16;
            words[pc * 2 + 1] = insn.imm();
            if (insn.isWide() && flow.isInstructionStart(pc)) {
                // A function pointer is the index of the function's first slot (see CallbackInvoker).
                constants[pc] = insn.src() == Opcodes.PSEUDO_FUNC ? (long) pc + 1 + insn.imm()
                        : Instruction.wideImmediate(insns, pc);
            }
        }
        return new Code(words, constants, insns, flow);
    }

    Instruction instruction(int pc) {
        return pc >= 0 && pc < instructions.length ? instructions[pc] : null;
    }

    int length() {
        return instructions.length;
    }

    /** True when {@code pc} is an instruction's first slot (not the second half of an lddw). */
    boolean isInstructionStart(long pc) {
        return flow.isInstructionStart(pc);
    }
}
