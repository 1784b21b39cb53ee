package dev.jvmbpf.conformance;

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

    static Path directory() {
        String root = System.getProperty("jvmbpf.root");
        if (root == null) {
            System.out.println("SKIPPED shared vectors: system property jvmbpf.root is not set (run through Maven)");
            return null;
        }
        Path dir = Path.of(root, "..", "shared", "bpf_conformance", "tests").normalize();
        if (!Files.isDirectory(dir)) {
            System.out.println("SKIPPED shared vectors: " + dir + " does not exist");
            return null;
        }
        return dir;
    }

    static List<VectorFiles.Entry> vectors() {
        Path dir = directory();
        return dir == null ? List.of() : VectorFiles.collect(List.of(dir));
    }

    @Test
    void theWholeSuiteIsThere() {
        Path dir = directory();
        Assumptions.assumeTrue(dir != null, "shared vectors unavailable");
        assertEquals(313, vectors().size());
    }

    @ParameterizedTest(name = "{0}", allowZeroInvocations = true)
    @MethodSource("vectors")
    void passesOnTheInterpreter(VectorFiles.Entry entry) {
        Outcome o = RUNNER.run(entry);
        assertEquals(Outcome.Status.PASS, o.status(), o.line());
    }
}
