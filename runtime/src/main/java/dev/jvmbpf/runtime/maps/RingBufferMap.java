package dev.jvmbpf.runtime.maps;

import dev.jvmbpf.runtime.memory.Region;

/**
 * A {@code BPF_MAP_TYPE_RINGBUF} as the ringbuf helpers (130-134) use it, and as a Java consumer
 * reads it. The layout is the kernel's: each record starts with an 8-byte header (a 32-bit length
 * whose bit 31 means "busy, not committed" and bit 30 "discarded", then a 32-bit page offset) and
 * is padded to 8 bytes. Producers reserve in order; the consumer reads committed records in
 * reserve order and stops at the first busy one.
 */
public interface RingBufferMap extends BpfMap {
    /** Copies {@code data} into a new record and commits it: 0, or -EAGAIN (-11) when full. */
    int output(byte[] data, long flags);

    /** Reserves a writable record of {@code size} bytes, or returns null when there is no room. */
    Region reserve(long size);

    /**
     * Commits ({@code discard == false}) or drops a record that {@link #reserve} returned and that
     * is still pending. Returns false, changing nothing, when {@code record} is not such a record
     * of this ring buffer (the helper asks every ring buffer of the program).
     */
    boolean commit(Region record, boolean discard, long flags);

    /** {@code bpf_ringbuf_query}: BPF_RB_AVAIL_DATA (0), RING_SIZE (1), CONS_POS (2), PROD_POS (3); else 0. */
    long query(long what);

    /**
     * Consumes committed records in order, handing a copy of each record's data to
     * {@code handler}, until a busy record or the producer position; discarded records are
     * skipped. A negative handler result stops after that record and is returned; otherwise
     * returns the number of records handed.
     */
    int consume(RecordHandler handler);

    /** Waits up to {@code millis} for a committed record to consume; true when there is one. */
    boolean await(long millis) throws InterruptedException;

    @FunctionalInterface
    interface RecordHandler {
        int onRecord(byte[] data);
    }
}
