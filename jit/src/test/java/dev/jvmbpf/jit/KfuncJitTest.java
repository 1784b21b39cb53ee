package dev.jvmbpf.jit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jvmbpf.runtime.exec.HelperTable;
import dev.jvmbpf.runtime.exec.LoadException;
import dev.jvmbpf.runtime.interp.Interpreter;
import dev.jvmbpf.runtime.verifier.VerifiedProgram;
import dev.jvmbpf.runtime.verifier.Verifier;
import dev.jvmbpf.testing.KfuncPrograms;
import org.junit.jupiter.api.Test;

/** Kfunc calls in JIT-compiled code: the same models as the interpreter's, through the helper path. */
class KfuncJitTest {
    /** sum of i * i over [START, END), inside an RCU read section; the stack above the iterator is used too. */
    private static final String SQUARES = """
            call kfunc 4
            mov %r1, 7
            stxdw [%r10-16], %r1
            mov %r1, %r10
            add %r1, -8
            mov %r2, START
            mov %r3, END
            call kfunc 1
            mov %r6, 0
            mov %r1, %r10
            add %r1, -8
            call kfunc 2
            jeq %r0, 0, +4
            ldxw %r1, [%r0]
            mul %r1, %r1
            add %r6, %r1
            ja -8
            mov %r1, %r10
            add %r1, -8
            call kfunc 3
            call kfunc 5
            ldxdw %r1, [%r10-16]
            add %r6, %r1
            mov %r0, %r6
            exit
            """;

    @Test
    void iteratorLoopsRunAsOnTheInterpreter() {
        for (int[] range : new int[][] {{0, 10}, {-3, 3}, {5, 5}, {9, 2}, {0, 100_000}}) {
            String asm = SQUARES.replace("START", Integer.toString(range[0])).replace("END", Integer.toString(range[1]));
            VerifiedProgram v = Verifier.verify(KfuncPrograms.program(asm), HelperTable.empty());
            long jit = Runs.run(new JitEngine().load(v, HelperTable.empty()));
            long interpreted = Runs.run(new Interpreter().load(v, HelperTable.empty()));
            long expected = 7;
            for (long i = range[0]; i < range[1]; i++) {
                long element = i & 0xffffffffL; // ldxw zero-extends
                expected += element * element;
            }
            assertEquals(expected, jit, "range " + range[0] + ".." + range[1]);
            assertEquals(interpreted, jit, "range " + range[0] + ".." + range[1]);
        }
    }

    @Test
    void anUnresolvedWeakKfuncBehindACheckLoadsAndRuns() {
        VerifiedProgram v = Verifier.verify(
                KfuncPrograms.program("mov %r0, 0\njeq %r0, 0, +1\ncall kfunc 0\nmov %r0, 5\nexit"), HelperTable.empty());
        assertEquals(5, Runs.run(new JitEngine().load(v, HelperTable.empty())));
        assertEquals(5, Runs.run(new Interpreter().load(v, HelperTable.empty())));
    }

    @Test
    void kfuncsWithoutAUserspaceModelAreRefusedAtLoad() {
        VerifiedProgram v = Verifier.verify(KfuncPrograms.program("call kfunc 9\nmov %r0, 0\nexit"), HelperTable.empty());
        LoadException e = assertThrows(LoadException.class, () -> new JitEngine().load(v, HelperTable.empty()));
        assertEquals("pc 0: kfunc bpf_cast_to_kern_ctx cannot run here: it returns a pointer to a kernel type,"
                + " which userspace does not lay out", e.getMessage());
    }
}
