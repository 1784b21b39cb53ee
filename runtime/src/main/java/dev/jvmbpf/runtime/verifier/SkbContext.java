package dev.jvmbpf.runtime.verifier;

import static dev.jvmbpf.runtime.program.SkBuffLayout.CB;
import static dev.jvmbpf.runtime.program.SkBuffLayout.DATA;
import static dev.jvmbpf.runtime.program.SkBuffLayout.DATA_END;
import static dev.jvmbpf.runtime.program.SkBuffLayout.DATA_META;
import static dev.jvmbpf.runtime.program.SkBuffLayout.FAMILY;
import static dev.jvmbpf.runtime.program.SkBuffLayout.FLOW_KEYS;
import static dev.jvmbpf.runtime.program.SkBuffLayout.HASH;
import static dev.jvmbpf.runtime.program.SkBuffLayout.HWTSTAMP;
import static dev.jvmbpf.runtime.program.SkBuffLayout.LOCAL_IP4;
import static dev.jvmbpf.runtime.program.SkBuffLayout.LOCAL_PORT;
import static dev.jvmbpf.runtime.program.SkBuffLayout.MARK;
import static dev.jvmbpf.runtime.program.SkBuffLayout.PRIORITY;
import static dev.jvmbpf.runtime.program.SkBuffLayout.QUEUE_MAPPING;
import static dev.jvmbpf.runtime.program.SkBuffLayout.REMOTE_IP4;
import static dev.jvmbpf.runtime.program.SkBuffLayout.REMOTE_IP6;
import static dev.jvmbpf.runtime.program.SkBuffLayout.SIZE;
import static dev.jvmbpf.runtime.program.SkBuffLayout.SK;
import static dev.jvmbpf.runtime.program.SkBuffLayout.TC_CLASSID;
import static dev.jvmbpf.runtime.program.SkBuffLayout.TC_INDEX;
import static dev.jvmbpf.runtime.program.SkBuffLayout.TSTAMP;
import static dev.jvmbpf.runtime.program.SkBuffLayout.TSTAMP_TYPE;
import static dev.jvmbpf.runtime.program.SkBuffLayout.WIRE_LEN;

/**
 * Which accesses to a {@code struct __sk_buff} context the kernel allows (its
 * bpf_skb_is_valid_access and the per-type rules of tc, cgroup_skb and lwt programs). Only what
 * is certain is refused; fields are named by their offsets in the kernel's uapi layout.
 */
final class SkbContext {
    /** cb[] ends where hash begins; local_port ends where data_meta begins. */
    private static final int CB_END = HASH;
    private static final int LOCAL_PORT_END = LOCAL_PORT + 4;
    private static final int PADDING = TSTAMP_TYPE + 1;

    enum Type { TC, SOCKET, CGROUP_SKB, LWT, OTHER }

    private SkbContext() {
    }

    private static boolean in(long off, int start, int end) {
        return off >= start && off < end;
    }

    /** Whether the kernel allows an access of {@code size} bytes at {@code off}. */
    static boolean allowed(Type type, long off, int size, boolean write) {
        switch (type) {
            case CGROUP_SKB -> {
                if (in(off, TC_CLASSID, TC_CLASSID + 4) || in(off, DATA_META, DATA_META + 4) || in(off, WIRE_LEN, WIRE_LEN + 4)) {
                    return false;
                }
                if (write && !(in(off, MARK, MARK + 4) || in(off, PRIORITY, PRIORITY + 4) || in(off, CB, CB_END)
                        || in(off, TSTAMP, TSTAMP + 8))) {
                    return false;
                }
            }
            case LWT -> {
                if (in(off, TC_CLASSID, TC_CLASSID + 4) || in(off, FAMILY, LOCAL_PORT_END) || in(off, DATA_META, DATA_META + 4)
                        || in(off, TSTAMP, TSTAMP + 8) || in(off, WIRE_LEN, WIRE_LEN + 4) || in(off, HWTSTAMP, SIZE)) {
                    return false;
                }
                if (write && !(in(off, MARK, MARK + 4) || in(off, PRIORITY, PRIORITY + 4) || in(off, CB, CB_END))) {
                    return false;
                }
            }
            case SOCKET -> {
                // sk_filter_is_valid_access (data, data_meta and data_end are left to the packet
                // analysis here, which follows them as tc's)
                if (in(off, TC_CLASSID, TC_CLASSID + 4) || in(off, FAMILY, LOCAL_PORT_END) || in(off, TSTAMP, TSTAMP + 8)
                        || in(off, WIRE_LEN, WIRE_LEN + 4) || in(off, HWTSTAMP, SIZE)) {
                    return false;
                }
                if (write && !in(off, CB, CB_END)) {
                    return false;
                }
            }
            case TC -> {
                if (write && !(in(off, MARK, MARK + 4) || in(off, TC_INDEX, TC_INDEX + 4) || in(off, PRIORITY, PRIORITY + 4)
                        || in(off, TC_CLASSID, TC_CLASSID + 4) || in(off, CB, CB_END) || in(off, TSTAMP, TSTAMP + 8)
                        || in(off, QUEUE_MAPPING, QUEUE_MAPPING + 4))) {
                    return false;
                }
            }
            default -> {
            }
        }
        return generic(off, size, write);
    }

    /** bpf_skb_is_valid_access. */
    private static boolean generic(long off, int size, boolean write) {
        if (off < 0 || off >= SIZE || off % size != 0) {
            return false;
        }
        if (in(off, CB, CB_END)) {
            return off + size <= CB_END;
        }
        if (off == REMOTE_IP4 || off == LOCAL_IP4 || in(off, REMOTE_IP6, LOCAL_PORT_END - 8) || off == DATA
                || off == DATA_END || off == DATA_META) {
            return size == 4;
        }
        if (in(off, FLOW_KEYS, FLOW_KEYS + 8)) {
            return false;
        }
        if (in(off, HWTSTAMP, SIZE)) {
            return !write && size == 8;
        }
        if (in(off, TSTAMP, TSTAMP + 8)) {
            return size == 8;
        }
        if (in(off, SK, SK + 8)) {
            // a pointer: read whole, never in part (the kernel's bpf_ctx_range_ptr)
            return !write && size == 8 && off == SK;
        }
        if (in(off, PADDING, HWTSTAMP)) {
            return false;
        }
        // the other fields are 32 bits: full writes, narrow reads
        return size <= 4;
    }
}
