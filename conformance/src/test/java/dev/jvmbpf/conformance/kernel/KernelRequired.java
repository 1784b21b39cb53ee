package dev.jvmbpf.conformance.kernel;

import dev.jvmbpf.kernel.KernelAvailability;
import dev.jvmbpf.kernel.KernelBpf;
import org.junit.jupiter.api.Assumptions;

/** For tests that compare with the running kernel: they skip only where it cannot run BPF, and say so. */
final class KernelRequired {
    private KernelRequired() {
    }

    /** Skips the calling test class, printing why, when the kernel cannot run BPF here. */
    static void assume(String what) {
        KernelAvailability a = KernelBpf.availability();
        if (!a.available()) {
            System.out.println("SKIPPED " + what + ": " + a.reason());
        }
        Assumptions.assumeTrue(a.available(), a.reason());
    }
}
