package dev.jvmbpf.helpers.context;

import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.memory.AddressSpace;
import dev.jvmbpf.runtime.memory.Region;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * An XDP context: {@code struct xdp_md { u32 data, data_end, data_meta, ingress_ifindex,
 * rx_queue_index, egress_ifindex; }}. As in the kernel, a 32-bit load of {@code data},
 * {@code data_end} or {@code data_meta} yields a full 64-bit pointer into the packet region, so
 * the usual {@code if (data + sizeof(*eth) > data_end)} checks work. Metadata, when given, sits
 * right before the packet ({@code data_meta .. data}). The packet is writable; the context is not.
 */
public final class XdpContext implements ProgramContext {
    public static final int SIZE = 24;
    static final int DATA = 0;
    static final int DATA_END = 4;
    static final int DATA_META = 8;
    static final int INGRESS_IFINDEX = 12;
    static final int RX_QUEUE_INDEX = 16;
    static final int EGRESS_IFINDEX = 20;

    private final byte[] frame;
    private final int metaLength;
    private final int ingressIfindex;
    private final int rxQueueIndex;
    private final int egressIfindex;

    private XdpContext(byte[] frame, int metaLength, int ingressIfindex, int rxQueueIndex, int egressIfindex) {
        this.frame = frame;
        this.metaLength = metaLength;
        this.ingressIfindex = ingressIfindex;
        this.rxQueueIndex = rxQueueIndex;
        this.egressIfindex = egressIfindex;
    }

    public static XdpContext of(byte[] packet) {
        return builder().packet(packet).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The packet as the program left it (a copy). */
    public byte[] packet() {
        return java.util.Arrays.copyOfRange(frame, metaLength, frame.length);
    }

    /** The metadata as the program left it (a copy). */
    public byte[] metadata() {
        return java.util.Arrays.copyOf(frame, metaLength);
    }

    @Override
    public Entry install(Machine machine) {
        AddressSpace memory = machine.memory();
        long meta = memory.register(Region.of("xdp packet", frame, true));
        long data = meta + metaLength;
        long end = meta + frame.length;
        byte[] md = new byte[SIZE];
        ByteBuffer b = ByteBuffer.wrap(md).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(DATA, (int) data).putInt(DATA_END, (int) end).putInt(DATA_META, (int) meta)
                .putInt(INGRESS_IFINDEX, ingressIfindex).putInt(RX_QUEUE_INDEX, rxQueueIndex)
                .putInt(EGRESS_IFINDEX, egressIfindex);
        Region ctx = Region.context("xdp_md", md, false, (space, offset, width) -> {
            if (width != 4) {
                return null;
            }
            return switch (offset) {
                case DATA -> data;
                case DATA_END -> end;
                case DATA_META -> meta;
                default -> null;
            };
        });
        machine.setPacket(data, frame.length - metaLength);
        return new Entry(memory.register(ctx), 0);
    }

    public static final class Builder {
        private byte[] packet = new byte[0];
        private byte[] metadata = new byte[0];
        private int ingressIfindex = 1;
        private int rxQueueIndex;
        private int egressIfindex;

        private Builder() {
        }

        public Builder packet(byte[] bytes) {
            this.packet = bytes.clone();
            return this;
        }

        public Builder metadata(byte[] bytes) {
            this.metadata = bytes.clone();
            return this;
        }

        public Builder ingressIfindex(int ifindex) {
            this.ingressIfindex = ifindex;
            return this;
        }

        public Builder rxQueueIndex(int queue) {
            this.rxQueueIndex = queue;
            return this;
        }

        public Builder egressIfindex(int ifindex) {
            this.egressIfindex = ifindex;
            return this;
        }

        public XdpContext build() {
            byte[] frame = new byte[metadata.length + packet.length];
            System.arraycopy(metadata, 0, frame, 0, metadata.length);
            System.arraycopy(packet, 0, frame, metadata.length, packet.length);
            return new XdpContext(frame, metadata.length, ingressIfindex, rxQueueIndex, egressIfindex);
        }
    }
}
