package dev.jvmbpf.helpers.context;

import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.memory.AddressSpace;
import dev.jvmbpf.runtime.memory.Region;
import dev.jvmbpf.runtime.program.ProgramType;
import dev.jvmbpf.runtime.program.SkBuffLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A {@code struct __sk_buff} for socket filters and tc programs (192 bytes, the kernel's uapi
 * layout). Loads of {@code data}, {@code data_end} and {@code data_meta} yield 64-bit packet
 * pointers; {@code protocol} holds the EtherType in network byte order as in the kernel; the
 * other fields hold what the builder set. The context is writable (mark, priority, cb[],
 * tc_index, tc_classid...); which fields a program may write is the verifier's concern. The
 * packet is also the one {@code LD_ABS}/{@code LD_IND} read.
 */
public final class SkBuffContext implements ProgramContext {
    // Field offsets under the names users of this context know; the values are runtime's SkBuffLayout,
    // the one table, which the verifier reads too.
    public static final int SIZE = SkBuffLayout.SIZE;
    public static final int LEN = SkBuffLayout.LEN;
    public static final int PKT_TYPE = SkBuffLayout.PKT_TYPE;
    public static final int MARK = SkBuffLayout.MARK;
    public static final int QUEUE_MAPPING = SkBuffLayout.QUEUE_MAPPING;
    public static final int PROTOCOL = SkBuffLayout.PROTOCOL;
    public static final int VLAN_PRESENT = SkBuffLayout.VLAN_PRESENT;
    public static final int VLAN_TCI = SkBuffLayout.VLAN_TCI;
    public static final int VLAN_PROTO = SkBuffLayout.VLAN_PROTO;
    public static final int PRIORITY = SkBuffLayout.PRIORITY;
    public static final int INGRESS_IFINDEX = SkBuffLayout.INGRESS_IFINDEX;
    public static final int IFINDEX = SkBuffLayout.IFINDEX;
    public static final int TC_INDEX = SkBuffLayout.TC_INDEX;
    public static final int CB = SkBuffLayout.CB;
    public static final int HASH = SkBuffLayout.HASH;
    public static final int TC_CLASSID = SkBuffLayout.TC_CLASSID;
    public static final int DATA = SkBuffLayout.DATA;
    public static final int DATA_END = SkBuffLayout.DATA_END;
    public static final int NAPI_ID = SkBuffLayout.NAPI_ID;
    public static final int FAMILY = SkBuffLayout.FAMILY;
    public static final int REMOTE_IP4 = SkBuffLayout.REMOTE_IP4;
    public static final int LOCAL_IP4 = SkBuffLayout.LOCAL_IP4;
    public static final int REMOTE_PORT = SkBuffLayout.REMOTE_PORT;
    public static final int LOCAL_PORT = SkBuffLayout.LOCAL_PORT;
    public static final int DATA_META = SkBuffLayout.DATA_META;
    public static final int TSTAMP = SkBuffLayout.TSTAMP;
    public static final int WIRE_LEN = SkBuffLayout.WIRE_LEN;
    public static final int GSO_SEGS = SkBuffLayout.GSO_SEGS;
    public static final int GSO_SIZE = SkBuffLayout.GSO_SIZE;

    /** The kernel's BPF_SKB_MAX_LEN: the largest packet the resizing helpers make (16 KiB less skb_shared_info). */
    public static final int MAX_LEN = 16384 - 320;
    /** The runtime's packets start with an Ethernet header: the helpers' MAC header length. */
    public static final int ETH_HLEN = 14;

    private final Skb skb;
    private final byte[] fields;

    private SkBuffContext(byte[] packet, byte[] fields, long socketCookie, byte[] tunnelKey, boolean tunnelIpv6,
            byte[] tunnelOptions) {
        this.fields = fields;
        this.skb = new Skb(packet, fields, socketCookie, tunnelKey, tunnelIpv6, tunnelOptions);
    }

    public static SkBuffContext of(byte[] packet) {
        return builder().packet(packet).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The packet as the program left it: the bytes themselves (not a copy) while no helper resized
     * it, a new array after bpf_skb_change_head, change_tail, change_proto, adjust_room or a VLAN
     * tag moved into or out of the packet.
     */
    public byte[] packet() {
        return skb.packet;
    }

    /** The 32-bit field at {@code offset} as the program left it, for example {@link #MARK}. */
    public int field(int offset) {
        return ByteBuffer.wrap(fields).order(ByteOrder.LITTLE_ENDIAN).getInt(offset);
    }

    /**
     * The {@code struct __sk_buff} (192 bytes) as the program left it, its packet pointers
     * ({@code data}, {@code data_end}, {@code data_meta}) zero as in the kernel's test-run output:
     * they are addresses of this run only.
     */
    public byte[] contextBytes() {
        byte[] out = fields.clone();
        ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putInt(DATA, 0).putInt(DATA_END, 0).putInt(DATA_META, 0);
        return out;
    }

    /** The socket buffer behind the context, as the packet helpers see it. */
    public Skb skb() {
        return skb;
    }

    @Override
    public boolean suits(ProgramType type) {
        return type == ProgramType.SOCKET_FILTER || type == ProgramType.SCHED_CLS || type == ProgramType.SCHED_ACT;
    }

    @Override
    public Entry install(Machine machine) {
        AddressSpace memory = machine.memory();
        Region ctx = Region.context("__sk_buff", fields, true, skb);
        skb.publish(machine);
        return new Entry(memory.register(ctx), 0);
    }

    /**
     * The kernel's {@code struct sk_buff} as far as this runtime models it: the packet (starting at
     * the MAC header, linear, no headroom limit up to {@link #MAX_LEN}), the {@code __sk_buff}
     * fields, the socket it belongs to (by its cookie; 0: none) and tunnel metadata: the key and
     * options it arrived with (set by the builder) and those a program set for transmission
     * ({@link #txTunnelKey()}, {@link #txTunnelOptions()}). The resizing helpers replace the packet
     * and publish the new one to the machine; {@code data}, {@code data_end} and {@code len} follow.
     */
    public static final class Skb implements Region.ContextView {
        private byte[] packet;
        private final byte[] fields;
        private final long socketCookie;
        private final byte[] tunnelKey;
        private final byte[] tunnelOptions;
        private long data;
        private byte[] txTunnelKey;
        private byte[] txTunnelOptions;
        private Tunnel tunnel;

        Skb(byte[] packet, byte[] fields, long socketCookie, byte[] tunnelKey, boolean tunnelIpv6,
                byte[] tunnelOptions) {
            this.packet = packet;
            this.fields = fields;
            this.socketCookie = socketCookie;
            this.tunnelKey = tunnelKey;
            this.tunnelOptions = tunnelOptions;
            this.tunnel = tunnelKey == null ? null : new Tunnel(tunnelKey.clone(), tunnelIpv6, 0,
                    tunnelOptions == null ? null : tunnelOptions.clone());
        }

        /**
         * The kernel's {@code ip_tunnel_info} of the packet as bpf_skb_get_tunnel_key reads it:
         * {@code key} is the {@code struct bpf_tunnel_key} it fills (44 bytes, tunnel_ext 0),
         * {@code flags} the tunnel flags as {@code BPF_F_TUNINFO_FLAGS} gives them (host order),
         * {@code options} null when none are present. The key the packet arrived with, or after
         * bpf_skb_set_tunnel_key the one set (whose remote and local addresses a get then
         * returns swapped, as the kernel's does: its info holds source and destination).
         */
        public record Tunnel(byte[] key, boolean ipv6, int flags, byte[] options) {
        }

        /** The packet's tunnel metadata now, or null. */
        public Tunnel tunnel() {
            return tunnel;
        }

        public void setTunnel(Tunnel t) {
            this.tunnel = t;
        }

        /** The socket buffer behind an {@code __sk_buff} region, or null when the region is none. */
        public static Skb of(Region ctx) {
            return ctx != null && ctx.view() instanceof Skb s ? s : null;
        }

        @Override
        public Long load(AddressSpace space, int offset, int width) {
            if (width != 4) {
                return null;
            }
            return switch (offset) {
                case DATA, DATA_META -> data;
                case DATA_END -> data + packet.length;
                default -> null;
            };
        }

        private void publish(Machine machine) {
            data = machine.memory().register(Region.of("skb packet", packet, true));
            ByteBuffer.wrap(fields).order(ByteOrder.LITTLE_ENDIAN).putInt(LEN, packet.length)
                    .putInt(DATA, (int) data).putInt(DATA_END, (int) (data + packet.length)).putInt(DATA_META, (int) data);
            machine.setContextPacket(data, packet.length);
        }

        /** The packet now (not a copy). */
        public byte[] packet() {
            return packet;
        }

        /** Replaces the packet by {@code bytes} and points the context and the machine at it. */
        public void replacePacket(Machine machine, byte[] bytes) {
            packet = bytes;
            publish(machine);
        }

        /** The 32-bit {@code __sk_buff} field at {@code offset}. */
        public int field(int offset) {
            return ByteBuffer.wrap(fields).order(ByteOrder.LITTLE_ENDIAN).getInt(offset);
        }

        public void setField(int offset, int value) {
            ByteBuffer.wrap(fields).order(ByteOrder.LITTLE_ENDIAN).putInt(offset, value);
        }

        /** The cookie of the socket the packet belongs to; 0 when it belongs to none. */
        public long socketCookie() {
            return socketCookie;
        }

        /** The {@code struct bpf_tunnel_key} (44 bytes) the packet arrived with, or null. */
        public byte[] tunnelKey() {
            return tunnelKey == null ? null : tunnelKey.clone();
        }

        /** The tunnel options the packet arrived with, or null. */
        public byte[] tunnelOptions() {
            return tunnelOptions == null ? null : tunnelOptions.clone();
        }

        /** The tunnel key a program set with bpf_skb_set_tunnel_key (44 bytes), or null. */
        public byte[] txTunnelKey() {
            return txTunnelKey == null ? null : txTunnelKey.clone();
        }

        public void setTxTunnelKey(byte[] key) {
            this.txTunnelKey = key.clone();
            this.txTunnelOptions = null;
        }

        /** The tunnel options a program set with bpf_skb_set_tunnel_opt, or null. */
        public byte[] txTunnelOptions() {
            return txTunnelOptions == null ? null : txTunnelOptions.clone();
        }

        public void setTxTunnelOptions(byte[] options) {
            this.txTunnelOptions = options.clone();
        }
    }

    public static final class Builder {
        private byte[] packet = new byte[0];
        private final ByteBuffer fields = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        private boolean protocolSet;
        private long socketCookie;
        private byte[] tunnelKey;
        private boolean tunnelIpv6;
        private byte[] tunnelOptions;

        private Builder() {
            fields.putInt(INGRESS_IFINDEX, 1).putInt(IFINDEX, 1).putInt(GSO_SEGS, 1);
        }

        public Builder packet(byte[] bytes) {
            this.packet = bytes.clone();
            return this;
        }

        /** The EtherType (for example 0x0800), stored in network byte order. */
        public Builder protocol(int etherType) {
            fields.putInt(PROTOCOL, Short.toUnsignedInt(Short.reverseBytes((short) etherType)));
            protocolSet = true;
            return this;
        }

        /** Any 32-bit field by its offset, for example {@code field(SkBuffContext.MARK, 7)}. */
        public Builder field(int offset, int value) {
            if (offset < 0 || offset + 4 > SIZE || offset == DATA || offset == DATA_END || offset == DATA_META) {
                throw new IllegalArgumentException("__sk_buff has no settable 32-bit field at offset " + offset);
            }
            fields.putInt(offset, value);
            return this;
        }

        /**
         * The cookie of the socket the packet belongs to (what bpf_get_socket_cookie returns); 0, the
         * default, for a packet of no local socket.
         */
        public Builder socketCookie(long cookie) {
            this.socketCookie = cookie;
            return this;
        }

        /**
         * The tunnel metadata the packet arrived with, as {@code struct bpf_tunnel_key} (44 bytes:
         * tunnel_id, remote_ipv4 or remote_ipv6[4], tunnel_tos, tunnel_ttl, tunnel_ext,
         * tunnel_label, local_ipv4 or local_ipv6[4]), read by bpf_skb_get_tunnel_key.
         */
        public Builder tunnelKey(byte[] key) {
            return tunnelKey(key, false);
        }

        /** As {@link #tunnelKey(byte[])}, of an IPv6 tunnel ({@code ipv6}: remote_ipv6, local_ipv6, tunnel_label). */
        public Builder tunnelKey(byte[] key, boolean ipv6) {
            if (key.length != 44) {
                throw new IllegalArgumentException("a struct bpf_tunnel_key has 44 bytes, got " + key.length);
            }
            byte[] k = key.clone();
            k[22] = 0;
            k[23] = 0;
            if (!ipv6) {
                java.util.Arrays.fill(k, 8, 20, (byte) 0);
                java.util.Arrays.fill(k, 24, 28, (byte) 0);
                java.util.Arrays.fill(k, 32, 44, (byte) 0);
            }
            this.tunnelKey = k;
            this.tunnelIpv6 = ipv6;
            return this;
        }

        /** The tunnel options the packet arrived with (bpf_skb_get_tunnel_opt); needs a tunnel key. */
        public Builder tunnelOptions(byte[] options) {
            this.tunnelOptions = options.clone();
            return this;
        }

        public SkBuffContext build() {
            ByteBuffer f = fields.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            f.putInt(LEN, packet.length).putInt(WIRE_LEN, packet.length);
            if (!protocolSet && packet.length >= 14) {
                // Like the kernel's eth_type_trans: the EtherType of the Ethernet header, as stored.
                f.putInt(PROTOCOL, (packet[12] & 0xff) | (packet[13] & 0xff) << 8);
            }
            return new SkBuffContext(packet.clone(), f.array().clone(), socketCookie, tunnelKey, tunnelIpv6,
                    tunnelOptions);
        }
    }
}
