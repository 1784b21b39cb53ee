package dev.jvmbpf.runtime.maps;

import java.util.function.Consumer;

/**
 * A {@code BPF_MAP_TYPE_PERF_EVENT_ARRAY} as {@code bpf_perf_event_output} (25) uses it: one slot
 * per CPU (by convention) to which programs send samples. A slot receives only once Java code
 * opened it, as user space opens a perf event per CPU: {@link #open} gives a bounded buffer to
 * poll, {@link #subscribe} a callback run on the program's thread.
 * Samples reach readers padded as the kernel pads them ({@link PerfSample}).
 */
public interface PerfEventArrayMap extends BpfMap {
    /**
     * Sends {@code data} to the buffer at {@code index} (the helper has already resolved
     * BPF_F_CURRENT_CPU); readers get it with the kernel's zero padding ({@link PerfSample}).
     * Returns 0, -E2BIG (-7) when {@code index >= max_entries}, -ENOENT (-2) when nobody reads
     * that slot, or -ENOSPC (-28) when its buffer is full (the sample is lost).
     */
    int output(long index, byte[] data);

    /** Opens slot {@code index} with a buffer of {@code capacityBytes}; replaces what was there. */
    PerfBuffer open(int index, int capacityBytes);

    /** Opens slot {@code index} delivering each sample to {@code callback} (a copy of its bytes). */
    void subscribe(int index, Consumer<byte[]> callback);

    /** Closes slot {@code index}; later output to it returns -ENOENT. */
    void close(int index);
}
