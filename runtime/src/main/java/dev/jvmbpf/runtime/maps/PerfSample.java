package dev.jvmbpf.runtime.maps;

import java.util.Arrays;

/**
 * The kernel's rule for the raw data of a {@code bpf_perf_event_output} sample as its readers get
 * it (libbpf's perf_buffer, cilium/ebpf's perf reader): the record stores a 4-byte size and then
 * the data, and the kernel pads the data with zero bytes so that size field and data fill whole
 * 8-byte words, reporting the padded length in the size field. A 5-byte sample is read back as
 * 12 bytes, a 12-byte one as 12, an empty one as 4.
 */
public final class PerfSample {
    private static final int SIZE_FIELD = 4;
    private static final int WORD = 8;

    private PerfSample() {
    }

    /** The length a reader gets for a sample of {@code sentLength} bytes. */
    public static int readLength(int sentLength) {
        if (sentLength < 0) {
            throw new IllegalArgumentException("perf sample length " + sentLength + " is negative");
        }
        return ((sentLength + SIZE_FIELD + WORD - 1) & -WORD) - SIZE_FIELD;
    }

    /** A copy of {@code sent} with the kernel's zero padding, as a reader gets it. */
    public static byte[] asRead(byte[] sent) {
        return Arrays.copyOf(sent, readLength(sent.length));
    }
}
