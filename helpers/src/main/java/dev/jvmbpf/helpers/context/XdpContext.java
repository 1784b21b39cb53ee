package dev.jvmbpf.helpers.context;

import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.memory.AddressSpace;
import dev.jvmbpf.runtime.memory.Region;
import dev.jvmbpf.runtime.program.ProgramType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * An XDP context: {@code struct xdp_md { u32 data, data_end, data_meta, ingress_ifindex,
 * rx_queue_index, egress_ifindex; }}. As in the kernel, a 32-bit load of {@code data},
 * {@code data_end} or {@code data_meta} yields a full 64-bit pointer into the packet, so the
 * usual {@code if (data + sizeof(*eth) > data_end)} checks work. The packet sits in a frame like
 * the kernel's: 256 bytes of headroom (where {@code bpf_xdp_adjust_head} and
 * {@code bpf_xdp_adjust_meta} grow into), the metadata right before the data, and tailroom up to
 * 4096 - 320 bytes (for {@code bpf_xdp_adjust_tail}). The packet is writable; the context is not.
 *
 * <p>A context belongs to one run at a time; after the run {@link #packet()} and
 * {@link #metadata()} show what the program left, including adjustments.
 */
public final class XdpContext implements ProgramContext {
    public static final int SIZE = 24;
    public static final int HEADROOM = 256;
    /** The kernel's frame size for XDP test runs, and the part reserved for skb_shared_info. */
    private static final int FRAME = 4096;
    private static final int SHARED_INFO = 320;
    private static final int ETH_HLEN = SkBuffContext.ETH_HLEN;
    private static final int MAX_META = 32;
    /** The kernel keeps its struct xdp_frame (40 bytes on 64-bit) at the start of the headroom. */
    private static final int XDP_FRAME = 40;
    static final int DATA = 0;
    static final int DATA_END = 4;
    static final int DATA_META = 8;
    static final int INGRESS_IFINDEX = 12;
    static final int RX_QUEUE_INDEX = 16;
    static final int EGRESS_IFINDEX = 20;

    private final Frame frame;
    // Built once: a context is run many times, and regions hold no address (install gives them one).
    private final Region frameRegion;
    private final Region mdRegion;
    private final byte[] md;

    private XdpContext(Frame frame, int ingressIfindex, int rxQueueIndex, int egressIfindex) {
        this.frame = frame;
        this.md = new byte[SIZE];
        ByteBuffer.wrap(md).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(INGRESS_IFINDEX, ingressIfindex).putInt(RX_QUEUE_INDEX, rxQueueIndex)
                .putInt(EGRESS_IFINDEX, egressIfindex);
        this.frameRegion = Region.of("xdp frame", frame.bytes, true);
        this.mdRegion = Region.context("xdp_md", md, false, frame);
    }

    public static XdpContext of(byte[] packet) {
        return builder().packet(packet).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The packet as the program left it (a copy). */
    public byte[] packet() {
        return java.util.Arrays.copyOfRange(frame.bytes, frame.data, frame.end);
    }

    /** The metadata as the program left it (a copy). */
    public byte[] metadata() {
        return java.util.Arrays.copyOfRange(frame.bytes, frame.meta, frame.data);
    }

    /**
     * The {@code struct xdp_md} as the kernel's test run copies it out after a run: {@code data}
     * and {@code data_end} as offsets from the start of the metadata ({@code data_meta} 0), the
     * other fields as given (a program cannot write them).
     */
    public byte[] contextBytes() {
        byte[] out = md.clone();
        int metaLength = frame.data - frame.meta;
        ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putInt(DATA, metaLength)
                .putInt(DATA_END, metaLength + frame.end - frame.data).putInt(DATA_META, 0);
        return out;
    }

    @Override
    public boolean suits(ProgramType type) {
        return type == ProgramType.XDP;
    }

    @Override
    public Entry install(Machine machine) {
        AddressSpace memory = machine.memory();
        frame.base = memory.register(frameRegion);
        frame.publish(machine);
        return new Entry(memory.register(mdRegion), 0);
    }

    /**
     * The packet's frame and the offsets of metadata, data and end inside it; the context view
     * turns them into pointers, and the adjust helpers move them ({@link #of(Region)}).
     */
    public static final class Frame implements Region.ContextView {
        private final byte[] bytes;
        private final int hardEnd;
        private long base;
        private int meta;
        private int data;
        private int end;

        Frame(byte[] bytes, int meta, int data, int end, int hardEnd) {
            this.bytes = bytes;
            this.meta = meta;
            this.data = data;
            this.end = end;
            this.hardEnd = hardEnd;
        }

        /** The frame behind an {@code xdp_md} region, or null when the region is no XDP context. */
        public static Frame of(Region ctx) {
            return ctx != null && ctx.view() instanceof Frame f ? f : null;
        }

        @Override
        public Long load(AddressSpace space, int offset, int width) {
            if (width != 4) {
                return null;
            }
            return switch (offset) {
                case DATA -> base + data;
                case DATA_END -> base + end;
                case DATA_META -> base + meta;
                default -> null;
            };
        }

        private void publish(Machine machine) {
            machine.setContextPacket(base + data, end - data);
        }

        /** bpf_xdp_adjust_head: moves the start of the data (and the metadata with it); 0 or -EINVAL. */
        public long adjustHead(Machine machine, int delta) {
            int metaLength = data - meta;
            int newData = data + delta;
            if (newData - metaLength < XDP_FRAME || newData > end - ETH_HLEN) {
                return -22;
            }
            if (metaLength > 0) {
                System.arraycopy(bytes, meta, bytes, meta + delta, metaLength);
            }
            meta += delta;
            data = newData;
            publish(machine);
            return 0;
        }

        /** bpf_xdp_adjust_tail: moves the end of the data; 0 or -EINVAL. Grown bytes read as zero. */
        public long adjustTail(Machine machine, int delta) {
            int newEnd = end + delta;
            if (newEnd > hardEnd || newEnd < data + ETH_HLEN) {
                return -22;
            }
            if (delta > 0) {
                java.util.Arrays.fill(bytes, end, newEnd, (byte) 0);
            }
            end = newEnd;
            publish(machine);
            return 0;
        }

        /** bpf_xdp_adjust_meta: moves the start of the metadata; 0, -EINVAL, or -EACCES (-13) for a bad length. */
        public long adjustMeta(Machine machine, int delta) {
            int newMeta = meta + delta;
            if (newMeta < XDP_FRAME || newMeta > data) {
                return -22;
            }
            int length = data - newMeta;
            if ((length & 3) != 0 || length > MAX_META) {
                return -13;
            }
            meta = newMeta;
            return 0;
        }
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

        /** Metadata before the packet: at most 32 bytes, a multiple of 4, as the kernel allows. */
        public Builder metadata(byte[] bytes) {
            if (bytes.length > MAX_META || (bytes.length & 3) != 0) {
                throw new IllegalArgumentException("XDP metadata must be a multiple of 4 bytes, at most 32; got "
                        + bytes.length);
            }
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
            int hardEnd = Math.max(FRAME - SHARED_INFO, HEADROOM + packet.length);
            byte[] bytes = new byte[hardEnd];
            int data = HEADROOM;
            int meta = data - metadata.length;
            System.arraycopy(metadata, 0, bytes, meta, metadata.length);
            System.arraycopy(packet, 0, bytes, data, packet.length);
            return new XdpContext(new Frame(bytes, meta, data, data + packet.length, hardEnd), ingressIfindex,
                    rxQueueIndex, egressIfindex);
        }
    }
}
