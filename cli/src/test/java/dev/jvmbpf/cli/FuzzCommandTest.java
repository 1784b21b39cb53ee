package dev.jvmbpf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.kernel.KernelBpf;
import dev.jvmbpf.kernel.testing.KernelRequired;
import org.junit.jupiter.api.Test;

class FuzzCommandTest {
    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void endsWithTheSummaryLineAndCountsPerEngine() {
        CliRun r = run("fuzz", "--seed", "5", "--count", "1200", "--engines", "interpreter");
        assertEquals(0, r.status(), r.err());
        assertEquals("1200 programs, 0 rejected by the kernel, 0 mismatches", r.lastLine());
        assertTrue(r.out().contains("interpreter: 1200 returned, 0 faulted, 0 rejected, 0 crashed, 0 disagreed"), r.out());
        assertTrue(r.err().contains("fuzz: 1000/1200 programs"), r.err());
    }

    @Test
    void againstTheKernelWhenItIsAvailable() {
        KernelRequired.assume("fuzz against the kernel");
        CliRun r = run("fuzz", "--seed", "6", "--count", "300", "--engines", "interpreter,kernel");
        assertEquals(0, r.status(), r.out() + r.err());
        assertTrue(r.lastLine().matches("300 programs, \\d+ rejected by the kernel, 0 mismatches"), r.lastLine());
        assertTrue(r.err().contains("kernel: " + KernelBpf.kernelDescription()), r.err());
    }

    @Test
    void unknownEngineIsAUsageError() {
        CliRun r = run("fuzz", "--count", "1", "--engines", "interpreter,nosuch");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("unknown engine 'nosuch'"), r.err());
    }
}
