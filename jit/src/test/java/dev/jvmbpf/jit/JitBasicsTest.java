package dev.jvmbpf.jit;

import static dev.jvmbpf.runtime.isa.Opcodes.ALU_ADD;
import static dev.jvmbpf.runtime.isa.Opcodes.ALU_ARSH;
import static dev.jvmbpf.runtime.isa.Opcodes.ALU_DIV;
import static dev.jvmbpf.runtime.isa.Opcodes.ALU_END;
import static dev.jvmbpf.runtime.isa.Opcodes.ALU_LSH;
import static dev.jvmbpf.runtime.isa.Opcodes.ALU_MOD;
import static dev.jvmbpf.runtime.isa.Opcodes.ALU_MOV;
import static dev.jvmbpf.runtime.isa.Opcodes.ALU_MUL;
import static dev.jvmbpf.runtime.isa.Opcodes.ALU_NEG;
import static dev.jvmbpf.runtime.isa.Opcodes.ALU_RSH;
import static dev.jvmbpf.runtime.isa.Opcodes.ALU_SUB;
import static dev.jvmbpf.runtime.isa.Opcodes.ATOMIC_ADD;
import static dev.jvmbpf.runtime.isa.Opcodes.ATOMIC_CMPXCHG;
import static dev.jvmbpf.runtime.isa.Opcodes.ATOMIC_FETCH;
import static dev.jvmbpf.runtime.isa.Opcodes.ATOMIC_XCHG;
import static dev.jvmbpf.runtime.isa.Opcodes.JMP_JGT;
import static dev.jvmbpf.runtime.isa.Opcodes.JMP_JNE;
import static dev.jvmbpf.runtime.isa.Opcodes.JMP_JSGT;
import static dev.jvmbpf.runtime.isa.Opcodes.JMP_JSLT;
import static dev.jvmbpf.runtime.isa.Opcodes.SIZE_B;
import static dev.jvmbpf.runtime.isa.Opcodes.SIZE_DW;
import static dev.jvmbpf.runtime.isa.Opcodes.SIZE_H;
import static dev.jvmbpf.runtime.isa.Opcodes.SIZE_W;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jvmbpf.runtime.exec.ArgType;
import dev.jvmbpf.runtime.exec.HelperSpec;
import dev.jvmbpf.runtime.exec.HelperTable;
import dev.jvmbpf.runtime.isa.Alu;
import dev.jvmbpf.runtime.isa.Opcodes;
import dev.jvmbpf.runtime.memory.BpfFault;
import dev.jvmbpf.runtime.memory.FaultKind;
import java.util.List;
import org.junit.jupiter.api.Test;

class JitBasicsTest {
    @Test
    void loopSumsOneToHundred() {
        // r0 = 0; r1 = 100; loop: r0 += r1; r1 -= 1; if r1 != 0 goto loop; exit
        Asm a = new Asm().mov(0, 0).mov(1, 100)
                .alu64x(ALU_ADD, 0, 1).alu64(ALU_SUB, 1, 1).jmp(JMP_JNE, 1, 0, -3).exit();
        assertEquals(5050, Runs.run(a.build()));
    }

    @Test
    void mayGotoFallsThroughTheKernelsLoopBudgetThenJumps() {
        // r0++ ; may_goto +1 ; ja -3 ; exit: as on the interpreter, the budget is Alu.MAX_LOOPS.
        Asm a = new Asm().mov(0, 0).alu64(ALU_ADD, 0, 1).raw(Opcodes.MAY_GOTO, 0, 0, 1, 0).ja(-3).exit();
        assertEquals(Alu.MAX_LOOPS + 1L, Runs.run(a.build()));
    }

    @Test
    void alu32ZeroExtendsAndShiftsMask() {
        assertEquals(0xffffffffL, Runs.run(new Asm().mov(0, 0).alu32(ALU_SUB, 0, 1).exit().build()));
        assertEquals(1L << 3, Runs.run(new Asm().mov(0, 1).alu64(ALU_LSH, 0, 67).exit().build()));
        assertEquals(1L << 3, Runs.run(new Asm().mov(0, 1).alu32(ALU_LSH, 0, 35).exit().build()));
        assertEquals(0xffffffffL, Runs.run(new Asm().mov(0, -8).alu32(ALU_ARSH, 0, 8).exit().build()));
        assertEquals(-1L, Runs.run(new Asm().mov(0, -8).alu64(ALU_ARSH, 0, 8).exit().build()));
        assertEquals(0x00ffffffffffffffL, Runs.run(new Asm().mov(0, -8).alu64(ALU_RSH, 0, 8).exit().build()));
        assertEquals(8, Runs.run(new Asm().mov(0, -8).alu64(ALU_NEG, 0, 0).exit().build()));
        assertEquals(0xfffffff8L, Runs.run(new Asm().mov(0, 8).alu32(ALU_NEG, 0, 0).exit().build()));
    }

    @Test
    void divisionFollowsKernelRules() {
        assertEquals(0, Runs.run(new Asm().mov(0, 7).mov(1, 0).alu64x(ALU_DIV, 0, 1).exit().build()));
        assertEquals(7, Runs.run(new Asm().mov(0, 7).mov(1, 0).alu64x(ALU_MOD, 0, 1).exit().build()));
        // Immediates are sign-extended before unsigned use: -1 / 0xffffffff (= 2^64-1) = 1.
        assertEquals(1, Runs.run(new Asm().mov(0, -1).alu64(ALU_DIV, 0, -1).exit().build()));
        // sdiv: MIN / -1 = MIN.
        assertEquals(Long.MIN_VALUE, Runs.run(new Asm().lddw(0, Long.MIN_VALUE)
                .raw(Opcodes.CLASS_ALU64 | ALU_DIV, 0, 0, 1, -1).exit().build()));
        assertEquals(-3, Runs.run(new Asm().mov(0, -7).raw(Opcodes.CLASS_ALU64 | ALU_DIV, 0, 0, 1, 2).exit().build()));
        assertEquals(0xfffffffdL, Runs.run(new Asm().mov(0, -7).raw(Opcodes.CLASS_ALU | ALU_DIV, 0, 0, 1, 2)
                .exit().build()));
    }

    @Test
    void movsxAndByteSwaps() {
        assertEquals(-128, Runs.run(new Asm().mov(1, 0x80).raw(Opcodes.CLASS_ALU64 | Opcodes.SRC_X | ALU_MOV, 0, 1, 8, 0)
                .exit().build()));
        assertEquals(0xffff8000L, Runs.run(new Asm().mov(1, 0x8000)
                .raw(Opcodes.CLASS_ALU | Opcodes.SRC_X | ALU_MOV, 0, 1, 16, 0).exit().build()));
        assertEquals(0x1234, Runs.run(new Asm().mov(0, 0x11223412).raw(Opcodes.CLASS_ALU | ALU_END, 0, 0, 0, 16)
                .raw(Opcodes.CLASS_ALU | Opcodes.SRC_X | ALU_END, 0, 0, 0, 16).exit().build()));
        assertEquals(0x0807060504030201L, Runs.run(new Asm().lddw(0, 0x0102030405060708L)
                .raw(Opcodes.CLASS_ALU64 | ALU_END, 0, 0, 0, 64).exit().build()));
    }

    @Test
    void signedAndUnsignedCompares() {
        // r1 = -1: unsigned it is greater than 5, signed it is less.
        Asm a = new Asm().mov(1, -1).mov(0, 0).jmp(JMP_JGT, 1, 5, 1).exit().alu64(ALU_ADD, 0, 1)
                .jmp(JMP_JSLT, 1, 5, 1).exit().alu64(ALU_ADD, 0, 2).jmp(JMP_JSGT, 1, 5, 1).exit()
                .alu64(ALU_ADD, 0, 4).exit();
        assertEquals(3, Runs.run(a.build()));
    }

    @Test
    void stackStoresAndLoadsAllWidths() {
        Asm a = new Asm().lddw(1, 0x1122334455667788L).stx(SIZE_DW, 10, 1, -8)
                .ldx(SIZE_B, 2, 10, -8).ldx(SIZE_H, 3, 10, -6).ldx(SIZE_W, 4, 10, -4)
                .st(SIZE_W, 10, -16, -2).ldx(SIZE_DW, 5, 10, -16)
                .movx(0, 2).alu64x(ALU_ADD, 0, 3).alu64x(ALU_ADD, 0, 4).alu64x(ALU_ADD, 0, 5).exit();
        long expected = 0x88 + 0x5566 + 0x11223344L + 0xfffffffeL;
        assertEquals(expected, Runs.run(a.build()));
    }

    @Test
    void memoryThroughR1AndOutOfBoundsFaultCarriesPc() {
        byte[] mem = {1, 2, 3, 4};
        Asm a = new Asm().ldx(SIZE_W, 0, 1, 0).exit();
        assertEquals(0x04030201L, Runs.run(Runs.jit(a.build()), mem));
        Asm bad = new Asm().mov(0, 0).ldx(SIZE_W, 0, 1, 2).exit();
        BpfFault f = assertThrows(BpfFault.class, () -> Runs.run(Runs.jit(bad.build()), mem));
        assertEquals(FaultKind.OUT_OF_BOUNDS, f.kind());
        assertEquals(1, f.pc());
        BpfFault nul = assertThrows(BpfFault.class, () -> Runs.run(new Asm().mov(0, 0).mov(1, 0)
                .stx(SIZE_DW, 1, 0, 0).exit().build()));
        assertEquals(FaultKind.NULL_POINTER, nul.kind());
        assertEquals(2, nul.pc());
    }

    @Test
    void stackAccessOutsideTheFrameFaults() {
        BpfFault f = assertThrows(BpfFault.class, () -> Runs.run(new Asm().mov(0, 0).ldx(SIZE_DW, 0, 10, -4).exit()
                .build()));
        assertEquals(FaultKind.OUT_OF_BOUNDS, f.kind());
        assertEquals(1, f.pc());
    }

    @Test
    void atomicsOnTheStack() {
        Asm a = new Asm().st(SIZE_DW, 10, -8, 10).mov(1, 5)
                .atomic(SIZE_DW, 10, 1, -8, ATOMIC_ADD | ATOMIC_FETCH) // r1 = 10, [-8] = 15
                .mov(2, 7).atomic(SIZE_DW, 10, 2, -8, ATOMIC_XCHG) // r2 = 15, [-8] = 7
                .mov(0, 7).mov(3, 100).atomic(SIZE_DW, 10, 3, -8, ATOMIC_CMPXCHG) // r0 = 7, [-8] = 100
                .ldx(SIZE_DW, 4, 10, -8)
                .alu64x(ALU_ADD, 0, 1).alu64x(ALU_ADD, 0, 2).alu64x(ALU_ADD, 0, 4).exit();
        assertEquals(7 + 10 + 15 + 100, Runs.run(a.build()));
        BpfFault f = assertThrows(BpfFault.class, () -> Runs.run(new Asm().mov(1, 1)
                .atomic(SIZE_W, 10, 1, -6, ATOMIC_ADD).exit().build()));
        assertEquals(FaultKind.MISALIGNED, f.kind());
        assertEquals(1, f.pc());
    }

    @Test
    void helpersAndLocalCalls() {
        HelperTable helpers = HelperTable.of(List.of(new HelperSpec(7, "mul", List.of(ArgType.ANYTHING, ArgType.ANYTHING),
                (m, r1, r2, r3, r4, r5) -> r1 * r2)));
        // main: r1 = 6; r2 = 7; call 7; r6 = r0; r1 = r0; call local f; r0 += r6; exit
        // f: r0 = r1; r0 += 1; exit
        Asm a = new Asm().mov(1, 6).mov(2, 7).call(7).movx(6, 0).movx(1, 0).callLocal(2).alu64x(ALU_ADD, 0, 6).exit()
                .movx(0, 1).alu64(ALU_ADD, 0, 1).exit();
        assertEquals(42 + 43, Runs.run(Runs.jit(a.build(), helpers)));
        BpfFault f = assertThrows(BpfFault.class, () -> Runs.run(new Asm().mov(0, 0).call(99).exit().build()));
        assertEquals(FaultKind.HELPER, f.kind());
        assertEquals(1, f.pc());
    }

    @Test
    void javaExceptionsFromHelpersBecomeFaultsAtTheCall() {
        HelperTable helpers = HelperTable.of(List.of(
                new HelperSpec(1, "fails", List.of(), (m, r1, r2, r3, r4, r5) -> {
                    throw new IllegalStateException("broken helper");
                }),
                new HelperSpec(2, "overflows", List.of(), (m, r1, r2, r3, r4, r5) -> {
                    throw new StackOverflowError();
                })));
        BpfFault failed = assertThrows(BpfFault.class, () -> Runs.run(Runs.jit(new Asm().mov(0, 0).call(1).exit()
                .build(), helpers)));
        assertEquals(FaultKind.HELPER, failed.kind());
        assertEquals(1, failed.pc());
        BpfFault overflow = assertThrows(BpfFault.class, () -> Runs.run(Runs.jit(new Asm().mov(0, 0).mov(1, 0)
                .call(2).exit().build(), helpers)));
        assertEquals(FaultKind.INTERNAL, overflow.kind());
        assertEquals(2, overflow.pc());
    }

    @Test
    void recursionStopsAtEightFrames() {
        // f: call f (itself) forever.
        BpfFault f = assertThrows(BpfFault.class, () -> Runs.run(new Asm().callLocal(-1).exit().build()));
        assertEquals(FaultKind.CALL_DEPTH, f.kind());
        assertEquals(0, f.pc());
        assertEquals("more than 8 call frames", f.detail()); // BpfFault.callDepth(), as on the interpreter
    }

    @Test
    void localFramesAreSeparate() {
        // main stores 1 at [r10-8], calls f which stores 2 at its [r10-8]; main reads 1 back.
        Asm a = new Asm().st(SIZE_DW, 10, -8, 1).callLocal(2).ldx(SIZE_DW, 0, 10, -8).exit()
                .st(SIZE_DW, 10, -8, 2).exit();
        assertEquals(1, Runs.run(a.build()));
    }

    @Test
    void mul32Wraps() {
        assertEquals(0xfffffffeL, Runs.run(new Asm().mov(0, 0x7fffffff).alu32(ALU_MUL, 0, 2).exit().build()));
    }
}
