package dev.jvmbpf.runtime.exec;

/** What the verifier requires of one helper argument (a subset of the kernel's arg types). */
public enum ArgType {
    /** Any initialised scalar or pointer. */
    ANYTHING,
    /** A map pointer from {@code lddw} with a map source. */
    CONST_MAP_PTR,
    /** Pointer to initialised memory of the map's key size. */
    PTR_TO_MAP_KEY,
    /** Pointer to initialised memory of the map's value size. */
    PTR_TO_MAP_VALUE,
    /** Pointer to memory the helper reads; its size is the next argument. */
    PTR_TO_MEM,
    /** Pointer to memory the helper writes; its size is the next argument. */
    PTR_TO_UNINIT_MEM,
    /** Size of the preceding memory argument, greater than zero. */
    CONST_SIZE,
    /** Size of the preceding memory argument, may be zero. */
    CONST_SIZE_OR_ZERO,
    /** The program's context pointer. */
    PTR_TO_CTX,
    /** Pointer to a NUL-terminated string in read-only memory. */
    PTR_TO_CONST_STR,
    /** Pointer to a bpf-to-bpf function (callbacks of bpf_loop, for_each_map_elem). */
    PTR_TO_FUNC,
    /** Pointer to stack memory. */
    PTR_TO_STACK,
    /** Pointer to a ring-buffer record obtained from reserve. */
    PTR_TO_ALLOC_MEM
}
