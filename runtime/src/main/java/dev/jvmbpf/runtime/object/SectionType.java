package dev.jvmbpf.runtime.object;

import dev.jvmbpf.runtime.program.ProgramType;

/**
 * The program type a section name implies, following libbpf's naming conventions: a prefix
 * matches the whole name or the part before the first {@code /}. Failing that, the legacy rule of
 * libbpf 0.x (its "sloppy" prefixes) and of the samples' and iproute2's loaders applies: a name
 * that merely starts with {@code xdp}, {@code socket}, {@code classifier}, {@code action},
 * {@code perf_event}, ... has that type ({@code xdp1}, {@code xdp_vlan01}, {@code socket1}), with a
 * note saying so. Names libbpf knows but this runtime has no
 * type for, and names nobody knows, become {@link ProgramType#RAW} (r1 = input, r2 = length)
 * with a {@code note} saying so; {@code note} is null for a recognised name.
 */
public record SectionType(ProgramType type, String note) {
    private static final String[][] KNOWN = {
        {"socket", "SOCKET_FILTER"},
        {"kprobe", "KPROBE"}, {"kretprobe", "KPROBE"}, {"uprobe", "KPROBE"}, {"uretprobe", "KPROBE"},
        {"kprobe.multi", "KPROBE"}, {"kretprobe.multi", "KPROBE"}, {"uprobe.multi", "KPROBE"},
        {"uretprobe.multi", "KPROBE"}, {"ksyscall", "KPROBE"}, {"kretsyscall", "KPROBE"}, {"usdt", "KPROBE"},
        {"uprobe.s", "KPROBE"}, {"uretprobe.s", "KPROBE"},
        {"tc", "SCHED_CLS"}, {"classifier", "SCHED_CLS"}, {"tcx", "SCHED_CLS"}, {"netkit", "SCHED_CLS"},
        {"action", "SCHED_ACT"},
        {"tracepoint", "TRACEPOINT"}, {"tp", "TRACEPOINT"},
        {"raw_tracepoint", "RAW_TRACEPOINT"}, {"raw_tp", "RAW_TRACEPOINT"},
        {"raw_tracepoint.w", "RAW_TRACEPOINT"}, {"raw_tp.w", "RAW_TRACEPOINT"},
        {"tp_btf", "TRACING"}, {"fentry", "TRACING"}, {"fexit", "TRACING"}, {"fmod_ret", "TRACING"},
        {"fentry.s", "TRACING"}, {"fexit.s", "TRACING"}, {"fmod_ret.s", "TRACING"}, {"iter", "TRACING"},
        {"iter.s", "TRACING"},
        {"xdp", "XDP"}, {"xdp.frags", "XDP"},
        {"perf_event", "PERF_EVENT"},
        {"syscall", "SYSCALL"},
    };
    /** libbpf prefixes of program types this runtime does not model. */
    private static final String[] UNMODELLED = {
        "cgroup_skb", "cgroup", "sockops", "sk_skb", "sk_msg", "sk_lookup", "sk_reuseport", "lirc_mode2",
        "flow_dissector", "lwt_in", "lwt_out", "lwt_xmit", "lwt_seg6local", "lsm", "lsm.s", "lsm_cgroup",
        "freplace", "struct_ops", "struct_ops.s", "netfilter", "cgroup_sock", "cgroup_sock_addr",
        "cgroup_sysctl", "cgroup_sockopt", "cgroup_device",
    };

    /**
     * libbpf 0.x's section prefixes matched as plain string prefixes (SEC_SLOPPY_PFX), and the
     * samples' bpf_load.c ones ({@code cgroup/skb}, {@code cgroup/sock}), longest first where one
     * is a prefix of another. {@code tc} was never one, so {@code tcp_...} stays unknown.
     */
    private static final String[][] LEGACY_PREFIXES = {
        {"socket", "SOCKET_FILTER"}, {"sk_reuseport", null}, {"classifier", "SCHED_CLS"}, {"action", "SCHED_ACT"},
        {"xdp", "XDP"}, {"perf_event", "PERF_EVENT"}, {"lwt_in", null}, {"lwt_out", null}, {"lwt_xmit", null},
        {"lwt_seg6local", null}, {"sockops", null}, {"sk_skb", null}, {"sk_msg", null}, {"lirc_mode2", null},
        {"flow_dissector", null}, {"cgroup/skb", null}, {"cgroup/sock", null},
    };

    public static SectionType of(String section) {
        // libbpf's "?" prefix only turns off auto-loading; the type is the rest's.
        String head = section.startsWith("?") ? section.substring(1) : section;
        int slash = head.indexOf('/');
        if (slash >= 0) {
            head = head.substring(0, slash);
        }
        for (String[] k : KNOWN) {
            if (k[0].equals(head)) {
                return new SectionType(ProgramType.valueOf(k[1]), null);
            }
        }
        for (String u : UNMODELLED) {
            if (u.equals(head)) {
                return new SectionType(ProgramType.RAW, "section '" + section + "' is a " + u
                        + " program, a type this runtime does not model; loaded as RAW (r1 = input, r2 = length)");
            }
        }
        String name = section.startsWith("?") ? section.substring(1) : section;
        for (String[] k : LEGACY_PREFIXES) {
            if (name.startsWith(k[0])) {
                String legacy = "section '" + section + "' is typed by its prefix '" + k[0]
                        + "', as libbpf 0.x and the older loaders did";
                if (k[1] == null) {
                    return new SectionType(ProgramType.RAW, legacy + ": a type this runtime does not model; loaded"
                            + " as RAW (r1 = input, r2 = length)");
                }
                return new SectionType(ProgramType.valueOf(k[1]), legacy);
            }
        }
        return new SectionType(ProgramType.RAW, "section '" + section
                + "' does not name a known program type; loaded as RAW (r1 = input, r2 = length)");
    }
}
