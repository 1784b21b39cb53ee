package dev.jvmbpf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.kernel.KernelAvailability;
import dev.jvmbpf.kernel.KernelBpf;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class BenchCommandTest {
    private static final Path EXAMPLES = Path.of(System.getProperty("jvmbpf.root", ".."), "examples").normalize();

    @Test
    void timesAWorkloadOnBothEnginesAndPrintsOneRowEach() {
        CliRun r = CliRun.of("bench", "--workload", "memory-loop", "--engines", "interpreter,jit",
                "--warmup-ms", "50", "--time-ms", "50", "--batches", "3");
        assertEquals(0, r.status(), r.err());
        List<String> lines = r.lines();
        assertTrue(lines.getFirst().startsWith("memory-loop: 8 instructions, 6,004 executed per run, 1500 bytes"),
                r.out());
        List<String> rows = lines.stream().filter(l -> l.startsWith("interpreter ") || l.startsWith("jit ")).toList();
        assertEquals(2, rows.size(), r.out());
        // The first engine is the baseline of the speed-up column.
        assertTrue(rows.getFirst().strip().endsWith("1.00x"), rows.getFirst());
        for (String row : rows) {
            String[] cols = row.strip().split("\\s+");
            double nsPerRun = Double.parseDouble(cols[1].replace(",", ""));
            assertTrue(nsPerRun > 0, row);
        }
    }

    @Test
    void timesAnObjectProgramInTheKernelWithItsMaps() {
        KernelAvailability a = KernelBpf.availability();
        if (!a.available()) {
            System.out.println("SKIPPED kernel bench of an object: " + a.reason());
        }
        Assumptions.assumeTrue(a.available(), a.reason());
        CliRun r = CliRun.of("bench", EXAMPLES.resolve("xdp_filter.o").toString(), "--packet-hex",
                "ffffffffffff0011223344550800" + "4500001400000000401100000a0000010a000002",
                "--map-update", "blocked:0a000001", "--engines", "jit,kernel", "--warmup-ms", "50", "--time-ms", "50",
                "--batches", "3");
        assertEquals(0, r.status(), r.err());
        List<String> kernel = r.lines().stream().filter(l -> l.startsWith("kernel ")).toList();
        assertEquals(1, kernel.size(), r.out());
        assertTrue(Double.parseDouble(kernel.getFirst().strip().split("\\s+")[1].replace(",", "")) > 0, r.out());
        // Both returned XDP_DROP for the blocked source: no disagreement note.
        assertTrue(r.lines().stream().noneMatch(l -> l.startsWith("note:")), r.out());
        // A tracepoint cannot be test-run: asked for explicitly, that is an error naming why.
        CliRun tp = CliRun.of("bench", EXAMPLES.resolve("counter.o").toString(), "--engines", "jit,kernel",
                "--warmup-ms", "10", "--time-ms", "10", "--batches", "1");
        assertEquals(1, tp.status());
        assertTrue(tp.err().contains("cannot test-run TRACEPOINT program count_syscalls"), tp.err());
    }

    @Test
    void anUnknownWorkloadIsOneUsageError() {
        CliRun r = CliRun.of("bench", "--workload", "nope", "--engines", "jit");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("unknown workload 'nope'"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void zeroBatchesIsRefusedBeforeAnythingRuns() {
        CliRun r = CliRun.of("bench", "--workload", "compute-loop", "--batches", "0");
        assertEquals(1, r.status());
        assertTrue(r.err().contains("--batches"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void anUnknownEngineIsRefused() {
        CliRun r = CliRun.of("bench", "--workload", "compute-loop", "--engines", "jit,warp");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("warp"), r.err());
    }
}
