package dev.jvmbpf.runtime.verifier;

/**
 * The abstract value of a register or a spilled stack slot on one path.
 *
 * @param kind the type
 * @param off for pointers, the constant part of the offset (signed)
 * @param min for scalars, the unsigned lower bound; for pointers, of the variable part of the offset
 * @param max for scalars, the unsigned upper bound; for pointers, of the variable part of the offset
 *     (a pointer without a variable part has {@code min == max == 0})
 * @param aux for {@link Kind#STACK}, the frame index; for map kinds, the map index (-1 unknown);
 *     for {@link Kind#MEM}, {@link #INPUT} when it points into a RAW program's input memory;
 *     for {@link Kind#FUNC}, the target pc
 * @param id for packet pointers, which variable offset they share (0: none); for the OR_NULL kinds,
 *     which lookup they come from, so that a null check refines every copy
 * @param range for packet pointers, how many bytes after the pointer's base (its packet start
 *     plus variable part) are proven to lie before {@code data_end}; for {@link Kind#MEM}, the
 *     size of the memory (-1 unknown)
 * @param bounds for scalars, everything known of the value (known bits, signed and unsigned 64- and
 *     32-bit ranges; {@code min} and {@code max} are its unsigned 64-bit range); null for others
 * @param ref for pointers to an object the program holds a reference on (a socket from a lookup, a
 *     reserved ring-buffer record, and pointers cast from them), the reference it must release
 *     (the kernel's ref_obj_id); 0 for none
 */
record RegValue(Kind kind, long off, long min, long max, int aux, int id, long range, Bounds bounds, int ref) {
    static final long UNBOUNDED = -1L;
    /** Variable offsets up to this are small enough that address arithmetic cannot wrap. */
    static final long SMALL = 1L << 30;
    /** The {@code aux} of a {@link Kind#MEM} pointer into the input memory of a RAW program (r1 at entry). */
    static final int INPUT = 1;
    /** The {@code aux} of a read-only {@link Kind#MEM} pointer (the kernel's MEM_RDONLY: an iterator's element). */
    static final int READ_ONLY = 2;

    enum Kind {
        NOT_INIT("!read_ok"),
        SCALAR("scalar"),
        /** Initialised, of a type the verifier does not follow: anything is allowed, nothing proven. */
        UNKNOWN("unknown"),
        CTX("ctx"),
        STACK("fp"),
        MAP_PTR("map_ptr"),
        MAP_VALUE("map_value"),
        MAP_VALUE_OR_NULL("map_value_or_null"),
        PACKET("pkt"),
        PACKET_META("pkt_meta"),
        PACKET_END("pkt_end"),
        MEM("mem"),
        MEM_OR_NULL("ringbuf_mem_or_null"),
        FUNC("func"),
        /**
         * A stack slot holding an open-coded iterator (only ever a spilled value): {@code aux}
         * names the iterator type, {@code off} its first byte, {@code id} the pc of its
         * {@code _new} call plus one, {@code range} its size (see KfuncCalls).
         */
        ITER("iter"),
        /**
         * A kernel object pointer a {@code KF_ACQUIRE} kfunc returned, maybe null: {@code id} is
         * the reference (the pc of the call plus one), released by a {@code KF_RELEASE} kfunc.
         */
        KPTR_OR_NULL("ptr_or_null_"),
        /** The same after a null check: a referenced kernel object pointer, not followed further. */
        KPTR("ptr_"),
        /** A flow dissector's {@code struct bpf_flow_keys} ({@code __sk_buff->flow_keys}). */
        FLOW_KEYS("flow_keys"),
        /** Kernel sockets, read through their uapi mirrors (struct bpf_sock, bpf_tcp_sock, bpf_xdp_sock). */
        SOCK_COMMON("sock_common"),
        SOCK("sock"),
        TCP_SOCK("tcp_sock"),
        XDP_SOCK("xdp_sock"),
        SOCK_COMMON_OR_NULL("sock_common_or_null"),
        SOCK_OR_NULL("sock_or_null"),
        TCP_SOCK_OR_NULL("tcp_sock_or_null"),
        XDP_SOCK_OR_NULL("xdp_sock_or_null");

        final String label;

        Kind(String label) {
            this.label = label;
        }

        boolean isPointer() {
            return this != NOT_INIT && this != SCALAR && this != UNKNOWN;
        }

        boolean isNullable() {
            return this == MAP_VALUE_OR_NULL || this == MEM_OR_NULL || this == KPTR_OR_NULL
                    || this == SOCK_COMMON_OR_NULL || this == SOCK_OR_NULL || this == TCP_SOCK_OR_NULL
                    || this == XDP_SOCK_OR_NULL;
        }

        /** What a maybe-null kind becomes once checked against NULL (itself for the others). */
        Kind nonNull() {
            return switch (this) {
                case MAP_VALUE_OR_NULL -> MAP_VALUE;
                case MEM_OR_NULL -> MEM;
                case KPTR_OR_NULL -> KPTR;
                case SOCK_COMMON_OR_NULL -> SOCK_COMMON;
                case SOCK_OR_NULL -> SOCK;
                case TCP_SOCK_OR_NULL -> TCP_SOCK;
                case XDP_SOCK_OR_NULL -> XDP_SOCK;
                default -> this;
            };
        }

        /** A socket, checked against NULL or not. */
        boolean isSocket() {
            return switch (nonNull()) {
                case SOCK_COMMON, SOCK, TCP_SOCK, XDP_SOCK -> true;
                default -> false;
            };
        }
    }

    static final RegValue NOT_INIT = new RegValue(Kind.NOT_INIT, 0, 0, 0, 0, 0, 0, null, 0);
    static final RegValue UNKNOWN = new RegValue(Kind.UNKNOWN, 0, 0, 0, 0, 0, 0, null, 0);
    static final RegValue ANY_SCALAR = scalar(Bounds.UNKNOWN);
    /**
     * The {@code aux} of a scalar this analysis knows less about than the kernel would (a join of
     * paths, a narrow fill from the stack, results the kernel refines further): its bounds are
     * sound but not the kernel's, so no refusal may rest on them.
     */
    static final int IMPRECISE = 1;
    static final RegValue IMPRECISE_SCALAR = ANY_SCALAR.withAux(IMPRECISE);

    static RegValue scalar(long min, long max) {
        return scalar(Bounds.unsigned(min, max));
    }

    static RegValue scalar(Bounds b) {
        return new RegValue(Kind.SCALAR, 0, b.umin(), b.umax(), 0, 0, 0, b, 0);
    }

    static RegValue constant(long v) {
        return scalar(Bounds.constant(v));
    }

    static RegValue pointer(Kind kind, long off, int aux) {
        return new RegValue(kind, off, 0, 0, aux, 0, kind == Kind.MEM ? UNBOUNDED : 0, null, 0);
    }

    boolean isConstant() {
        return kind == Kind.SCALAR && min == max;
    }

    /** A scalar whose bounds are not the kernel's (see {@link #IMPRECISE}). */
    boolean imprecise() {
        return kind == Kind.SCALAR && aux == IMPRECISE;
    }

    RegValue withAux(int a) {
        return new RegValue(kind, off, min, max, a, id, range, bounds, ref);
    }

    /**
     * For pointers: the kernel's bounds of the variable part of the offset, when this analysis
     * knows them as the kernel does (null when the variable part was widened or comes from an
     * imprecise scalar).
     */
    RegValue withVarBounds(Bounds b) {
        return new RegValue(kind, off, min, max, aux, id, range, b, ref);
    }

    boolean isInit() {
        return kind != Kind.NOT_INIT;
    }

    /** Whether a pointer's offset is exactly {@link #off()}. */
    boolean fixedOffset() {
        return min == 0 && max == 0;
    }

    /** Whether a pointer's variable part is known and small. */
    boolean smallVariable() {
        return Long.compareUnsigned(max, SMALL) <= 0;
    }

    RegValue withOff(long o) {
        return new RegValue(kind, o, min, max, aux, id, range, bounds, ref);
    }

    RegValue withVariable(long lo, long hi) {
        return new RegValue(kind, off, lo, hi, aux, id, range, bounds, ref);
    }

    RegValue withId(int i) {
        return new RegValue(kind, off, min, max, aux, i, range, bounds, ref);
    }

    RegValue withRange(long r) {
        return new RegValue(kind, off, min, max, aux, id, r, bounds, ref);
    }

    RegValue withRef(int r) {
        return new RegValue(kind, off, min, max, aux, id, range, bounds, r);
    }

    RegValue withKind(Kind k) {
        return new RegValue(k, off, min, max, aux, id, range, bounds, ref);
    }

    /** Whether everything that is safe from {@code this} is safe from {@code other} too (this covers other). */
    boolean covers(RegValue other) {
        if (kind == Kind.NOT_INIT || kind == Kind.UNKNOWN) {
            return true;
        }
        if (kind != other.kind) {
            return false;
        }
        if (kind == Kind.SCALAR) {
            return bounds.covers(other.bounds);
        }
        if (aux != other.aux || id != other.id || ref != other.ref) {
            return false;
        }
        boolean anyOffset = min == 0 && max == UNBOUNDED && kind != Kind.PACKET;
        if (!anyOffset && (off != other.off || Long.compareUnsigned(min, other.min) > 0
                || Long.compareUnsigned(max, other.max) < 0)) {
            return false;
        }
        return kind == Kind.PACKET ? range <= other.range : range == other.range;
    }

    /** A value that covers both (precision is given up where they differ, never safety). */
    RegValue join(RegValue other) {
        if (equals(other)) {
            return this;
        }
        if (kind != other.kind || kind == Kind.UNKNOWN) {
            return kind == Kind.NOT_INIT && other.kind == Kind.NOT_INIT ? NOT_INIT : UNKNOWN;
        }
        if (kind == Kind.SCALAR) {
            // Widening: a scalar that differs between paths (a loop counter) becomes unknown.
            return IMPRECISE_SCALAR;
        }
        if (aux != other.aux || id != other.id || ref != other.ref || kind == Kind.PACKET && off != other.off) {
            return UNKNOWN;
        }
        long r = kind == Kind.PACKET ? Math.min(range, other.range) : range == other.range ? range : UNBOUNDED;
        RegValue v = off == other.off && min == other.min && max == other.max && java.util.Objects.equals(bounds,
                other.bounds) ? this : withOff(0).withVariable(0, UNBOUNDED).withVarBounds(null);
        return v.withRange(r);
    }

    String describe() {
        return kind.label;
    }
}
