package dev.jvmbpf.conformance.fuzz;

import java.util.Arrays;
import java.util.HexFormat;

/** What one engine made of one program. */
public sealed interface Outcome {
    /** The run finished: r0 and the input memory afterwards. */
    record Returned(long r0, byte[] memory) implements Outcome {
        @Override
        public boolean equals(Object o) {
            return o instanceof Returned r && r.r0 == r0 && Arrays.equals(r.memory, memory);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(r0) * 31 + Arrays.hashCode(memory);
        }

        @Override
        public String describe() {
            return "r0 = 0x" + Long.toHexString(r0) + ", memory " + HexFormat.of().formatHex(memory);
        }
    }

    /** The run stopped with a BpfFault. */
    record Faulted(String message) implements Outcome {
        @Override
        public String describe() {
            return "fault: " + message;
        }
    }

    /** The engine refused the program at load (for the kernel: its verifier). */
    record Rejected(String reason) implements Outcome {
        @Override
        public String describe() {
            return "rejected: " + reason;
        }
    }

    /** The engine threw something other than a BpfFault: always a bug of the engine. */
    record Crashed(String exception) implements Outcome {
        @Override
        public String describe() {
            return "crashed: " + exception;
        }
    }

    String describe();

    /** Agreement as the fuzzer counts it: same result and memory, or the same kind of failure. */
    default boolean agreesWith(Outcome other) {
        if (this instanceof Returned) {
            return equals(other);
        }
        return getClass() == other.getClass();
    }
}
