package dev.jvmbpf.runtime.maps;

/**
 * A {@code BPF_MAP_TYPE_USER_RINGBUF}: user space produces samples, programs consume them with
 * {@code bpf_user_ringbuf_drain} (helper 209). The ring's capacity is its max_entries in bytes,
 * each sample taking an 8-byte header and its length rounded up to 8, as in the kernel's ring, so
 * that a producer runs out of room when libbpf's {@code user_ring_buffer__reserve} would.
 */
public interface UserRingBufferMap extends BpfMap {
    /** The largest number of samples one drain consumes: the kernel's BPF_MAX_USER_RINGBUF_SAMPLES. */
    int MAX_DRAINED_SAMPLES = 128 * 1024;

    /**
     * Appends a sample for programs to drain: 0, -E2BIG (-7) when it can never fit the ring, or
     * -ENOSPC (-28) when the ring has no room until programs drain it.
     */
    int submit(byte[] sample);

    /** The samples submitted and not drained yet. */
    int pending();

    /**
     * Hands up to {@link #MAX_DRAINED_SAMPLES} samples, oldest first, to {@code handler}, each one
     * consumed once handed; stops after a sample whose handler result is not 0. Returns the number
     * handed, or -EBUSY (-16) while another drain of this ring runs (the kernel's busy bit).
     */
    long drain(SampleHandler handler);

    @FunctionalInterface
    interface SampleHandler {
        long onSample(byte[] sample);
    }
}
