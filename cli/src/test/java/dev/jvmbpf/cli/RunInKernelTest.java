package dev.jvmbpf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.kernel.testing.KernelRequired;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code jvmbpf run --engine kernel}: the same report as the engines give, from the running kernel. */
class RunInKernelTest {
    private static final Path EXAMPLES = Path.of(System.getProperty("jvmbpf.root", ".."), "examples").normalize();
    private static final String BLOCKED = "ffffffffffff0011223344550800" + "4500001400000000401100000a0000010a000002";

    @BeforeAll
    static void kernelAvailable() {
        KernelRequired.assume("run --engine kernel tests");
    }

    private static CliRun run(String engine, String... more) {
        String[] args = new String[more.length + 4];
        args[0] = "run";
        args[1] = EXAMPLES.resolve("xdp_filter.o").toString();
        args[2] = "--engine";
        args[3] = engine;
        System.arraycopy(more, 0, args, 4, more.length);
        return CliRun.of(args);
    }

    @Test
    void anObjectProgramInTheKernelReportsWhatTheJitReports() {
        String[] options = {"--packet-hex", BLOCKED, "--map-update", "blocked:0a000001", "--repeat", "3", "--dump-maps"};
        CliRun kernel = run("kernel", options);
        CliRun jit = run("jit", options);
        assertEquals(0, kernel.status(), kernel.err());
        assertEquals(jit.out(), kernel.out());
        // Three drops counted in the kernel's map, read back for the dump.
        assertTrue(kernel.out().contains("return value: 1 (XDP_DROP)"), kernel.out());
        assertTrue(kernel.out().contains("value: 3"), kernel.out());
    }

    @Test
    void whatTheKernelCannotRunIsOneErrorNamingWhy() {
        CliRun r = CliRun.of("run", EXAMPLES.resolve("xdp_filter.o").toString(), "--engine", "kernel", "--ctx",
                "ingress_ifindex=2");
        assertEquals(1, r.status());
        assertTrue(r.err().contains("--ctx and --mem are not passed"), r.err());
        CliRun counter = CliRun.of("run", EXAMPLES.resolve("counter.o").toString(), "--engine", "kernel");
        assertEquals(1, counter.status());
        assertTrue(counter.err().contains("cannot test-run TRACEPOINT program count_syscalls"), counter.err());
        assertEquals("", counter.out());
    }
}
