package dev.jvmbpf.runtime.verifier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.runtime.exec.HelperSpec;
import dev.jvmbpf.runtime.exec.HelperTable;
import dev.jvmbpf.runtime.isa.Assembler;
import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.program.BpfProgram;
import java.util.List;
import org.junit.jupiter.api.Test;

class VerifierTest {
    static final HelperTable HELPERS = HelperTable.of(List.of(
            new HelperSpec(5, "five", List.of(), (m, a, b, c, d, e) -> 0),
            new HelperSpec(14, "get_current_pid_tgid", List.of(), (m, a, b, c, d, e) -> 0)));

    static VerifiedProgram verify(String asm) {
        return Verifier.verify(BpfProgram.raw("t", Assembler.assemble(asm)), HELPERS);
    }

    static String rejection(String asm) {
        return assertThrows(VerifierException.class, () -> verify(asm)).getMessage();
    }

    @Test
    void acceptsAndCountsSubprograms() {
        VerifiedProgram v = verify("""
                call local f
                exit
                f:
                mov %r0, 1
                exit
                """);
        assertArrayEquals(new int[] {0, 2}, v.subprogramEntries());
        assertEquals(1, v.subprogramOf(3));
        assertTrue(v.isBranchTarget(2));
        assertFalse(v.isBranchTarget(1));
    }

    @Test
    void refusesUnreachableInstructionsAndMarksTheReachable() {
        // As the kernel's check_cfg: an instruction no edge of the graph leads to is refused.
        assertEquals("pc 1 (r0 = 1): unreachable insn 1", assertThrows(VerifierException.class,
                () -> verify("ja +1\nmov %r0, 1\nlddw %r0, 5\nexit")).getMessage());
        VerifiedProgram v = verify("""
                ja +0
                lddw %r0, 5
                exit
                """);
        assertTrue(v.isReachable(0));
        assertTrue(v.isReachable(1));
        assertFalse(v.isReachable(2), "second slot of lddw");
        assertTrue(v.isReachable(3));
    }

    @Test
    void recordsFrameRelativeAccesses() {
        VerifiedProgram v = verify("""
                stxdw [%r10-8], %r1
                mov %r2, %r10
                add %r2, -16
                stw [%r2+4], 7
                mov %r3, -24
                mov %r4, %r10
                add %r4, %r3
                ldxdw %r0, [%r4]
                lock add [%r4+8], %r1
                ldxdw %r0, [%r1]
                exit
                """);
        assertEquals(-8, v.stackOffset(0));
        assertEquals(-12, v.stackOffset(3));
        assertEquals(-24, v.stackOffset(7));
        assertEquals(-16, v.stackOffset(8));
        assertFalse(v.isStackAccess(9));
        assertEquals(24, v.stackDepths()[0]);
    }

    @Test
    void forgetsValuesThatDifferBetweenPaths() {
        VerifiedProgram v = verify("""
                mov %r2, %r10
                jeq %r1, 0, L
                add %r2, -8
                L:
                stb [%r2-1], 1
                mov %r3, %r10
                jeq %r1, 0, M
                add %r1, 1
                M:
                stb [%r3-1], 1
                call 5
                mov %r3, %r10
                mov %r4, 0
                loop:
                add %r3, -8
                stxdw [%r3+0], %r0
                add %r4, 1
                jlt %r4, 4, loop
                exit
                """);
        assertFalse(v.isStackAccess(3), "r2 is r10 on one path and r10 - 8 on the other");
        assertEquals(-1, v.stackOffset(7), "r3 is r10 on both paths");
        assertFalse(v.isStackAccess(12), "the loop moves r3");
    }

    @Test
    void refusesStructuralErrors() {
        assertEquals("pc 0 (goto +5): jump out of range from insn 0 to 6: jump target 6 is outside the main program (pcs 0 to 1)", rejection("ja +5\nexit"));
        assertEquals("pc 0 (goto +1): jump target 2 is the second slot of a lddw",
                rejection("ja +1\nlddw %r0, 1\nexit"));
        assertEquals("pc 0 (r0 = 1): the last instruction of the main program must be exit or an unconditional jump"
                + " (execution would fall off its end)", rejection("mov %r0, 1"));
        assertEquals("pc 0 (r10 = 1): frame pointer is read only", rejection("mov %r10, 1\nexit"));
        assertEquals("pc 0 (r10 = *(u64 *)(r1 + 0)): frame pointer is read only", rejection("ldxdw %r10, [%r1]\nexit"));
        assertEquals("pc 0 (call 6): unknown helper id 6", rejection("call 6\nexit"));
        assertEquals("pc 0 (call kfunc 0): invalid kernel function call not eliminated in verifier pass",
                rejection("call kfunc 0\nexit"));
        assertEquals("pc 0 (call pc+5): call target 6 is outside the program (0 to 1)", rejection("call local +5\nexit"));
        assertEquals("pc 2 (goto -3): jump out of range from insn 2 to 0: jump target 0 is outside the function at pc 2 (pcs 2 to 3)",
                rejection("call local +1\nexit\nja -3\nexit"));
    }

    @Test
    void refusesBadStackAccesses() {
        assertEquals("pc 0 (*(u64 *)(r10 - 520) = r1): invalid write to stack R10 off=-520 size=8;"
                + " 8-byte stack access at r10 - 520 is outside the frame [-512, 0)",
                rejection("stxdw [%r10-520], %r1\nexit"));
        assertEquals("pc 0 (r0 = *(u64 *)(r10 + 8)): invalid read from stack R10 off=8 size=8;"
                + " 8-byte stack access at r10 + 8 is outside the frame [-512, 0)", rejection("ldxdw %r0, [%r10+8]\nexit"));
        assertEquals("pc 0 (r0 = *(u32 *)(r10 - 2)): misaligned stack access off 0+0+-2 size 4",
                rejection("ldxw %r0, [%r10-2]\nexit"));
        assertEquals("pc 2 (*(u8 *)(r1 + 0) = 1): invalid write to stack R1 off=0 size=1;"
                + " 1-byte stack access at r10 + 0 is outside the frame [-512, 0) (r1 = r10 + 0)", rejection("mov %r1, %r10\nja +0\nstb [%r1], 1\nexit"));
    }

    @Test
    void refusesFramePointerArithmetic() {
        assertEquals("pc 0 (r0 |= r10): Invalid use of the frame pointer r10: only a mov, a 64-bit add or a sub may read it",
                rejection("or %r0, %r10\nexit"));
        assertEquals("pc 1 (r1 += r10): R1 pointer += pointer prohibited", rejection("mov %r1, %r10\nadd %r1, %r10\nexit"));
        verify("mov %r1, %r10\nadd %r1, -8\nmov %r0, 0\nexit");
    }

    @Test
    void refusesMapFileDescriptors() {
        // Resolved before any path is followed, as the kernel's resolve_pseudo_ldimm64: dead code too.
        assertEquals("pc 1 (r1 = map_fd(1) ll): fd 1 is not pointing to valid bpf_map (programs here name"
                + " their maps by index, not by file descriptor)",
                rejection("mov %r0, 0\nldmapfd %r1, 1\nexit"));
        assertEquals("pc 1 (r1 = map_fd(1) ll): fd 1 is not pointing to valid bpf_map (programs here name"
                + " their maps by index, not by file descriptor)",
                rejection("ja +2\nldmapfd %r1, 1\nmov %r0, 0\nexit"));
    }

    @Test
    void refusesRecursionAndDeepCalls() {
        assertEquals("pc 2 (call pc-1): the call stack of 8 frames is too deep !"
                + " (recursive call to the function at pc 2)",
                rejection("call local f\nexit\nf:\ncall local f\nexit"));
        StringBuilder chain = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            chain.append("call local f").append(i).append("\nexit\nf").append(i).append(":\n");
        }
        chain.append("mov %r0, 0\nexit\n");
        assertEquals("pc 14 (call pc+1): the call stack of 8 frames is too deep ! (a call chain needs more than 8 frames)",
                rejection(chain.toString()));
        // Seven calls deep is eight frames: allowed.
        verify(chain.substring(chain.indexOf("f0:") + 4));
    }

    @Test
    void refusesInvalidInstructionsAndSizes() {
        VerifierException e = assertThrows(VerifierException.class, () -> Verifier.verify(BpfProgram.raw("t",
                new Instruction[] {Instruction.of(0x07, 0, 0, 1, 1), Instruction.of(0x95, 0, 0, 0, 0)}), HELPERS));
        assertEquals("pc 0 (<invalid: 07 00 01 00 01 00 00 00>): add64 with immediate must have offset 0 (found 1)",
                e.getMessage());
        assertEquals("program has no instructions",
                assertThrows(VerifierException.class, () -> Verifier.verify(BpfProgram.raw("t", new Instruction[0]),
                        HELPERS)).getMessage());
        Instruction[] huge = new Instruction[Verifier.MAX_INSTRUCTIONS + 1];
        java.util.Arrays.fill(huge, Instruction.of(0x95, 0, 0, 0, 0));
        assertEquals("program has 1000001 instructions, more than 1000000",
                assertThrows(VerifierException.class, () -> Verifier.verify(BpfProgram.raw("t", huge), HELPERS))
                        .getMessage());
    }
}
