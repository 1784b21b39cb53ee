package dev.jvmbpf.jit.internal;

import dev.jvmbpf.runtime.exec.LoadException;
import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.isa.Opcodes;
import dev.jvmbpf.runtime.program.BpfProgram;

/**
 * What the JIT refuses at load time: exactly what the interpreter refuses (unknown opcodes, an
 * lddw without its second slot, jump, call and function-pointer targets outside the program or
 * into an lddw), so that both engines accept the same programs and a comparison of the two never
 * reports a difference in loading.
 */
final class LoadChecks {
    private static final boolean[] KNOWN = knownOpcodes();

    private LoadChecks() {
    }

    static void check(BpfProgram program) {
        Instruction[] insns = program.instructionsView();
        int n = insns.length;
        if (n == 0) {
            throw new LoadException(program.name() + ": the program has no instructions");
        }
        boolean[] secondHalf = new boolean[n];
        for (int pc = 0; pc < n; pc++) {
            if (secondHalf[pc]) {
                continue;
            }
            Instruction insn = insns[pc];
            if (!KNOWN[insn.opcode()]) {
                throw error(program, pc, insn, "unknown opcode 0x" + Integer.toHexString(insn.opcode()));
            }
            if (insn.isWide()) {
                if (pc + 1 >= n) {
                    throw error(program, pc, insn, "lddw needs a second slot");
                }
                secondHalf[pc + 1] = true;
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
    }

    /** The pc a jump, local call or function pointer names, or Long.MIN_VALUE for other instructions. */
    static long target(Instruction insn, int pc) {
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
