package dev.jvmbpf.conformance.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.jvmbpf.conformance.ConformanceRunner;
import dev.jvmbpf.conformance.Engines;
import dev.jvmbpf.conformance.Outcome;
import dev.jvmbpf.conformance.VectorFiles;
import dev.jvmbpf.kernel.KernelBpf;
import dev.jvmbpf.runtime.exec.Engine;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * Vectors the fuzzer found, kept as regressions: jvmbpf's engines must give the instruction-set
 * result. Some record divergences of the kernel itself; what the kernel does is printed, not asserted.
 */
class FuzzFindingsTest {
    private static List<VectorFiles.Entry> findings() throws URISyntaxException {
        Path dir = Path.of(Objects.requireNonNull(FuzzFindingsTest.class.getResource("/fuzz-findings")).toURI());
        return VectorFiles.collect(List.of(dir));
    }

    @Test
    void jvmbpfEnginesGiveTheInstructionSetResult() throws URISyntaxException {
        List<VectorFiles.Entry> entries = findings();
        assertFalse(entries.isEmpty());
        List<Engine> engines = new ArrayList<>();
        for (String name : Engines.names()) {
            if (!name.equals("kernel")) {
                engines.add(Engines.create(name));
            }
        }
        for (VectorFiles.Entry e : entries) {
            for (Engine engine : engines) {
                Outcome o = new ConformanceRunner(List.of(engine)).run(e);
                assertEquals(Outcome.Status.PASS, o.status(), engine.name() + ": " + o.line());
            }
            if (KernelBpf.availability().available()) {
                Outcome k = new ConformanceRunner(List.of(Engines.create("kernel"))).run(e);
                System.out.println("fuzz finding on " + KernelBpf.kernelDescription() + ": " + k.line());
            }
        }
    }
}
