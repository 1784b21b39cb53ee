package dev.jvmbpf.jit;

import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.isa.Opcodes;
import java.util.ArrayList;
import java.util.List;

/** A tiny builder for hand-written test programs (the project's assembler lives in the runtime). */
final class Asm {
    private final List<Instruction> code = new ArrayList<>();

    Asm raw(int opcode, int dst, int src, int off, int imm) {
        code.add(Instruction.of(opcode, dst, src, off, imm));
        return this;
    }

    Asm alu64(int op, int dst, int imm) {
        return raw(Opcodes.CLASS_ALU64 | Opcodes.SRC_K | op, dst, 0, 0, imm);
    }

    Asm alu64x(int op, int dst, int src) {
        return raw(Opcodes.CLASS_ALU64 | Opcodes.SRC_X | op, dst, src, 0, 0);
    }

    Asm alu32(int op, int dst, int imm) {
        return raw(Opcodes.CLASS_ALU | Opcodes.SRC_K | op, dst, 0, 0, imm);
    }

    Asm alu32x(int op, int dst, int src) {
        return raw(Opcodes.CLASS_ALU | Opcodes.SRC_X | op, dst, src, 0, 0);
    }

    Asm mov(int dst, int imm) {
        return alu64(Opcodes.ALU_MOV, dst, imm);
    }

    Asm movx(int dst, int src) {
        return alu64x(Opcodes.ALU_MOV, dst, src);
    }

    Asm lddw(int dst, long value) {
        raw(Opcodes.LDDW, dst, 0, 0, (int) value);
        return raw(0, 0, 0, 0, (int) (value >>> 32));
    }

    Asm jmp(int op, int dst, int imm, int off) {
        return raw(Opcodes.CLASS_JMP | Opcodes.SRC_K | op, dst, 0, off, imm);
    }

    Asm jmpx(int op, int dst, int src, int off) {
        return raw(Opcodes.CLASS_JMP | Opcodes.SRC_X | op, dst, src, off, 0);
    }

    Asm ja(int off) {
        return raw(Opcodes.JA, 0, 0, off, 0);
    }

    Asm ldx(int size, int dst, int src, int off) {
        return raw(Opcodes.CLASS_LDX | Opcodes.MODE_MEM | size, dst, src, off, 0);
    }

    Asm stx(int size, int dst, int src, int off) {
        return raw(Opcodes.CLASS_STX | Opcodes.MODE_MEM | size, dst, src, off, 0);
    }

    Asm st(int size, int dst, int off, int imm) {
        return raw(Opcodes.CLASS_ST | Opcodes.MODE_MEM | size, dst, 0, off, imm);
    }

    Asm atomic(int size, int dst, int src, int off, int op) {
        return raw(Opcodes.CLASS_STX | Opcodes.MODE_ATOMIC | size, dst, src, off, op);
    }

    Asm call(int helper) {
        return raw(Opcodes.CALL, 0, Opcodes.CALL_HELPER, 0, helper);
    }

    Asm callLocal(int rel) {
        return raw(Opcodes.CALL, 0, Opcodes.CALL_LOCAL, 0, rel);
    }

    Asm exit() {
        return raw(Opcodes.EXIT, 0, 0, 0, 0);
    }

    int size() {
        return code.size();
    }

    Instruction[] build() {
        return code.toArray(Instruction[]::new);
    }
}
