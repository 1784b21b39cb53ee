package dev.jvmbpf.kernel.testing;

import dev.jvmbpf.kernel.KernelAvailability;
import dev.jvmbpf.kernel.KernelBpf;
import org.junit.jupiter.api.Assumptions;

/**
 * For tests that compare with or run in the running kernel, in every module: they skip only
 * where it cannot run BPF, and say so in one line.
 */
public final class KernelRequired {
    private KernelRequired() {
    }

    /**
     * Skips the calling test (a whole class when called from {@code @BeforeAll}), printing why,
     * when the kernel cannot run BPF here.
     */
    public static void assume(String what) {
        KernelAvailability a = KernelBpf.availability();
        if (!a.available()) {
            System.out.println("SKIPPED " + what + ": " + a.reason());
        }
        Assumptions.assumeTrue(a.available(), a.reason());
    }
}
