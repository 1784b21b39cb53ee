package dev.jvmbpf.runtime.maps;

/** A map whose keys can be walked, as {@code bpf_for_each_map_elem} (164) and bpftool need. */
public interface IterableMap extends BpfMap {
    /**
     * The key after {@code key} in the map's iteration order, the first key when {@code key} is
     * null or absent, and null after the last one (the kernel's {@code BPF_MAP_GET_NEXT_KEY}).
     */
    byte[] nextKey(byte[] key);
}
