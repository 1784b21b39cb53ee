package dev.jvmbpf.internal;

import dev.jvmbpf.helpers.context.SkBuffContext;
import java.util.LinkedHashMap;
import java.util.Map;

/** The 32-bit {@code struct __sk_buff} fields a caller may set by name (the uapi layout). */
public final class SkBuffFields {
    private static final Map<String, Integer> FIELDS = new LinkedHashMap<>();

    static {
        FIELDS.put("pkt_type", SkBuffContext.PKT_TYPE);
        FIELDS.put("mark", SkBuffContext.MARK);
        FIELDS.put("queue_mapping", SkBuffContext.QUEUE_MAPPING);
        FIELDS.put("vlan_present", SkBuffContext.VLAN_PRESENT);
        FIELDS.put("vlan_tci", SkBuffContext.VLAN_TCI);
        FIELDS.put("vlan_proto", SkBuffContext.VLAN_PROTO);
        FIELDS.put("priority", SkBuffContext.PRIORITY);
        FIELDS.put("ingress_ifindex", SkBuffContext.INGRESS_IFINDEX);
        FIELDS.put("ifindex", SkBuffContext.IFINDEX);
        FIELDS.put("tc_index", SkBuffContext.TC_INDEX);
        for (int i = 0; i < 5; i++) {
            FIELDS.put("cb[" + i + "]", SkBuffContext.CB + 4 * i);
        }
        FIELDS.put("hash", SkBuffContext.HASH);
        FIELDS.put("tc_classid", SkBuffContext.TC_CLASSID);
        FIELDS.put("napi_id", SkBuffContext.NAPI_ID);
        FIELDS.put("family", SkBuffContext.FAMILY);
        FIELDS.put("remote_ip4", SkBuffContext.REMOTE_IP4);
        FIELDS.put("local_ip4", SkBuffContext.LOCAL_IP4);
        FIELDS.put("remote_port", SkBuffContext.REMOTE_PORT);
        FIELDS.put("local_port", SkBuffContext.LOCAL_PORT);
        FIELDS.put("gso_segs", SkBuffContext.GSO_SEGS);
        FIELDS.put("gso_size", SkBuffContext.GSO_SIZE);
    }

    private SkBuffFields() {
    }

    /** The offset of field {@code name}, or -1. */
    public static int offset(String name) {
        return FIELDS.getOrDefault(name.replace(" ", ""), -1);
    }

    /** Every settable field by name, in layout order, with its offset. */
    public static Map<String, Integer> all() {
        return java.util.Collections.unmodifiableMap(FIELDS);
    }

    public static String names() {
        return String.join(", ", FIELDS.keySet()) + ", protocol";
    }
}
