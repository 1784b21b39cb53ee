package dev.jvmbpf.runtime.verifier;

/**
 * Ids (the kernel's enum bpf_func_id) of the helpers the verifier's rules name and the helper
 * table names too: map lookups, and the helpers that call a BPF function back before they return,
 * which the verifier follows into the callback.
 */
public final class HelperIds {
    public static final int MAP_LOOKUP_ELEM = 1;
    public static final int FOR_EACH_MAP_ELEM = 164;
    public static final int FIND_VMA = 180;
    public static final int LOOP = 181;
    public static final int USER_RINGBUF_DRAIN = 209;

    private HelperIds() {
    }
}
