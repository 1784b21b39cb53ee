package dev.jvmbpf.engines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.Bpf;
import dev.jvmbpf.Program;
import dev.jvmbpf.helpers.StandardHelpers;
import dev.jvmbpf.jit.JitEngine;
import dev.jvmbpf.jit.internal.ClassDefiner;
import dev.jvmbpf.runtime.exec.Engine;
import dev.jvmbpf.runtime.interp.Interpreter;
import dev.jvmbpf.runtime.isa.Assembler;
import dev.jvmbpf.runtime.memory.BpfFault;
import dev.jvmbpf.runtime.memory.FaultKind;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.verifier.Verifier;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A bpf_loop whose callback the verifier knows runs inline in the caller's method (the callback's
 * method called directly): the same results, faults and frame contents as through the helper,
 * which the interpreter always uses.
 */
class InlineLoopTest {
    /**
     * bpf_loop(COUNT, cb, &total, FLAGS) with total at r10 - 8; r0 = (calls made << 32) | total.
     * The callback adds its index to the total and stops after index STOP.
     */
    private static String loop(String count, String flags, long stop) {
        return """
                stdw [%r10-8], 0
                """ + count + """
                ldfunc %r2, cb
                mov %r3, %r10
                add %r3, -8
                """ + flags + """
                call 181
                ldxdw %r1, [%r10-8]
                lsh %r0, 32
                or %r0, %r1
                exit
                cb:
                ldxdw %r0, [%r2]
                add %r0, %r1
                stxdw [%r2], %r0
                mov %r0, 0
                jne %r1, STOP, +1
                mov %r0, 1
                exit
                """.replace("STOP", Long.toString(stop));
    }

    private static final String SUM_1000 = loop("mov %r1, 1000\n", "mov %r4, 0\n", -1);

    private static Program load(Engine engine, String asm) {
        return Bpf.of(BpfProgram.raw("t", Assembler.assemble(asm))).engine(engine).load().program();
    }

    /** The result on the JIT, after checking that the interpreter gives the same. */
    private static long agreed(String asm) {
        long expected = load(new Interpreter(), asm).run();
        assertEquals(expected, load(new JitEngine(), asm).run());
        return expected;
    }

    private static boolean callsTheHelper(String asm) {
        byte[] bytes = ClassDefiner.classBytes(Verifier.verifyOrUnverified(BpfProgram.raw("t", Assembler.assemble(asm)), StandardHelpers.table()), StandardHelpers.table());
        return new String(bytes, StandardCharsets.ISO_8859_1).contains("H" + StandardHelpers.LOOP);
    }

    @Test
    void runsEveryIteration() {
        assertFalse(callsTheHelper(SUM_1000), "the loop should run inline");
        assertEquals((1000L << 32) | 499_500, agreed(SUM_1000));
    }

    @Test
    void stopsAfterTheCallThatReturnsNonZero() {
        assertEquals((4L << 32) | 6, agreed(loop("mov %r1, 10\n", "mov %r4, 0\n", 3)));
        assertEquals((1L << 32) | 0, agreed(loop("mov %r1, 10\n", "mov %r4, 0\n", 0)));
    }

    @Test
    void countsAndFlagsAsTheHelperDoes() {
        // No iteration.
        assertEquals(0, agreed(loop("mov %r1, 0\n", "mov %r4, 0\n", -1)));
        // Flags must be 0: -EINVAL, and the callback never runs.
        assertEquals(-22L << 32, agreed(loop("mov %r1, 5\n", "mov %r4, 1\n", -1)));
        // More than 2^23 iterations: -E2BIG; exactly 2^23 is allowed (stopped early here).
        assertEquals(-7L << 32, agreed(loop("mov %r1, 0x800001\n", "mov %r4, 0\n", -1)));
        assertEquals((3L << 32) | 3, agreed(loop("mov %r1, 0x800000\n", "mov %r4, 0\n", 2)));
        // Only the low 32 bits of the count count.
        assertEquals((5L << 32) | 10, agreed(loop("lddw %r1, 0x100000005\n", "mov %r4, 0\n", -1)));
    }

    @Test
    void aCallbackThatReadsItsUnwrittenStackSeesZerosOnEveryCall() {
        String asm = """
                stdw [%r10-8], 0
                mov %r1, 4
                ldfunc %r2, cb
                mov %r3, %r10
                add %r3, -8
                mov %r4, 0
                call 181
                ldxdw %r0, [%r10-8]
                exit
                cb:
                ldxdw %r3, [%r10-8]
                ldxdw %r4, [%r2]
                add %r4, %r3
                stxdw [%r2], %r4
                stdw [%r10-8], 9
                mov %r0, 0
                exit
                """;
        assertTrue(load(new JitEngine(), asm).verified().readsUnwrittenStack());
        assertFalse(callsTheHelper(asm));
        assertEquals(0, agreed(asm));
    }

    @Test
    void aBudgetRunsOutInsideTheCallback() {
        BpfFault[] faults = new BpfFault[2];
        Engine[] engines = {new Interpreter(), new JitEngine()};
        for (int i = 0; i < 2; i++) {
            Program p = Bpf.of(BpfProgram.raw("t", Assembler.assemble(SUM_1000))).engine(engines[i]).budget(500).load().program();
            faults[i] = assertThrows(BpfFault.class, p::run, engines[i].name());
            assertEquals(FaultKind.BUDGET_EXHAUSTED, faults[i].kind(), engines[i].name());
        }
        // The JIT charges a block's instructions when it enters the block, so it names the block's
        // first pc where the interpreter names the instruction that went over: both in the callback.
        for (BpfFault f : faults) {
            assertTrue(f.pc() >= 12, f.pc() + " is not in the callback");
        }
        assertTrue(faults[1].getMessage().endsWith(": more than 500 instructions"), faults[1].getMessage());
    }

    @Test
    void callbacksThatDifferByPathGoThroughTheHelper() {
        // The callback depends on the input's length, which the verifier cannot know.
        String asm = """
                stdw [%r10-8], 0
                mov %r6, %r2
                mov %r1, 3
                ldfunc %r2, cb
                jeq %r6, 0, +2
                ldfunc %r2, cb2
                mov %r3, %r10
                add %r3, -8
                mov %r4, 0
                call 181
                ldxdw %r0, [%r10-8]
                exit
                cb:
                ldxdw %r0, [%r2]
                add %r0, 1
                stxdw [%r2], %r0
                mov %r0, 0
                exit
                cb2:
                ldxdw %r0, [%r2]
                add %r0, 5
                stxdw [%r2], %r0
                mov %r0, 0
                exit
                """;
        assertTrue(callsTheHelper(asm));
        // Run with no input: r2 (the input's length) is 0, so cb runs.
        assertEquals(3, agreed(asm));
    }
}
