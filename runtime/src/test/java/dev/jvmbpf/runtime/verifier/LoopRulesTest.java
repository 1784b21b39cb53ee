package dev.jvmbpf.runtime.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The kernel's rules on control flow: unreachable code and loops that never end (verifier_cfg, verifier_loops1). */
class LoopRulesTest {
    @Test
    void everyInstructionIsReachableInTheGraph() {
        assertEquals("pc 2 (exit): unreachable insn 2", KernelRulesTest.reject("mov %r0, 0\nexit\nexit"));
        // reachable by the graph, though no path takes it: the kernel's check_cfg is not path-sensitive
        KernelRulesTest.accept("mov %r0, 0\njeq %r0, 0, +1\nmov %r0, 1\nexit");
    }

    @Test
    void aLoopBackToTheSameStateIsInfinite() {
        assertEquals("pc 1 (goto +0): infinite loop detected at insn 1",
                KernelRulesTest.reject("mov %r0, 0\nja +0\njlt %r0, 4, -2\nexit"));
        // the same loop that counts to 4 ends
        KernelRulesTest.accept("mov %r0, 0\nadd %r0, 1\njlt %r0, 4, -2\nexit");
    }

    @Test
    void aStateOfThePathsOwnLoopDoesNotEndIt() {
        // r2 and r3 are not set at the first visit of pc 1, which would cover every later one: the
        // kernel follows the loop on to the repeat (the context is never proven non-null).
        assertEquals("pc 1 (r2 = r0): infinite loop detected at insn 1",
                KernelRulesTest.reject("mov %r0, %r1\nmov %r2, %r0\nmov %r3, %r0\njeq %r1, 0, -3\nexit"));
    }

    @Test
    void aLoopIsFollowedAsTheKernelFollowsIt() {
        // Counted past the kernel's budget of 1,000,000 instructions, with a branch on an unknown
        // value in it (the kernel goes on with the fall-through side first).
        String refusal = KernelRulesTest.reject("mov %r0, 0\nldxw %r2, [%r1+0]\nmov %r1, 0\nadd %r1, 1\n"
                + "jgt %r2, 5, +1\nmov %r0, 1\njlt %r1, 600000, -4\nexit");
        assertEquals("BPF program is too large. Processed 1000001 insn", refusal.substring(refusal.indexOf("): ") + 3));
        KernelRulesTest.accept("mov %r0, 0\nmov %r1, 0\nadd %r1, 1\njlt %r1, 100000, -2\nexit");
        // A counter kept in a narrow spill is followed as exactly.
        refusal = KernelRulesTest.reject("mov %r0, 0\nmov %r1, 0\nstxw [%r10-8], %r1\nldxw %r2, [%r10-8]\n"
                + "add %r1, 1\njlt %r1, 400000, -4\nexit");
        assertEquals("BPF program is too large. Processed 1000001 insn", refusal.substring(refusal.indexOf("): ") + 3));
        // A loop left, then one whose state repeats: found however long the first one runs.
        assertEquals("pc 3 (if r1 == 0x0 goto +1): infinite loop detected at insn 3",
                KernelRulesTest.reject("mov %r1, 0\nadd %r1, 2\njlt %r1, 0x80000, -2\njeq %r1, 0, +1\nja -2\n"
                        + "mov %r0, 0\nexit"));
        // Data stored on the stack (not a spill) is known as the kernel knows it: the repeat is found.
        assertEquals("pc 2 (if r1 < 0x0 goto -1): infinite loop detected at insn 2",
                KernelRulesTest.reject("mov %r0, 0\nstw [%r10-4], 1\njlt %r1, 0, -1\nexit"));
        // Zero bytes on the stack are known exactly: the repeat is found.
        assertEquals("pc 2 (if r1 < 0x1 goto -1): infinite loop detected at insn 2",
                KernelRulesTest.reject("stw [%r10-4], 0\nmov %r1, 0\njlt %r1, 1, -1\nmov %r0, 0\nexit"));
    }

    @Test
    void mayGotoLoopsEndButItsBudgetPathMustNotLoop() {
        KernelRulesTest.accept("mov %r0, 0\nmay_goto +2\nadd %r0, 1\nja -3\nexit");
        String message = TypeCheckTest.reject(dev.jvmbpf.runtime.program.ProgramType.SOCKET_FILTER,
                "lddw %r0, 0x56414c0000020000\nmay_goto -3\njgt %r0, 10, -2\nmov %r0, 0\nexit");
        assertEquals("infinite loop detected at insn 2", message.substring(message.indexOf("): ") + 3));
    }

    @Test
    void aLoopNoPathLeavesIsRefusedWhereAPathReachesIt() {
        // Followed as the kernel follows it (run ahead from the loop head), it is refused in its words.
        assertEquals("pc 2 (r0 += 1): BPF program is too large. Processed 1000001 insn",
                KernelRulesTest.reject("mov %r0, 5\njlt %r0, 4, +2\nadd %r0, 1\nja -2\nexit"));
        // Not followed as the kernel does (neg makes r0 imprecise here), it is still refused.
        assertEquals("pc 3 (r0 += 1): BPF program is too large: no path from insn 3 reaches an exit (an infinite loop)",
                KernelRulesTest.reject("ldxw %r0, [%r1+0]\nneg %r0\njlt %r0, 4, +2\nadd %r0, 1\nja -2\nexit"));
        KernelRulesTest.accept("mov %r0, 5\njlt %r0, 4, +1\nexit\nja -1");
    }
}
