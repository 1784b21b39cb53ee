package dev.jvmbpf.runtime.program;

/**
 * The kernel's uapi {@code struct __sk_buff}, the context of socket filter and tc programs: its
 * size and the offsets of its fields, for the verifier's access rules and the helpers' context.
 */
public final class SkBuffLayout {
    public static final int SIZE = 192;
    public static final int LEN = 0;
    public static final int PKT_TYPE = 4;
    public static final int MARK = 8;
    public static final int QUEUE_MAPPING = 12;
    public static final int PROTOCOL = 16;
    public static final int VLAN_PRESENT = 20;
    public static final int VLAN_TCI = 24;
    public static final int VLAN_PROTO = 28;
    public static final int PRIORITY = 32;
    public static final int INGRESS_IFINDEX = 36;
    public static final int IFINDEX = 40;
    public static final int TC_INDEX = 44;
    /** {@code cb[5]}: five 32-bit words. */
    public static final int CB = 48;
    public static final int HASH = 68;
    public static final int TC_CLASSID = 72;
    public static final int DATA = 76;
    public static final int DATA_END = 80;
    public static final int NAPI_ID = 84;
    public static final int FAMILY = 88;
    public static final int REMOTE_IP4 = 92;
    public static final int LOCAL_IP4 = 96;
    /** {@code remote_ip6[4]}, followed by {@code local_ip6[4]}. */
    public static final int REMOTE_IP6 = 100;
    public static final int LOCAL_IP6 = 116;
    public static final int REMOTE_PORT = 132;
    public static final int LOCAL_PORT = 136;
    public static final int DATA_META = 140;
    /** A pointer ({@code struct bpf_flow_keys *}), 8 bytes. */
    public static final int FLOW_KEYS = 144;
    public static final int TSTAMP = 152;
    public static final int WIRE_LEN = 160;
    public static final int GSO_SEGS = 164;
    /** A pointer ({@code struct bpf_sock *}), 8 bytes. */
    public static final int SK = 168;
    public static final int GSO_SIZE = 176;
    /** One byte, then three of padding up to {@link #HWTSTAMP}. */
    public static final int TSTAMP_TYPE = 180;
    public static final int HWTSTAMP = 184;

    private SkBuffLayout() {
    }
}
