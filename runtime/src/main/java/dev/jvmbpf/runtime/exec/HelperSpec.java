package dev.jvmbpf.runtime.exec;

import java.util.List;

/**
 * A helper as the loader, verifier and engines see it: the kernel's id and name, the argument
 * types the verifier checks, the implementation, and the properties the kernel gives each helper
 * in its {@code bpf_func_proto} and lists, which the verifier and the engines ask the spec for
 * instead of keeping lists of ids of their own.
 *
 * <p>The four-argument constructor declares a helper with none of the properties;
 * {@link #withChangesPacket}, {@link #withGplOnly} and {@link #withPacketAccess} add them:
 * {@code new HelperSpec(44, "xdp_adjust_head", args, impl).withChangesPacket()}.
 *
 * @param changesPacket whether the helper may move or resize the packet (the kernel's
 *     {@code bpf_helper_changes_pkt_data}): the verifier turns every packet pointer into a scalar
 *     after a call, as the kernel does, and an engine that holds the packet's region must fetch it
 *     again. A helper that moves the packet and does not say so lets programs keep stale pointers.
 * @param gplOnly whether the kernel lets only programs with a GPL-compatible licence call it (the
 *     {@code gpl_only} flag of its {@code bpf_func_proto})
 * @param packetAccess whether its typed pointer arguments may point into the packet (the
 *     {@code pkt_access} flag of its {@code bpf_func_proto}: the map element helpers, csum_diff,
 *     the socket lookups, the syncookie helpers); the verifier refuses a packet pointer given to
 *     any other helper where the helper checks the argument's type
 */
public record HelperSpec(int id, String name, List<ArgType> args, Helper implementation, boolean changesPacket,
        boolean gplOnly, boolean packetAccess) {
    public HelperSpec {
        if (id < 0) {
            throw new IllegalArgumentException("helper id must not be negative: " + id);
        }
        args = List.copyOf(args);
        if (args.size() > 5) {
            throw new IllegalArgumentException("helper " + name + " takes at most 5 arguments");
        }
    }

    /** A helper that neither changes the packet nor is GPL-only nor takes packet pointers. */
    public HelperSpec(int id, String name, List<ArgType> args, Helper implementation) {
        this(id, name, args, implementation, false, false, false);
    }

    /** The same helper, declared to move or resize the packet ({@link #changesPacket()}). */
    public HelperSpec withChangesPacket() {
        return new HelperSpec(id, name, args, implementation, true, gplOnly, packetAccess);
    }

    /** The same helper, declared callable only from GPL-compatible programs ({@link #gplOnly()}). */
    public HelperSpec withGplOnly() {
        return new HelperSpec(id, name, args, implementation, changesPacket, true, packetAccess);
    }

    /** The same helper, declared to take packet pointers ({@link #packetAccess()}). */
    public HelperSpec withPacketAccess() {
        return new HelperSpec(id, name, args, implementation, changesPacket, gplOnly, true);
    }

    /**
     * Whether the helper takes a bpf-to-bpf function to call back ({@link ArgType#PTR_TO_FUNC}, as
     * bpf_loop and for_each_map_elem do), so that a call may run any code of the program.
     */
    public boolean takesCallback() {
        return args.contains(ArgType.PTR_TO_FUNC);
    }
}
