package dev.jvmbpf.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.conformance.vector.Vector;
import dev.jvmbpf.conformance.vector.VectorParser;
import dev.jvmbpf.runtime.exec.Engine;
import dev.jvmbpf.runtime.exec.Executable;
import dev.jvmbpf.runtime.exec.HelperTable;
import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.interp.Interpreter;
import dev.jvmbpf.runtime.memory.FaultKind;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.verifier.VerifiedProgram;
import java.nio.file.Path;
import java.util.List;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.Test;

class ConformanceRunnerTest {
    private static final Engine INTERPRETER = new Interpreter();

    private static Vector vector(String text) {
        return assertInstanceOf(Vector.class, VectorParser.parse("t", Path.of("t.data"), text));
    }

    /** The interpreter with its result bent, or its memory scribbled on, to stand for a buggy engine. */
    private static Engine bent(String name, LongUnaryOperator r0, boolean scribble) {
        return new Engine() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Executable load(VerifiedProgram program, HelperTable helpers) {
                Executable inner = INTERPRETER.load(program, helpers);
                return new Executable() {
                    @Override
                    public BpfProgram program() {
                        return program.program();
                    }

                    @Override
                    public HelperTable helpers() {
                        return helpers;
                    }

                    @Override
                    public long execute(Machine machine, long r1, long r2, long r3, long r4, long r5) {
                        long r = inner.execute(machine, r1, r2, r3, r4, r5);
                        if (scribble && r2 > 0) {
                            machine.memory().store8(r1, 0x5a);
                        }
                        return r0.applyAsLong(r);
                    }
                };
            }
        };
    }

    @Test
    void singleEngineReportsExpectedAndActual() {
        Outcome o = new ConformanceRunner(List.of(INTERPRETER)).run(vector("-- asm\nmov %r0, 3\nexit\n-- result\n4\n"));
        assertEquals(Outcome.Status.FAIL, o.status());
        assertEquals("FAIL t: expected 0x4 got 0x3", o.line());
    }

    @Test
    void compareFailsOnADifferentResultEvenWhenOneEngineIsRight() {
        Engine offByOne = bent("off-by-one", r -> r + 1, false);
        Outcome o = new ConformanceRunner(List.of(INTERPRETER, offByOne))
                .run(vector("-- asm\nmov %r0, 3\nexit\n-- result\n3\n"));
        assertEquals(Outcome.Status.FAIL, o.status());
        assertTrue(o.detail().contains("off-by-one: expected 0x3 got 0x4"), o.detail());
        assertTrue(o.detail().contains("engines differ: interpreter: 0x3 | off-by-one: 0x4"), o.detail());
    }

    @Test
    void compareFailsOnDifferentMemoryAfterwards() {
        Engine scribbler = bent("scribbler", r -> r, true);
        Outcome o = new ConformanceRunner(List.of(INTERPRETER, scribbler))
                .run(vector("-- asm\nmov %r0, 0\nexit\n-- mem\n00 01\n-- result\n0\n"));
        assertEquals(Outcome.Status.FAIL, o.status());
        assertTrue(o.detail().contains("interpreter: 0x0 mem [00 01] | scribbler: 0x0 mem [5a 01]"), o.detail());
        Outcome same = new ConformanceRunner(List.of(INTERPRETER, INTERPRETER))
                .run(vector("-- asm\nstb [%r1+0], 7\nmov %r0, 0\nexit\n-- mem\n00 01\n-- result\n0\n"));
        assertEquals(Outcome.Status.PASS, same.status(), same.line());
    }

    @Test
    void faultExpectationsCheckKindAndPc() {
        ConformanceRunner runner = new ConformanceRunner(List.of(INTERPRETER));
        // Loading through a scalar: the verifier would refuse it, so the vector skips it.
        String program = "-- asm\nmov %r0, 0\nldxw %r0, [%r0+0]\nexit\n-- unverified\n";
        assertEquals(Outcome.Status.PASS, runner.run(vector(program + "-- fault\nnull pointer at pc 1\n")).status());
        Outcome wrongKind = runner.run(vector(program + "-- fault\nout of bounds\n"));
        assertEquals(Outcome.Status.FAIL, wrongKind.status());
        assertTrue(wrongKind.detail().startsWith("expected fault out of bounds got fault null pointer at pc 1"),
                wrongKind.detail());
        Outcome noFault = runner.run(vector("-- asm\nexit\n-- fault\nnull pointer\n"));
        assertEquals(Outcome.Status.FAIL, noFault.status());
    }

    @Test
    void errorExpectationsMatchTheMessage() {
        ConformanceRunner runner = new ConformanceRunner(List.of(INTERPRETER));
        assertEquals(Outcome.Status.PASS, runner.run(vector("-- asm\nor %r0, %r50\nexit\n-- error\nInvalid register\n")).status());
        Outcome wrongText = runner.run(vector("-- asm\nor %r0, %r50\nexit\n-- error\nsomething else\n"));
        assertEquals(Outcome.Status.FAIL, wrongText.status());
        assertTrue(wrongText.detail().contains("Invalid register"), wrongText.detail());
        Outcome runs = runner.run(vector("-- asm\nmov %r0, 1\nexit\n-- error\n\n"));
        assertEquals("FAIL t: expected an error got 0x1", runs.line());
        // A reserved field that is not zero: the decoder refuses the raw bytes.
        assertEquals(Outcome.Status.PASS, runner.run(vector("-- raw\n07 00 01 00 01 00 00 00\n95 00 00 00 00 00 00 00\n-- error\n")).status());
    }

    @Test
    void faultedResultsCarryKindAndPc() {
        EngineResult r = new ConformanceRunner(List.of(INTERPRETER))
                .execute(INTERPRETER, vector("-- asm\nmov %r1, 1\ncall local f\nexit\nf:\ncall 77\nexit\n-- result\n0\n"
                        + "-- unverified\n"));
        EngineResult.Faulted f = assertInstanceOf(EngineResult.Faulted.class, r);
        assertEquals(FaultKind.HELPER, f.kind());
        assertEquals(3, f.pc());
    }

    @Test
    void theVerifierRefusesBeforeTheInterpreterAndTheJitLoad() {
        String program = "-- asm\nmov %r1, 1\ncall local f\nexit\nf:\ncall 77\nexit\n-- result\n0\n";
        ConformanceRunner runner = new ConformanceRunner(List.of(INTERPRETER));
        EngineResult.Rejected r = assertInstanceOf(EngineResult.Rejected.class, runner.execute(INTERPRETER, vector(program)));
        assertTrue(r.message().startsWith("pc 3 (call 77): ") && r.message().contains("helper"), r.message());
        assertEquals(Outcome.Status.PASS, runner.run(vector("-- asm\nor %r0, %r10\nexit\n-- error\nInvalid\n")).status());
    }

    @Test
    void helperFiveOfThePublicSuiteExists() {
        Outcome o = new ConformanceRunner(List.of(INTERPRETER)).run(vector("-- asm\nmov %r2, 5\ncallx %r2\nmov %r0, 2\nexit\n-- result\n2\n"));
        assertEquals(Outcome.Status.PASS, o.status(), o.line());
    }

    @Test
    void enginesByName() {
        assertEquals("interpreter", Engines.create("interpreter").name());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Engines.create("nope"));
        assertTrue(e.getMessage().contains("unknown engine 'nope'") && e.getMessage().contains("interpreter"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Engines.createAll("interpreter,,interpreter"));
        assertEquals(2, Engines.createAll("interpreter, interpreter").size());
    }

    @Test
    void summaryLine() {
        Summary s = new Summary(0, 0, 0).add(Outcome.pass("a")).add(Outcome.fail("b", "x")).add(Outcome.skip("c", "y"))
                .add(Outcome.pass("d"));
        assertEquals("2 passed, 1 failed, 1 skipped", s.line());
    }
}
