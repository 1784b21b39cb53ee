package dev.jvmbpf.conformance;

import dev.jvmbpf.testing.SharedData;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jvmbpf.jit.JitEngine;
import dev.jvmbpf.runtime.interp.Interpreter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every shared vector (../shared/bpf_conformance/tests) and every project vector on the JIT
 * alone, and compared with the interpreter (same r0, memory, fault kind and pc).
 */
class JitVectorsTest {
    private static final ConformanceRunner JIT = new ConformanceRunner(List.of(new JitEngine()));
    private static final ConformanceRunner COMPARE = new ConformanceRunner(List.of(new Interpreter(), new JitEngine()));

    static List<VectorFiles.Entry> vectors() {
        List<VectorFiles.Entry> all = new ArrayList<>(SharedVectorsTest.vectors());
        all.addAll(OwnVectorsTest.vectors());
        return all;
    }

    @Test
    void theSharedSuiteIsComplete() {
        SharedData.CONFORMANCE.require("tests");
        assertEquals(313, SharedVectorsTest.vectors().size());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void passesOnTheJit(VectorFiles.Entry entry) {
        Outcome o = JIT.run(entry);
        assertEquals(Outcome.Status.PASS, o.status(), o.line());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void jitAgreesWithTheInterpreter(VectorFiles.Entry entry) {
        Outcome o = COMPARE.run(entry);
        assertEquals(Outcome.Status.PASS, o.status(), o.line());
    }

}
