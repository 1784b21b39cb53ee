package dev.jvmbpf.runtime.interp.internal;

import dev.jvmbpf.runtime.exec.LoadException;
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
    private static final boolean[] KNOWN = knownOpcodes();

    final int[] words;
    final long[] constants;
    final Instruction[] instructions;
    private final boolean[] secondHalf;

    private Code(int[] words, long[] constants, Instruction[] instructions, boolean[] secondHalf) {
        this.words = words;
        this.constants = constants;
        this.instructions = instructions;
        this.secondHalf = secondHalf;
    }

    public static Code decode(BpfProgram program) {
        Instruction[] insns = program.instructionsView();
        int n = insns.length;
        if (n == 0) {
            throw new LoadException(program.name() + ": the program has no instructions");
        }
        int[] words = new int[(n + 1) * 2];
        long[] constants = new long[n];
        boolean[] secondHalf = new boolean[n];
        for (int pc = 0; pc < n; pc++) {
            Instruction insn = insns[pc];
            // The second slot of an lddw keeps its words too: pseudo sources read its imm at run time.
            words[pc * 2] = insn.opcode() | insn.dst() << 8 | insn.src() << 12 | insn.offset() << 16;
            words[pc * 2 + 1] = insn.imm();
            if (secondHalf[pc]) {
                continue;
            }
            if (!KNOWN[insn.opcode()]) {
                throw error(program, pc, insn, "unknown opcode 0x" + Integer.toHexString(insn.opcode()));
            }
            if (insn.isWide()) {
                if (pc + 1 >= n) {
                    throw error(program, pc, insn, "lddw needs a second slot");
                }
                secondHalf[pc + 1] = true;
                // A function pointer is the index of the function's first slot (see CallbackInvoker).
                constants[pc] = insn.src() == Opcodes.PSEUDO_FUNC ? (long) pc + 1 + insn.imm()
                        : Instruction.wideImmediate(insns, pc);
            }
        }
        for (int pc = 0; pc < n; pc++) {
            if (secondHalf[pc]) {
                continue;
            }
            long target = target(insns[pc], pc);
            if (target != Long.MIN_VALUE && (target < 0 || target >= n || secondHalf[(int) target])) {
                throw error(program, pc, insns[pc], "jump target " + target
                        + (target >= 0 && target < n ? " is the second half of an lddw" : " is outside the program"));
            }
        }
        return new Code(words, constants, insns, secondHalf);
    }

    /** The pc a jump, local call or function pointer names, or Long.MIN_VALUE for other instructions. */
    private static long target(Instruction insn, int pc) {
        int op = insn.opcode();
        if (op == Opcodes.LDDW) {
            return insn.src() == Opcodes.PSEUDO_FUNC ? (long) pc + 1 + insn.imm() : Long.MIN_VALUE;
        }
        int cls = op & 0x07;
        if (cls != Opcodes.CLASS_JMP && cls != Opcodes.CLASS_JMP32) {
            return Long.MIN_VALUE;
        }
        if (op == Opcodes.JA32) {
            return (long) pc + 1 + insn.imm();
        }
        if (op == Opcodes.CALL) {
            return insn.src() == Opcodes.CALL_LOCAL ? (long) pc + 1 + insn.imm() : Long.MIN_VALUE;
        }
        if (op == Opcodes.CALLX || op == Opcodes.EXIT) {
            return Long.MIN_VALUE;
        }
        return (long) pc + 1 + insn.offset();
    }

    private static LoadException error(BpfProgram program, int pc, Instruction insn, String what) {
        return new LoadException(program.name() + ": pc " + pc + " (" + insn.hex() + "): " + what);
    }

    Instruction instruction(int pc) {
        return pc >= 0 && pc < instructions.length ? instructions[pc] : null;
    }

    int length() {
        return instructions.length;
    }

    /** True when {@code pc} is an instruction's first slot (not the second half of an lddw). */
    boolean isInstructionStart(long pc) {
        return pc >= 0 && pc < instructions.length && !secondHalf[(int) pc];
    }

    private static boolean[] knownOpcodes() {
        boolean[] k = new boolean[256];
        int[] binary = {Opcodes.ALU_ADD, Opcodes.ALU_SUB, Opcodes.ALU_MUL, Opcodes.ALU_DIV, Opcodes.ALU_OR,
            Opcodes.ALU_AND, Opcodes.ALU_LSH, Opcodes.ALU_RSH, Opcodes.ALU_MOD, Opcodes.ALU_XOR, Opcodes.ALU_MOV,
            Opcodes.ALU_ARSH};
        for (int cls : new int[] {Opcodes.CLASS_ALU, Opcodes.CLASS_ALU64}) {
            for (int op : binary) {
                k[cls | op | Opcodes.SRC_K] = true;
                k[cls | op | Opcodes.SRC_X] = true;
            }
            k[cls | Opcodes.ALU_NEG] = true;
            k[cls | Opcodes.ALU_END] = true;
        }
        k[Opcodes.CLASS_ALU | Opcodes.ALU_END | Opcodes.SRC_X] = true; // be16/32/64
        int[] conditions = {Opcodes.JMP_JEQ, Opcodes.JMP_JGT, Opcodes.JMP_JGE, Opcodes.JMP_JSET, Opcodes.JMP_JNE,
            Opcodes.JMP_JSGT, Opcodes.JMP_JSGE, Opcodes.JMP_JLT, Opcodes.JMP_JLE, Opcodes.JMP_JSLT, Opcodes.JMP_JSLE};
        for (int cls : new int[] {Opcodes.CLASS_JMP, Opcodes.CLASS_JMP32}) {
            for (int op : conditions) {
                k[cls | op | Opcodes.SRC_K] = true;
                k[cls | op | Opcodes.SRC_X] = true;
            }
            k[cls | Opcodes.JMP_JA] = true;
        }
        k[Opcodes.CALL] = true;
        k[Opcodes.CALLX] = true;
        k[Opcodes.EXIT] = true;
        k[Opcodes.MAY_GOTO] = true;
        k[Opcodes.LDDW] = true;
        for (int size : new int[] {Opcodes.SIZE_W, Opcodes.SIZE_H, Opcodes.SIZE_B}) {
            k[Opcodes.CLASS_LD | Opcodes.MODE_ABS | size] = true;
            k[Opcodes.CLASS_LD | Opcodes.MODE_IND | size] = true;
            k[Opcodes.CLASS_LDX | Opcodes.MODE_MEMSX | size] = true;
        }
        for (int size : new int[] {Opcodes.SIZE_W, Opcodes.SIZE_H, Opcodes.SIZE_B, Opcodes.SIZE_DW}) {
            k[Opcodes.CLASS_LDX | Opcodes.MODE_MEM | size] = true;
            k[Opcodes.CLASS_ST | Opcodes.MODE_MEM | size] = true;
            k[Opcodes.CLASS_STX | Opcodes.MODE_MEM | size] = true;
            k[Opcodes.CLASS_STX | Opcodes.MODE_ATOMIC | size] = true;
        }
        return k;
    }
}
