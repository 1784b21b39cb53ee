package dev.jvmbpf.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.runtime.interp.Interpreter;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** This project's vectors (src/test/resources/vectors), for what the public suite lacks. */
class OwnVectorsTest {
    private static final ConformanceRunner RUNNER = new ConformanceRunner(List.of(new Interpreter()));

    static Path directory() {
        try {
            return Path.of(OwnVectorsTest.class.getResource("/vectors").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<VectorFiles.Entry> vectors() {
        return VectorFiles.collect(List.of(directory()));
    }

    @Test
    void thereAreAtLeastFortyAndNoneIsSkipped() {
        List<VectorFiles.Entry> all = vectors();
        assertTrue(all.size() >= 40, "only " + all.size() + " vectors");
        for (VectorFiles.Entry e : all) {
            Outcome o = RUNNER.run(e);
            assertTrue(o.status() != Outcome.Status.SKIP, o.line());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void passesOnTheInterpreter(VectorFiles.Entry entry) {
        Outcome o = RUNNER.run(entry);
        assertEquals(Outcome.Status.PASS, o.status(), o.line());
    }
}
