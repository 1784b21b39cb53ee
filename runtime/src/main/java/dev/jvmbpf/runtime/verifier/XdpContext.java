package dev.jvmbpf.runtime.verifier;

/**
 * Which {@code struct xdp_md} fields an XDP program may access, as the kernel's
 * xdp_is_valid_access allows them: reads of whole {@code __u32} fields only (data, data_end,
 * data_meta, ingress_ifindex, rx_queue_index, and egress_ifindex in devmap programs; data_meta
 * not in cpumap programs), no writes (but to offloaded programs, which this runtime does not load).
 */
final class XdpContext {
    private static final int DATA_META = 8;
    private static final int EGRESS_IFINDEX = 20;
    private static final int SIZE = 24;

    private XdpContext() {
    }

    /** {@code section}: the program's section, which names its attach type as libbpf reads it ({@code xdp/devmap}, ...). */
    static boolean allowed(String section, long off, int size, boolean write) {
        String sec = section == null ? "" : section.startsWith("?") ? section.substring(1) : section;
        boolean devmap = sec.startsWith("xdp/devmap") || sec.startsWith("xdp.frags/devmap");
        boolean cpumap = sec.startsWith("xdp/cpumap") || sec.startsWith("xdp.frags/cpumap");
        if (write || off < 0 || off >= SIZE || size != 4 || off % size != 0) {
            return false;
        }
        return !(off == EGRESS_IFINDEX && !devmap) && !(off == DATA_META && cpumap);
    }
}
