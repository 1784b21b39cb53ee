package dev.jvmbpf.jit.internal;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.jvmbpf.jit.JitEngine;
import dev.jvmbpf.runtime.exec.Engine;
import dev.jvmbpf.runtime.exec.Executable;
import dev.jvmbpf.runtime.exec.HelperTable;
import dev.jvmbpf.runtime.interp.Interpreter;
import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.isa.Opcodes;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.verifier.Verifier;
import dev.jvmbpf.testing.Execution;
import org.junit.jupiter.api.Test;

class StackSlotsTest {
    private static final int ALU64_K = Opcodes.CLASS_ALU64 | Opcodes.SRC_K;
    private static final int ALU64_X = Opcodes.CLASS_ALU64 | Opcodes.SRC_X;

    private static Instruction mov(int dst, int imm) {
        return Instruction.of(ALU64_K | Opcodes.ALU_MOV, dst, 0, 0, imm);
    }

    private static Instruction add(int dst, int src) {
        return Instruction.of(ALU64_X | Opcodes.ALU_ADD, dst, src, 0, 0);
    }

    private static Instruction stx(int size, int dst, int src, int off) {
        return Instruction.of(Opcodes.CLASS_STX | Opcodes.MODE_MEM | size, dst, src, off, 0);
    }

    private static Instruction st(int size, int dst, int off, int imm) {
        return Instruction.of(Opcodes.CLASS_ST | Opcodes.MODE_MEM | size, dst, 0, off, imm);
    }

    private static Instruction ldx(int size, int dst, int src, int off) {
        return Instruction.of(Opcodes.CLASS_LDX | Opcodes.MODE_MEM | size, dst, src, off, 0);
    }

    private static Instruction ldsx(int size, int dst, int src, int off) {
        return Instruction.of(Opcodes.CLASS_LDX | Opcodes.MODE_MEMSX | size, dst, src, off, 0);
    }

    private static Instruction exit() {
        return Instruction.of(Opcodes.EXIT, 0, 0, 0, 0);
    }

    private static StackSlots analyse(Instruction... code) {
        ProgramLayout layout = new ProgramLayout(code);
        return StackSlots.analyse(layout, 0, code.length, true);
    }

    /** Every width, zero- and sign-extending loads, truncating stores, and a slot read before any store. */
    private static Instruction[] mixedWidths() {
        return new Instruction[] {
            mov(1, -1),
            stx(Opcodes.SIZE_DW, 10, 1, -8),
            st(Opcodes.SIZE_W, 10, -12, -2),
            mov(2, 0x1ff),
            stx(Opcodes.SIZE_B, 10, 2, -13),
            mov(3, 0x18001),
            stx(Opcodes.SIZE_H, 10, 3, -16),
            ldx(Opcodes.SIZE_W, 0, 10, -12),
            ldsx(Opcodes.SIZE_W, 4, 10, -12),
            add(0, 4),
            ldx(Opcodes.SIZE_B, 4, 10, -13),
            add(0, 4),
            ldsx(Opcodes.SIZE_B, 4, 10, -13),
            add(0, 4),
            ldx(Opcodes.SIZE_H, 4, 10, -16),
            add(0, 4),
            ldsx(Opcodes.SIZE_H, 4, 10, -16),
            add(0, 4),
            ldx(Opcodes.SIZE_DW, 4, 10, -8),
            add(0, 4),
            exit(),
        };
    }

    @Test
    void slotsOfOneWidthEachArePromoted() {
        StackSlots slots = analyse(mixedWidths());
        assertNotNull(slots);
        assertEquals(4, slots.count());
    }

    @Test
    void promotedSlotsLoadWhatTheFrameArrayWouldHold() {
        Instruction[] code = mixedWidths();
        // 0xfffffffe + (-2) + 0xff + (-1) + 0x8001 + (-32767) + (-1)
        long expected = 0xfffffffeL - 2 + 0xff - 1 + 0x8001 - 32767 - 1;
        // Promotion needs the verifier's approval; without it this test would not exercise the locals.
        assertDoesNotThrow(() -> Verifier.verify(BpfProgram.raw("slots", code), HelperTable.empty()));
        assertEquals(expected, run(new Interpreter(), code));
        assertEquals(expected, run(new JitEngine(), code));
    }

    @Test
    void aCopyOfTheFramePointerKeepsTheArray() {
        assertNull(analyse(mov(0, 0), st(Opcodes.SIZE_DW, 10, -8, 1),
                Instruction.of(ALU64_X | Opcodes.ALU_MOV, 1, 10, 0, 0), exit()));
        assertNull(analyse(mov(0, 0), stx(Opcodes.SIZE_DW, 10, 10, -8), exit()));
    }

    @Test
    void overlappingOrMixedWidthsKeepTheArray() {
        assertNull(analyse(st(Opcodes.SIZE_DW, 10, -8, 1), ldx(Opcodes.SIZE_W, 0, 10, -8), exit()));
        assertNull(analyse(st(Opcodes.SIZE_DW, 10, -8, 1), ldx(Opcodes.SIZE_W, 0, 10, -4), exit()));
        assertNull(analyse(st(Opcodes.SIZE_W, 10, -6, 1), ldx(Opcodes.SIZE_W, 0, 10, -6), exit()));
    }

    @Test
    void atomicsOnTheStackKeepTheArray() {
        assertNull(analyse(st(Opcodes.SIZE_DW, 10, -8, 1), mov(1, 2),
                Instruction.of(Opcodes.CLASS_STX | Opcodes.MODE_ATOMIC | Opcodes.SIZE_DW, 10, 1, -8,
                        Opcodes.ATOMIC_ADD),
                ldx(Opcodes.SIZE_DW, 0, 10, -8), exit()));
    }

    @Test
    void unverifiedProgramsKeepTheArray() {
        Instruction[] code = {st(Opcodes.SIZE_DW, 10, -8, 1), ldx(Opcodes.SIZE_DW, 0, 10, -8), exit()};
        assertNull(StackSlots.analyse(new ProgramLayout(code), 0, code.length, false));
    }

    private static long run(Engine engine, Instruction[] code) {
        Executable exe = engine.load(Verifier.verifyOrUnverified(BpfProgram.raw("slots", code), HelperTable.empty()), HelperTable.empty());
        return Execution.runOnce(exe);
    }
}
