package dev.jvmbpf.runtime.maps;

/** Map types with the kernel's numeric ids ({@code enum bpf_map_type}). */
public enum MapType {
    HASH(1), ARRAY(2), PROG_ARRAY(3), PERF_EVENT_ARRAY(4), PERCPU_HASH(5), PERCPU_ARRAY(6),
    LRU_HASH(9), LRU_PERCPU_HASH(10), LPM_TRIE(11), QUEUE(22), STACK(23), RINGBUF(27),
    BLOOM_FILTER(30);

    private final int id;

    MapType(int id) {
        this.id = id;
    }

    public int id() {
        return id;
    }

    /** The type with this kernel id, or null. */
    public static MapType ofId(int id) {
        for (MapType t : values()) {
            if (t.id == id) {
                return t;
            }
        }
        return null;
    }
}
