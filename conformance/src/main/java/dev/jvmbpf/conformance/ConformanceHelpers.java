package dev.jvmbpf.conformance;

import dev.jvmbpf.runtime.exec.HelperSpec;
import dev.jvmbpf.runtime.exec.HelperTable;
import java.util.List;

/**
 * The helpers vectors may call. The public suite calls helper 5 (the kernel's
 * {@code bpf_ktime_get_ns}) directly and through {@code callx}, and only checks that the call
 * returns; a monotonic counter in nanoseconds is what the kernel gives too.
 */
public final class ConformanceHelpers {
    private static final HelperTable TABLE = HelperTable.of(List.of(
            new HelperSpec(5, "ktime_get_ns", List.of(), (m, a, b, c, d, e) -> System.nanoTime())));

    private ConformanceHelpers() {
    }

    public static HelperTable table() {
        return TABLE;
    }
}
