package dev.jvmbpf.runtime.maps;

import java.util.function.Consumer;

/**
 * A PERF_EVENT_ARRAY: one slot per CPU (by convention) to which programs send samples with
 * bpf_perf_event_output. A slot receives only once Java code opened it, as user space opens a
 * perf event per CPU: {@link #open} gives a bounded buffer to poll, {@link #subscribe} a callback
 * run on the program's thread. Output to a closed slot returns -ENOENT, as in the kernel.
 */
public interface PerfEventArrayMap extends BpfMap {
    /** Opens slot {@code index} with a buffer of {@code capacityBytes}; replaces what was there. */
    PerfBuffer open(int index, int capacityBytes);

    /** Opens slot {@code index} delivering each sample to {@code callback} (a copy of its bytes). */
    void subscribe(int index, Consumer<byte[]> callback);

    /** Closes slot {@code index}; later output to it returns -ENOENT. */
    void close(int index);

    /**
     * bpf_perf_event_output: {@code flags}' low 32 bits are the slot, or BPF_F_CURRENT_CPU for
     * {@link Cpus#current()}. Returns 0, -EINVAL (other flag bits), -E2BIG (slot out of range),
     * -ENOENT (slot not open), -ENOSPC (buffer full: the sample is counted as lost).
     */
    int output(long flags, byte[] data);
}
