package dev.jvmbpf.conformance.kernel;

import dev.jvmbpf.kernel.testing.KernelRequired;
import dev.jvmbpf.testing.SharedData;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.conformance.ConformanceRunner;
import dev.jvmbpf.conformance.Engines;
import dev.jvmbpf.conformance.Outcome;
import dev.jvmbpf.conformance.VectorFiles;
import dev.jvmbpf.kernel.KernelBpf;
import dev.jvmbpf.runtime.exec.Engine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every shared vector on every registered engine and the kernel: the engines must agree with
 * each other and with the kernel on every vector the kernel accepts.
 */
class SharedVectorsOnKernelTest {
    @Test
    void allEnginesAgreeWithTheKernel() {
        KernelRequired.assume("shared vectors on the kernel");
        Path dir = SharedData.CONFORMANCE.require("tests");
        List<VectorFiles.Entry> entries = VectorFiles.collect(List.of(dir));
        assertEquals(313, entries.size(), "shared vectors in " + dir);

        List<Engine> engines = new ArrayList<>();
        for (String name : Engines.names()) {
            engines.add(Engines.create(name));
        }
        List<String> names = engines.stream().map(Engine::name).toList();
        assertTrue(names.contains("kernel") && names.size() > 1, "engines: " + names);

        List<String> failures = new ArrayList<>();
        List<String> rejected = new ArrayList<>();
        int passed = 0;
        for (VectorFiles.Entry e : entries) {
            Outcome o = new ConformanceRunner(engines).run(e);
            switch (o.status()) {
                case PASS -> {
                    passed++;
                    if (o.detail().contains("kernel verifier rejected")) {
                        rejected.add(o.name() + ": " + o.detail());
                    }
                }
                case FAIL -> failures.add(o.line());
                case SKIP -> rejected.add(o.name() + ": " + o.detail());
            }
        }
        System.out.println("shared vectors on " + names + " (" + KernelBpf.kernelDescription() + "): " + passed
                + " passed, " + failures.size() + " failed, " + rejected.size() + " rejected by the kernel:");
        rejected.forEach(r -> System.out.println("  " + r));
        assertEquals(List.of(), failures);
        // The kernel refuses out-of-range shift immediates and callx by design, nothing else here.
        assertTrue(rejected.stream().allMatch(r -> r.contains("invalid shift") || r.contains("unknown opcode 8d")),
                String.join("\n", rejected));
    }
}
