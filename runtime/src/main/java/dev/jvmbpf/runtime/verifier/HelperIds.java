package dev.jvmbpf.runtime.verifier;

/**
 * Ids (the kernel's enum bpf_func_id) of the helpers that call a BPF function back before they
 * return, which the verifier follows into the callback; the helper table names them by these.
 */
public final class HelperIds {
    public static final int FOR_EACH_MAP_ELEM = 164;
    public static final int FIND_VMA = 180;
    public static final int LOOP = 181;

    private HelperIds() {
    }
}
