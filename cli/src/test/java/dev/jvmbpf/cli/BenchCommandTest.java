package dev.jvmbpf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class BenchCommandTest {
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
    void anUnknownWorkloadIsOneErrorAndExitOne() {
        CliRun r = CliRun.of("bench", "--workload", "nope", "--engines", "jit");
        assertEquals(1, r.status());
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
        assertEquals(1, r.status());
        assertTrue(r.err().contains("warp"), r.err());
    }
}
