package dev.jvmbpf.runtime.maps;

/** The kernel's update flags and {@code map_flags} bits, with their numeric values. */
public final class MapFlags {
    /** Update: create or replace. */
    public static final long BPF_ANY = 0;
    /** Update: create only; -EEXIST when the key is present. */
    public static final long BPF_NOEXIST = 1;
    /** Update: replace only; -ENOENT when the key is absent. */
    public static final long BPF_EXIST = 2;
    /** Update: take the value's spin lock (needs BTF; refused here with -EINVAL). */
    public static final long BPF_F_LOCK = 4;

    public static final int BPF_F_NO_PREALLOC = 1 << 0;
    public static final int BPF_F_NO_COMMON_LRU = 1 << 1;
    public static final int BPF_F_NUMA_NODE = 1 << 2;
    public static final int BPF_F_RDONLY = 1 << 3;
    public static final int BPF_F_WRONLY = 1 << 4;
    public static final int BPF_F_STACK_BUILD_ID = 1 << 5;
    public static final int BPF_F_ZERO_SEED = 1 << 6;
    public static final int BPF_F_RDONLY_PROG = 1 << 7;
    public static final int BPF_F_WRONLY_PROG = 1 << 8;
    public static final int BPF_F_CLONE = 1 << 9;
    public static final int BPF_F_MMAPABLE = 1 << 10;
    public static final int BPF_F_PRESERVE_ELEMS = 1 << 11;
    public static final int BPF_F_INNER_MAP = 1 << 12;

    /** The access bits every map type accepts. */
    public static final int ACCESS_MASK = BPF_F_RDONLY | BPF_F_WRONLY | BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG;

    /** perf_event_output: the low 32 bits of the flags select the slot; this value means the current CPU. */
    public static final long BPF_F_INDEX_MASK = 0xffff_ffffL;
    public static final long BPF_F_CURRENT_CPU = BPF_F_INDEX_MASK;

    /** Ring buffer submit/discard/output flags. */
    public static final long BPF_RB_NO_WAKEUP = 1;
    public static final long BPF_RB_FORCE_WAKEUP = 2;

    /** Ring buffer query selectors. */
    public static final long BPF_RB_AVAIL_DATA = 0;
    public static final long BPF_RB_RING_SIZE = 1;
    public static final long BPF_RB_CONS_POS = 2;
    public static final long BPF_RB_PROD_POS = 3;

    private MapFlags() {
    }
}
