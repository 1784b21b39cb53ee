package dev.jvmbpf.conformance.vector;

import dev.jvmbpf.runtime.memory.FaultKind;
import java.util.List;
import java.util.regex.Pattern;

/** What must happen when a vector runs. */
public sealed interface Expectation {
    /** {@code -- result}: the program returns {@code value} in r0. */
    record Returns(long value) implements Expectation {
    }

    /**
     * {@code -- error}: assembling, decoding or loading fails with a message that contains every
     * line of {@code text} (an empty section accepts any failure).
     */
    record Rejected(List<String> text) implements Expectation {
        public Rejected {
            text = List.copyOf(text);
        }
    }

    /**
     * {@code -- error pattern} (ubpf's dialect): assembling, decoding or loading fails with a
     * message in which {@code pattern} finds a match.
     */
    record RejectedMatching(Pattern pattern) implements Expectation {
    }

    /**
     * {@code -- fault}: the run stops with a fault of {@code kind}, at {@code pc} when it is not
     * negative. An engine whose verifier refuses the program when it first runs (the kernel)
     * meets it too: it foresaw the fault.
     */
    record Faults(FaultKind kind, int pc) implements Expectation {
    }
}
