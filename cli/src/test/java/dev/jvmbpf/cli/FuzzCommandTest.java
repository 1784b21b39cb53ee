package dev.jvmbpf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.kernel.KernelBpf;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class FuzzCommandTest {
    private record Run(int status, String out, String err) {
        String lastLine() {
            List<String> lines = out.strip().lines().toList();
            return lines.getLast();
        }
    }

    private static Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int status = Main.execute(args);
            return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void endsWithTheSummaryLineAndCountsPerEngine() {
        Run r = run("fuzz", "--seed", "5", "--count", "1200", "--engines", "interpreter");
        assertEquals(0, r.status, r.err);
        assertEquals("1200 programs, 0 rejected by the kernel, 0 mismatches", r.lastLine());
        assertTrue(r.out.contains("interpreter: 1200 returned, 0 faulted, 0 rejected, 0 crashed, 0 disagreed"), r.out);
        assertTrue(r.err.contains("fuzz: 1000/1200 programs"), r.err);
    }

    @Test
    void againstTheKernelWhenItIsAvailable() {
        if (!KernelBpf.availability().available()) {
            System.out.println("SKIPPED fuzz against the kernel: " + KernelBpf.availability().reason());
        }
        Assumptions.assumeTrue(KernelBpf.availability().available(), KernelBpf.availability().reason());
        Run r = run("fuzz", "--seed", "6", "--count", "300", "--engines", "interpreter,kernel");
        assertEquals(0, r.status, r.out + r.err);
        assertTrue(r.lastLine().matches("300 programs, \\d+ rejected by the kernel, 0 mismatches"), r.lastLine());
        assertTrue(r.err.contains("kernel: " + KernelBpf.kernelDescription()), r.err);
    }

    @Test
    void unknownEngineIsAUsageError() {
        Run r = run("fuzz", "--count", "1", "--engines", "interpreter,nosuch");
        assertEquals(2, r.status);
        assertTrue(r.err.contains("unknown engine 'nosuch'"), r.err);
    }
}
