package dev.jvmbpf.helpers.context;

import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.memory.AddressSpace;
import dev.jvmbpf.runtime.memory.Region;
import dev.jvmbpf.runtime.program.ProgramType;
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
    public static final int CB = 48;
    public static final int HASH = 68;
    public static final int TC_CLASSID = 72;
    public static final int DATA = 76;
    public static final int DATA_END = 80;
    public static final int NAPI_ID = 84;
    public static final int FAMILY = 88;
    public static final int REMOTE_IP4 = 92;
    public static final int LOCAL_IP4 = 96;
    public static final int REMOTE_PORT = 132;
    public static final int LOCAL_PORT = 136;
    public static final int DATA_META = 140;
    public static final int TSTAMP = 152;
    public static final int WIRE_LEN = 160;
    public static final int GSO_SEGS = 164;
    public static final int GSO_SIZE = 176;

    private final byte[] packet;
    private final byte[] fields;

    private SkBuffContext(byte[] packet, byte[] fields) {
        this.packet = packet;
        this.fields = fields;
    }

    public static SkBuffContext of(byte[] packet) {
        return builder().packet(packet).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The packet as the program left it (not a copy). */
    public byte[] packet() {
        return packet;
    }

    /** The 32-bit field at {@code offset} as the program left it, for example {@link #MARK}. */
    public int field(int offset) {
        return ByteBuffer.wrap(fields).order(ByteOrder.LITTLE_ENDIAN).getInt(offset);
    }

    @Override
    public boolean suits(ProgramType type) {
        return type == ProgramType.SOCKET_FILTER || type == ProgramType.SCHED_CLS || type == ProgramType.SCHED_ACT;
    }

    @Override
    public Entry install(Machine machine) {
        AddressSpace memory = machine.memory();
        long data = memory.register(Region.of("skb packet", packet, true));
        long end = data + packet.length;
        ByteBuffer.wrap(fields).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(DATA, (int) data).putInt(DATA_END, (int) end).putInt(DATA_META, (int) data);
        Region ctx = Region.context("__sk_buff", fields, true, (space, offset, width) -> {
            if (width != 4) {
                return null;
            }
            return switch (offset) {
                case DATA, DATA_META -> data;
                case DATA_END -> end;
                default -> null;
            };
        });
        machine.setContextPacket(data, packet.length);
        return new Entry(memory.register(ctx), 0);
    }

    public static final class Builder {
        private byte[] packet = new byte[0];
        private final ByteBuffer fields = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        private boolean protocolSet;

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

        public SkBuffContext build() {
            ByteBuffer f = fields.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            f.putInt(LEN, packet.length).putInt(WIRE_LEN, packet.length);
            if (!protocolSet && packet.length >= 14) {
                // Like the kernel's eth_type_trans: the EtherType of the Ethernet header, as stored.
                f.putInt(PROTOCOL, (packet[12] & 0xff) | (packet[13] & 0xff) << 8);
            }
            return new SkBuffContext(packet.clone(), f.array().clone());
        }
    }
}
