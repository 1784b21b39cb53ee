package dev.jvmbpf.runtime.verifier;

import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.program.ProgramType;
import java.util.Set;

/**
 * The rules every context of these kernel program types follows, for RAW programs whose section
 * names one (this runtime does not model them: their r1 is input memory): an access stays inside
 * the uapi struct and is aligned to its size, and its 8-byte fields (pointers, as
 * {@code __bpf_md_ptr} declares them, and 64-bit counters) are read whole, never in part (the
 * kernel's {@code bpf_ctx_range_ptr}). Field-by-field rules beyond these are not applied.
 *
 * @param struct the uapi struct's name
 * @param size the struct's size in Linux 6.18
 * @param wideFields the offsets of its 8-byte fields
 */
record RawContext(String struct, int size, Set<Integer> wideFields) {
    private static final RawContext SOCKOPT = new RawContext("bpf_sockopt", 40, Set.of(0, 8, 16));
    private static final RawContext SOCK_ADDR = new RawContext("bpf_sock_addr", 72, Set.of(64));
    // bytes_received, bytes_acked, sk, skb_data, skb_data_end, skb_hwtstamp
    private static final RawContext SOCK_OPS = new RawContext("bpf_sock_ops", 224, Set.of(168, 176, 184, 192, 200,
            216));
    private static final RawContext SK_MSG = new RawContext("sk_msg_md", 80, Set.of(0, 8, 72));
    private static final Set<String> SOCK_ADDR_TYPES = Set.of("bind4", "bind6", "connect4", "connect6",
            "connect_unix", "sendmsg4", "sendmsg6", "sendmsg_unix", "recvmsg4", "recvmsg6", "recvmsg_unix",
            "getpeername4", "getpeername6", "getpeername_unix", "getsockname4", "getsockname6", "getsockname_unix");

    /** The context of a RAW program whose section (libbpf's names) is one of these types, else null. */
    static RawContext of(BpfProgram program) {
        if (program.type() != ProgramType.RAW || program.section() == null) {
            return null;
        }
        String sec = program.section().startsWith("?") ? program.section().substring(1) : program.section();
        String[] parts = sec.split("/", -1);
        if (parts[0].equals("sockops")) {
            return SOCK_OPS;
        }
        if (parts[0].equals("sk_msg")) {
            return SK_MSG;
        }
        if (parts[0].equals("cgroup") && parts.length > 1) {
            if (parts[1].equals("getsockopt") || parts[1].equals("setsockopt")) {
                return SOCKOPT;
            }
            if (SOCK_ADDR_TYPES.contains(parts[1])) {
                return SOCK_ADDR;
            }
        }
        return null;
    }

    /** Whether an access of {@code size} bytes at {@code off} passes these rules. */
    boolean allowed(long off, int size) {
        if (off < 0 || off >= this.size || off % size != 0) {
            return false;
        }
        for (int field : wideFields) {
            if (off < field + 8 && off + size > field) {
                return off == field && size == 8;
            }
        }
        return true;
    }
}
