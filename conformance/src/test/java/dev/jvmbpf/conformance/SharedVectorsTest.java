package dev.jvmbpf.conformance;

import dev.jvmbpf.testing.SharedData;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jvmbpf.runtime.interp.Interpreter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The 313 vectors of the public bpf_conformance suite, beside the clone in ../shared, on the interpreter. */
class SharedVectorsTest {
    private static final ConformanceRunner RUNNER = new ConformanceRunner(List.of(new Interpreter()));

    /** The shared vectors' directory, or null (the caller skips, see {@link SharedData}) when absent. */
    static Path directory() {
        return SharedData.CONFORMANCE.present("tests") ? SharedData.CONFORMANCE.location().resolve("tests") : null;
    }

    static List<VectorFiles.Entry> vectors() {
        Path dir = directory();
        return dir == null ? List.of() : VectorFiles.collect(List.of(dir));
    }

    @Test
    void theWholeSuiteIsThere() {
        SharedData.CONFORMANCE.require("tests");
        assertEquals(313, vectors().size());
    }

    @ParameterizedTest(name = "{0}", allowZeroInvocations = true)
    @MethodSource("vectors")
    void passesOnTheInterpreter(VectorFiles.Entry entry) {
        Outcome o = RUNNER.run(entry);
        assertEquals(Outcome.Status.PASS, o.status(), o.line());
    }
}
