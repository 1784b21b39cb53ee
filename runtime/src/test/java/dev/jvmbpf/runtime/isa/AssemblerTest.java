package dev.jvmbpf.runtime.isa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Encodings of the conformance syntax that the vectors rely on. */
class AssemblerTest {

    private static Instruction one(String asm) {
        return Assembler.assemble(asm)[0];
    }

    private static String error(String asm) {
        return assertThrows(AssemblyException.class, () -> Assembler.assemble(asm)).getMessage();
    }

    @Test
    void encodesTheKernelAdditions() {
        assertEquals(Instruction.of(0x8d, 2, 0, 0, 0), one("call %r2"));
        assertEquals(Instruction.of(0x85, 0, 1, 0, 1), one("call local f\nexit\nf:\nexit"));
        assertEquals(Instruction.of(0x85, 0, 2, 0, 7), one("call runtime 7"));
        assertEquals(Instruction.of(0x06, 0, 0, 0, 1), one("ja32 L\nexit\nL:\nexit"));
        assertEquals(Instruction.of(0xbc, 2, 1, 8, 0), one("movsx832 %r2, %r1"));
        assertEquals(Instruction.of(0xbf, 0, 9, 32, 0), one("movsx3264 %r0, %r9"));
        assertEquals(Instruction.of(0xd7, 0, 0, 0, 16), one("swap16 %r0"));
        assertEquals(Instruction.of(0xdc, 3, 0, 0, 32), one("be32 %r3"));
        assertEquals(Instruction.of(0xd4, 3, 0, 0, 64), one("le64 %r3"));
        assertEquals(Instruction.of(0x3f, 0, 1, 1, 0), one("sdiv %r0, %r1"));
        assertEquals(Instruction.of(0x94, 0, 0, 1, 3), one("smod32 %r0, 3"));
        assertEquals(Instruction.of(0x91, 0, 10, -1, 0), one("ldxsb %r0, [%r10-1]"));
        assertEquals(Instruction.of(0xc3, 10, 1, -8, 0xa1), one("lock fetch xor32 [%r10-8], %r1"));
        assertEquals(Instruction.of(0xdb, 10, 1, -8, 0xf1), one("lock cmpxchg [%r10-8], %r1"));
        assertEquals(Instruction.of(0xe5, 0, 0, -1, 0), one("may_goto -1"));
    }

    @Test
    void resolvesLabelsAndTheImplicitExitLabel() {
        Instruction[] p = Assembler.assemble("""
                jeq %r1, 0, exit   # forward to the first exit
                L1: add %r0, 1
                jne %r0, 3, L1
                exit
                """);
        assertEquals(2, p[0].offset());
        assertEquals(-2, p[2].offset());
    }

    @Test
    void lddwTakesTwoSlots() {
        assertArrayEquals(new Instruction[] {Instruction.of(0x18, 1, 0, 0, 0x55667788), Instruction.of(0, 0, 0, 0, 0x11223344)},
                Assembler.assemble("lddw %r1, 0x1122334455667788"));
        assertArrayEquals(new Instruction[] {Instruction.of(0x18, 1, 0, 0, -1), Instruction.of(0, 0, 0, 0, -1)},
                Assembler.assemble("lddw %r1, -1"));
    }

    @Test
    void reportsErrorsWithTheLine() {
        assertEquals("line 2: Invalid register %r11 (expected %r0 to %r10)", error("exit\nmov %r11, 1"));
        assertEquals("line 1: Invalid mnemonic foo", error("foo %r1"));
        assertEquals("line 1: Invalid number of operands for lock", error("lock"));
        assertEquals("line 1: Invalid number of operands for add: expected 2, found 3", error("add %r1, 1, 2"));
        assertEquals("line 3: Duplicate label L", error("L:\nexit\nL:\nexit"));
        assertEquals("line 1: Invalid immediate 0x1g", error("mov %r0, 0x1g"));
        assertEquals("line 1: Invalid offset -32769: out of the signed 16-bit range", error("ja -32769"));
        assertEquals("line 1: Invalid call mode far (expected helper, local, runtime or kfunc)", error("call far 1"));
    }
}
