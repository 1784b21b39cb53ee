package dev.jvmbpf.runtime.isa;

import dev.jvmbpf.runtime.exec.LoadException;

/**
 * The load-time shape every engine demands of a program: known opcodes, an lddw with its second
 * slot, and jump, local call and function-pointer targets that land on an instruction's first slot.
 * The interpreter and the JIT both load through this class so that they accept exactly the same
 * programs and a comparison of the two never reports a difference in loading.
 */
public final class ControlFlow {
    /** What {@link #target} returns for an instruction that names no pc. */
    public static final long NO_TARGET = Long.MIN_VALUE;

    private static final boolean[] KNOWN = knownOpcodes();

    private final boolean[] secondHalf;

    private ControlFlow(boolean[] secondHalf) {
        this.secondHalf = secondHalf;
    }

    /**
     * Checks a program's shape.
     *
     * @param name the program's name, which starts every error message
     * @throws LoadException naming the program, the pc, the instruction and the fault
     */
    public static ControlFlow check(String name, Instruction[] insns) {
        int n = insns.length;
        if (n == 0) {
            throw new LoadException(name + ": the program has no instructions");
        }
        boolean[] secondHalf = new boolean[n];
        for (int pc = 0; pc < n; pc++) {
            if (secondHalf[pc]) {
                continue;
            }
            Instruction insn = insns[pc];
            if (!KNOWN[insn.opcode()]) {
                throw error(name, pc, insn, "unknown opcode 0x" + Integer.toHexString(insn.opcode()));
            }
            if (insn.isWide()) {
                if (pc + 1 >= n) {
                    throw error(name, pc, insn, "lddw needs a second slot");
                }
                secondHalf[pc + 1] = true;
            }
        }
        for (int pc = 0; pc < n; pc++) {
            if (secondHalf[pc]) {
                continue;
            }
            long target = target(insns[pc], pc);
            if (target != NO_TARGET && (target < 0 || target >= n || secondHalf[(int) target])) {
                throw error(name, pc, insns[pc], "jump target " + target
                        + (target >= 0 && target < n ? " is the second half of an lddw" : " is outside the program"));
            }
        }
        return new ControlFlow(secondHalf);
    }

    /** The pc a jump, local call or function pointer at {@code pc} names, or {@link #NO_TARGET}. */
    public static long target(Instruction insn, int pc) {
        int op = insn.opcode();
        if (op == Opcodes.LDDW) {
            return insn.src() == Opcodes.PSEUDO_FUNC ? (long) pc + 1 + insn.imm() : NO_TARGET;
        }
        int cls = op & 0x07;
        if (cls != Opcodes.CLASS_JMP && cls != Opcodes.CLASS_JMP32) {
            return NO_TARGET;
        }
        if (op == Opcodes.JA32) {
            return (long) pc + 1 + insn.imm();
        }
        if (op == Opcodes.CALL) {
            return insn.src() == Opcodes.CALL_LOCAL ? (long) pc + 1 + insn.imm() : NO_TARGET;
        }
        if (op == Opcodes.CALLX || op == Opcodes.EXIT) {
            return NO_TARGET;
        }
        return (long) pc + 1 + insn.offset();
    }

    /** True for an opcode some engine can run; the reserved fields are {@link InstructionDecoder}'s concern. */
    public static boolean isKnownOpcode(int opcode) {
        return opcode >= 0 && opcode < KNOWN.length && KNOWN[opcode];
    }

    /** The number of slots, counting both halves of every lddw. */
    public int length() {
        return secondHalf.length;
    }

    /** True when {@code pc} is an instruction's first slot (not the second half of an lddw). */
    public boolean isInstructionStart(long pc) {
        return pc >= 0 && pc < secondHalf.length && !secondHalf[(int) pc];
    }

    private static LoadException error(String name, int pc, Instruction insn, String what) {
        return new LoadException(name + ": pc " + pc + " (" + insn.hex() + "): " + what);
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
        // be16/32/64 exist only in the 32-bit class; its 64-bit twin is not an instruction.
        k[Opcodes.CLASS_ALU | Opcodes.ALU_END | Opcodes.SRC_X] = true;
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
