package dev.jvmbpf.runtime.verifier;

import dev.jvmbpf.runtime.verifier.RegValue.Kind;

/**
 * Which loads the kernel allows through socket pointers: its bpf_sock_common_is_valid_access,
 * bpf_sock_is_valid_access, bpf_tcp_sock_is_valid_access and bpf_xdp_sock_is_valid_access over
 * the uapi structs {@code bpf_sock}, {@code bpf_tcp_sock} and {@code bpf_xdp_sock} (offsets as
 * the uapi header lays them out). Socket pointers are read-only.
 */
final class Sockets {
    /** What the kernel names in a refusal of an argument that must be a socket (ARG_PTR_TO_SOCK_COMMON). */
    static final String SOCK_COMMON_ARG = "sock_common, sock, tcp_sock, xdp_sock";
    /** The same for a socket argument given as a BTF id (bpf_sk_release, bpf_sk_storage_get). */
    static final String SOCK_COMMON_BTF_ARG = SOCK_COMMON_ARG + ", ptr_, trusted_ptr_";

    // struct bpf_sock
    private static final int SOCK_SIZE = 80;
    private static final int TYPE = 8;
    private static final int PRIORITY_END = 24;
    private static final int SRC_IP4 = 24;
    private static final int SRC_IP6 = 28;
    private static final int SRC_PORT = 44;
    private static final int DST_PORT = 48;
    private static final int DST_PORT_END = 50;
    private static final int DST_IP4 = 52;
    private static final int DST_IP6 = 56;
    private static final int STATE = 72;
    private static final int RX_QUEUE_MAPPING = 76;
    private static final int FAMILY = 4;
    private static final int PROTOCOL = 12;
    // struct bpf_tcp_sock
    private static final int TCP_SOCK_SIZE = 112;
    private static final int BYTES_RECEIVED = 80;
    private static final int BYTES_ACKED = 88;
    // struct bpf_xdp_sock
    private static final int XDP_SOCK_SIZE = 4;

    private Sockets() {
    }

    /** Whether a load of {@code size} bytes at {@code off} through a pointer of kind {@code k} is allowed. */
    static boolean readable(Kind k, long off, int size) {
        return switch (k) {
            case SOCK_COMMON -> !(off >= TYPE && off < PRIORITY_END) && sock(off, size);
            case SOCK -> sock(off, size);
            case TCP_SOCK -> tcpSock(off, size);
            case XDP_SOCK -> off >= 0 && off < XDP_SOCK_SIZE && off % size == 0 && size == 4;
            default -> false;
        };
    }

    private static boolean in(long off, int start, int end) {
        return off >= start && off < end;
    }

    private static boolean sock(long off, int size) {
        if (off < 0 || off >= SOCK_SIZE || off % size != 0) {
            return false;
        }
        boolean narrowable = off == STATE || off == FAMILY || off == TYPE || off == PROTOCOL || off == SRC_PORT
                || off == RX_QUEUE_MAPPING || in(off, SRC_IP4, SRC_IP4 + 4) || in(off, SRC_IP6, SRC_IP6 + 16)
                || in(off, DST_IP4, DST_IP4 + 4) || in(off, DST_IP6, DST_IP6 + 16);
        if (narrowable) {
            return size <= 4;
        }
        if (in(off, DST_PORT, DST_PORT_END)) {
            // the 16-bit port, or a 32-bit load of it with its padding (older programs)
            return size == 4 || size <= 2;
        }
        if (in(off, DST_PORT_END, DST_IP4)) {
            return false;
        }
        return size == 4;
    }

    private static boolean tcpSock(long off, int size) {
        if (off < 0 || off >= TCP_SOCK_SIZE || off % size != 0) {
            return false;
        }
        return off == BYTES_RECEIVED || off == BYTES_ACKED ? size == 8 : size == 4;
    }
}
