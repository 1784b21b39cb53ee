package dev.jvmbpf.runtime.maps;

import dev.jvmbpf.runtime.memory.Region;

/**
 * A RINGBUF: a multi-producer, single-consumer byte ring with the kernel's record layout. Each
 * record starts with an 8-byte header (a 32-bit length whose bit 31 means "busy, not committed"
 * and bit 30 "discarded", then a 32-bit page offset) and is padded to 8 bytes. Producers reserve
 * in order; a consumer reads committed records in reserve order and stops at the first busy one.
 */
public interface RingBufMap extends BpfMap {
    /**
     * bpf_ringbuf_reserve: a writable region of {@code size} bytes for a record, or null when
     * {@code flags} is not 0, the record cannot fit the ring, or the ring has no room.
     */
    Region reserve(long size, long flags);

    /** bpf_ringbuf_submit of a region {@link #reserve} returned. */
    void submit(Region sample, long flags);

    /** bpf_ringbuf_discard: the consumer skips the record. */
    void discard(Region sample, long flags);

    /** bpf_ringbuf_output: 0, -EINVAL for bad flags, -EAGAIN when there is no room. */
    int output(byte[] data, long flags);

    /** bpf_ringbuf_query: BPF_RB_AVAIL_DATA, RING_SIZE, CONS_POS, PROD_POS; 0 for other flags. */
    long query(long flags);

    /** True when {@code sample} is a record region of this ring (to find the ring of a submit). */
    boolean owns(Region sample);

    /**
     * Consumes committed records in order, handing a copy of each record's data to
     * {@code handler}, until a busy record or the producer position. A negative handler result
     * stops after that record and is returned; otherwise returns the number of records handed.
     */
    int consume(RecordHandler handler);

    /** Waits up to {@code millis} for data to consume; true when there is some. */
    boolean await(long millis) throws InterruptedException;

    /** The ring of {@code sample} among {@code maps}, or null. */
    static RingBufMap ownerOf(Iterable<? extends BpfMap> maps, Region sample) {
        for (BpfMap m : maps) {
            if (m instanceof RingBufMap rb && rb.owns(sample)) {
                return rb;
            }
        }
        return null;
    }

    @FunctionalInterface
    interface RecordHandler {
        int onRecord(byte[] data);
    }
}
