package dev.jvmbpf;

import dev.jvmbpf.helpers.context.ProgramContext;
import dev.jvmbpf.helpers.context.RawContext;
import dev.jvmbpf.helpers.context.SkBuffContext;
import dev.jvmbpf.helpers.context.TracepointContext;
import dev.jvmbpf.helpers.context.XdpContext;
import dev.jvmbpf.internal.BtfCodec;
import dev.jvmbpf.internal.Numbers;
import dev.jvmbpf.internal.SkBuffFields;
import dev.jvmbpf.internal.StructWriter;
import dev.jvmbpf.runtime.btf.Btf;
import dev.jvmbpf.runtime.btf.BtfType;
import dev.jvmbpf.runtime.program.ProgramType;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds the context of one run of a program, by what the program is:
 * <ul>
 * <li>XDP: an {@code xdp_md} over {@link #packet}; fields {@code ingress_ifindex},
 *     {@code rx_queue_index}, {@code egress_ifindex}. {@code data}/{@code data_end} point into the
 *     packet as in the kernel.
 * <li>Socket filters and tc: an {@code __sk_buff} over {@link #packet}; the 32-bit fields by name
 *     ({@code mark}, {@code priority}, {@code cb[0]}...) and {@code protocol} (an EtherType).
 * <li>RAW: r1 = {@link #memory}, r2 = its length; no fields.
 * <li>Everything else (tracepoints, kprobes, ...): a read-only record laid out by the BTF struct
 *     the program's first parameter points to, fields set by name ({@code id}, {@code args[0]});
 *     {@link #memory} gives its initial bytes. Without BTF the record is {@link #memory} or 64 zero
 *     bytes and has no named fields.
 * </ul>
 * Unknown fields and values that do not fit throw {@link IllegalArgumentException} naming them.
 */
public final class ContextBuilder {
    /** The size of a context without BTF or memory: a syscall tracepoint record. */
    static final int DEFAULT_RECORD_SIZE = 64;

    private final String programName;
    private final ProgramType type;
    private final Btf btf;
    private final BtfType.Composite struct;
    private final Map<String, String> fields = new LinkedHashMap<>();
    private byte[] packet = new byte[0];
    private byte[] memory;

    ContextBuilder(String programName, ProgramType type, Btf btf, BtfType.Composite struct) {
        this.programName = programName;
        this.type = type;
        this.btf = btf;
        this.struct = struct;
    }

    /** The packet of an XDP, socket filter or tc program. */
    public ContextBuilder packet(byte[] bytes) {
        if (!hasPacket()) {
            throw new IllegalArgumentException(programName + " is a " + typeName(type)
                    + " program; it takes no packet" + (type == ProgramType.RAW ? " (give it memory)" : ""));
        }
        this.packet = bytes.clone();
        return this;
    }

    /** RAW: the input memory. Others without a packet: the context record's initial bytes. */
    public ContextBuilder memory(byte[] bytes) {
        if (hasPacket()) {
            throw new IllegalArgumentException(programName + " is a " + typeName(type)
                    + " program; give it a packet, not memory");
        }
        this.memory = bytes.clone();
        return this;
    }

    /** Sets field {@code path} to {@code value} (a number, or a string for char arrays). */
    public ContextBuilder set(String path, String value) {
        fields.put(path.strip(), value.strip());
        check(path.strip(), value.strip());
        return this;
    }

    public ContextBuilder set(String path, long value) {
        return set(path, Long.toString(value));
    }

    private boolean hasPacket() {
        return switch (type) {
            case XDP, SOCKET_FILTER, SCHED_CLS, SCHED_ACT -> true;
            default -> false;
        };
    }

    /** Fails early (at {@link #set}) on names the context cannot have. */
    private void check(String path, String value) {
        build(Map.of(path, value));
    }

    public ProgramContext build() {
        return build(fields);
    }

    private ProgramContext build(Map<String, String> values) {
        return switch (type) {
            case XDP -> xdp(values);
            case SOCKET_FILTER, SCHED_CLS, SCHED_ACT -> skb(values);
            case RAW -> {
                if (!values.isEmpty()) {
                    throw new IllegalArgumentException(programName + " is a raw program: its context is its memory,"
                            + " it has no field '" + values.keySet().iterator().next() + "'");
                }
                yield new RawContext(memory == null ? new byte[0] : memory.clone());
            }
            default -> record(values);
        };
    }

    private ProgramContext xdp(Map<String, String> values) {
        XdpContext.Builder b = XdpContext.builder().packet(packet);
        for (Map.Entry<String, String> e : values.entrySet()) {
            int v = u32(e.getKey(), e.getValue(), "xdp_md");
            switch (e.getKey()) {
                case "ingress_ifindex" -> b.ingressIfindex(v);
                case "rx_queue_index" -> b.rxQueueIndex(v);
                case "egress_ifindex" -> b.egressIfindex(v);
                case "data", "data_end", "data_meta" -> throw new IllegalArgumentException("field '" + e.getKey()
                        + "' of struct xdp_md points into the packet; give the packet instead");
                default -> throw new IllegalArgumentException("struct xdp_md has no settable field '" + e.getKey()
                        + "' (ingress_ifindex, rx_queue_index, egress_ifindex)");
            }
        }
        return b.build();
    }

    private ProgramContext skb(Map<String, String> values) {
        SkBuffContext.Builder b = SkBuffContext.builder().packet(packet);
        for (Map.Entry<String, String> e : values.entrySet()) {
            String name = e.getKey();
            if (name.equals("protocol")) {
                b.protocol(u16(name, e.getValue()));
                continue;
            }
            int offset = SkBuffFields.offset(name);
            if (offset < 0) {
                throw new IllegalArgumentException("struct __sk_buff has no settable field '" + name + "' ("
                        + SkBuffFields.names() + ")");
            }
            b.field(offset, u32(name, e.getValue(), "__sk_buff"));
        }
        return b.build();
    }

    private ProgramContext record(Map<String, String> values) {
        byte[] bytes;
        if (struct != null) {
            bytes = new byte[Math.max(struct.size(), memory == null ? 0 : memory.length)];
        } else {
            bytes = new byte[memory == null ? DEFAULT_RECORD_SIZE : memory.length];
        }
        if (memory != null) {
            System.arraycopy(memory, 0, bytes, 0, memory.length);
        }
        if (!values.isEmpty() && struct == null) {
            throw new IllegalArgumentException(programName + "'s context has no BTF type (its parameter is no"
                    + " pointer to a struct, or the object lacks BTF), so field '" + values.keySet().iterator().next()
                    + "' is unknown; give the record's bytes as memory instead");
        }
        if (struct != null) {
            StructWriter w = new StructWriter(btf, struct, bytes);
            values.forEach(w::set);
        }
        return new TracepointContext(bytes);
    }

    private static int u32(String name, String text, String struct) {
        BigInteger v = number(name, text);
        if (!Numbers.fits(v, 32)) {
            throw new IllegalArgumentException("field '" + name + "' of struct " + struct + " (32 bits): " + text
                    + " does not fit");
        }
        return (int) Numbers.low64(v);
    }

    private static int u16(String name, String text) {
        BigInteger v = number(name, text);
        if (v.signum() < 0 || !Numbers.fits(v, 16)) {
            throw new IllegalArgumentException("field '" + name + "' (an EtherType, 16 bits): " + text + " does not fit");
        }
        return v.intValue();
    }

    private static BigInteger number(String name, String text) {
        try {
            return Numbers.parseBig(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("field '" + name + "': " + e.getMessage(), e);
        }
    }

    /**
     * What a run left of the data it was given: the packet of an XDP, socket filter or tc context
     * (as bpftool's {@code data_out}), the memory of a raw one; null for contexts without data.
     */
    public byte[] dataOf(ProgramContext context) {
        return switch (context) {
            case XdpContext x -> x.packet();
            case SkBuffContext s -> s.packet().clone();
            case RawContext r -> r.memory().clone();
            default -> null;
        };
    }

    /**
     * The context record itself as a run left it (as bpftool's {@code ctx_out}): the
     * {@code xdp_md}, the {@code __sk_buff} (packet pointers zero, as the kernel gives them back),
     * a tracepoint's record; null for a raw program, whose context is its memory.
     */
    public byte[] contextBytesOf(ProgramContext context) {
        return switch (context) {
            case XdpContext x -> x.contextBytes();
            case SkBuffContext s -> s.contextBytes();
            case TracepointContext t -> t.bytes().clone();
            default -> null;
        };
    }

    /**
     * The named fields of {@code context} and their values now, in layout order: the fields of
     * {@code xdp_md} and {@code __sk_buff} (32-bit, unsigned), or the members of the BTF struct of
     * a record ({@code ent.type}, {@code args[0]}); empty without names. Compare the fields of a
     * freshly built context with those after its run to see what the program changed.
     */
    public Map<String, Object> fieldsOf(ProgramContext context) {
        Map<String, Object> out = new LinkedHashMap<>();
        switch (context) {
            case XdpContext x -> {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(x.contextBytes()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                String[] names = {"data", "data_end", "data_meta", "ingress_ifindex", "rx_queue_index", "egress_ifindex"};
                for (int i = 0; i < names.length; i++) {
                    out.put(names[i], Integer.toUnsignedLong(b.getInt(4 * i)));
                }
            }
            case SkBuffContext s -> {
                out.put("len", Integer.toUnsignedLong(s.field(SkBuffContext.LEN)));
                out.put("protocol", Integer.toUnsignedLong(s.field(SkBuffContext.PROTOCOL)));
                SkBuffFields.all().forEach((name, offset) -> out.put(name, Integer.toUnsignedLong(s.field(offset))));
            }
            case TracepointContext t when struct != null && t.bytes().length >= struct.size() ->
                    flatten("", new BtfCodec(btf).decode(struct.id(), t.bytes(), 0), out);
            default -> {
            }
        }
        return out;
    }

    private static void flatten(String prefix, Object value, Map<String, Object> out) {
        switch (value) {
            case Map<?, ?> m -> m.forEach((k, v) -> flatten(prefix.isEmpty() ? k.toString() : prefix + "." + k, v, out));
            case java.util.List<?> l -> {
                for (int i = 0; i < l.size(); i++) {
                    flatten(prefix + "[" + i + "]", l.get(i), out);
                }
            }
            default -> out.put(prefix, value);
        }
    }

    static String typeName(ProgramType type) {
        return switch (type) {
            case RAW -> "raw";
            case SOCKET_FILTER -> "socket filter";
            case KPROBE -> "kprobe";
            case SCHED_CLS -> "tc classifier";
            case SCHED_ACT -> "tc action";
            case TRACEPOINT -> "tracepoint";
            case XDP -> "XDP";
            case PERF_EVENT -> "perf event";
            case RAW_TRACEPOINT -> "raw tracepoint";
            case TRACING -> "tracing";
            case SYSCALL -> "syscall";
            default -> type.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
        };
    }
}
