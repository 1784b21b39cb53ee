package dev.jvmbpf.runtime.maps;

/** A {@code BPF_MAP_TYPE_PERF_EVENT_ARRAY} as {@code bpf_perf_event_output} (25) uses it. */
public interface PerfEventArrayMap extends BpfMap {
    /**
     * Sends {@code data} to the buffer at {@code index} (the helper has already resolved
     * BPF_F_CURRENT_CPU). Returns 0, -E2BIG (-7) when {@code index >= max_entries}, or -ENOENT (-2)
     * when nobody reads that slot.
     */
    int output(long index, byte[] data);
}
