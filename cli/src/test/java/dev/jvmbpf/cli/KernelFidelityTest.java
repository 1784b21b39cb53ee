package dev.jvmbpf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.kernel.testing.KernelRequired;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code run --engine kernel} as the kernel has it: the object's licence, and the ring-buffer records it committed. */
class KernelFidelityTest {
    private static final Path FIXTURES = Path.of(System.getProperty("jvmbpf.root", ".."),
            "cli/src/test/resources/bpf").normalize();
    private static final String PACKET = "ffffffffffff001122334455080045";

    @BeforeAll
    static void kernelAvailable() {
        KernelRequired.assume("kernel fidelity tests");
    }

    @Test
    void ringBufferRecordsTheKernelCommittedArePrintedAsTheJitPrintsThem() {
        CliRun kernel = runEvents("kernel");
        CliRun jit = runEvents("jit");
        assertEquals(0, kernel.status(), kernel.err());
        // The packet is 15 bytes; its first four are ff.
        assertEquals(2, kernel.out().lines().filter("record packets: 0f 00 00 00 ff ff ff ff"::equals).count(),
                kernel.out());
        assertEquals(jit.out(), kernel.out());
    }

    private static CliRun runEvents(String engine) {
        return CliRun.of("run", FIXTURES.resolve("xdp_events.o").toString(), "--packet-hex", PACKET, "--repeat", "2",
                "--engine", engine);
    }

    @Test
    void theKernelRefusesGplOnlyHelpersToAProprietaryObject() {
        CliRun r = CliRun.of("run", FIXTURES.resolve("proprietary.o").toString(), "--packet-hex", PACKET, "--engine",
                "kernel");
        assertEquals(1, r.status(), r.out());
        assertTrue(r.err().contains("cannot call GPL-restricted function from non-GPL compatible program"), r.err());
    }
}
