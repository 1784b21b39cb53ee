package dev.jvmbpf.helpers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.jvmbpf.helpers.context.SkBuffContext;
import dev.jvmbpf.runtime.maps.Errno;
import dev.jvmbpf.runtime.program.ProgramType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The socket-buffer helpers that change or describe the packet, on the runtime's {@code __sk_buff}. */
class SkbHelpersTest {

    /** An Ethernet frame of {@code etherType} with {@code payload} bytes 0, 1, 2, ... after the header. */
    private static byte[] frame(int etherType, int payload) {
        byte[] p = new byte[14 + payload];
        for (int i = 0; i < 12; i++) {
            p[i] = (byte) (0xa0 + i);
        }
        p[12] = (byte) (etherType >> 8);
        p[13] = (byte) etherType;
        for (int i = 0; i < payload; i++) {
            p[14 + i] = (byte) i;
        }
        return p;
    }

    private static long be16(int v) {
        return Short.toUnsignedInt(Short.reverseBytes((short) v));
    }

    private final KernelModel model = new KernelModel();

    private Harness tc() {
        return new Harness(ProgramType.SCHED_CLS, StandardHelpers.table(model));
    }

    @Test
    void changeHeadPushesZerosAndMovesDataPointers() {
        Harness h = tc();
        SkBuffContext skb = SkBuffContext.of(frame(0x0800, 20));
        long ctx = skb.install(h.machine).r1();
        assertEquals(0, h.call(43, ctx, 14, 0));
        byte[] p = skb.packet();
        assertEquals(48, p.length);
        assertArrayEquals(new byte[14], Arrays.copyOf(p, 14));
        assertEquals((byte) 0xa0, p[14]);
        assertEquals(48, skb.field(SkBuffContext.LEN));
        assertEquals(48, h.machine.packetLength());
        long data = h.machine.memory().load(ctx + SkBuffContext.DATA, 4);
        long end = h.machine.memory().load(ctx + SkBuffContext.DATA_END, 4);
        assertEquals(48, end - data, "data and data_end point into the new packet");
        assertEquals(0, h.machine.memory().load(data, 1));
        assertEquals(-22, h.call(43, ctx, 14, 1), "flags");
        assertEquals(-22, h.call(43, ctx, SkBuffContext.MAX_LEN, 0), "too long");
    }

    @Test
    void changeTailTrimsAndGrowsWithZeros() {
        Harness h = tc();
        SkBuffContext skb = SkBuffContext.of(frame(0x0800, 20));
        long ctx = skb.install(h.machine).r1();
        assertEquals(0, h.call(38, ctx, 20, 0));
        assertEquals(20, skb.packet().length);
        assertEquals(0, h.call(38, ctx, 30, 0));
        assertArrayEquals(new byte[10], Arrays.copyOfRange(skb.packet(), 20, 30));
        assertEquals(-22, h.call(38, ctx, 13, 0), "shorter than the MAC header of a tc program");
        assertEquals(-22, h.call(38, ctx, 30, 1), "flags");
    }

    @Test
    void pullDataSucceedsOnTheLinearPacketUpToItsLength() {
        Harness h = tc();
        SkBuffContext skb = SkBuffContext.of(frame(0x0800, 20));
        long ctx = skb.install(h.machine).r1();
        assertEquals(0, h.call(39, ctx, 0));
        assertEquals(0, h.call(39, ctx, 34));
        assertEquals(-12, h.call(39, ctx, 35), "-ENOMEM past the end, as pskb_may_pull says");
    }

    @Test
    void changeProtoMakesAndRemovesTwentyBytesAfterTheMacHeader() {
        Harness h = tc();
        SkBuffContext skb = SkBuffContext.builder().packet(frame(0x0800, 40)).field(SkBuffContext.HASH, 7).build();
        long ctx = skb.install(h.machine).r1();
        assertEquals(0, h.call(31, ctx, be16(0x86dd), 0));
        byte[] p = skb.packet();
        assertEquals(74, p.length);
        assertArrayEquals(new byte[20], Arrays.copyOfRange(p, 14, 34));
        assertEquals(0, p[34], "the old IPv4 header follows the room");
        assertEquals(be16(0x86dd), skb.field(SkBuffContext.PROTOCOL));
        assertEquals(0, skb.field(SkBuffContext.HASH), "the hash is cleared");
        assertEquals(0, h.call(31, ctx, be16(0x0800), 0));
        assertArrayEquals(frame(0x0800, 40), skb.packet(), "and back");
        assertEquals(-Errno.ENOTSUPP, h.call(31, ctx, be16(0x0806), 0));
        assertEquals(-22, h.call(31, ctx, be16(0x86dd), 1));
    }

    @Test
    void changeTypeAcceptsThePacketTypesUpToOtherhost() {
        Harness h = tc();
        SkBuffContext skb = SkBuffContext.of(frame(0x0800, 20));
        long ctx = skb.install(h.machine).r1();
        assertEquals(0, h.call(32, ctx, 3));
        assertEquals(3, skb.field(SkBuffContext.PKT_TYPE));
        assertEquals(-22, h.call(32, ctx, 4));
    }

    @Test
    void vlanPushKeepsTheFirstTagOutOfBandAndMovesItIntoThePacketOnTheSecond() {
        Harness h = tc();
        SkBuffContext skb = SkBuffContext.of(frame(0x0800, 20));
        long ctx = skb.install(h.machine).r1();
        assertEquals(0, h.call(18, ctx, be16(0x8100), 5));
        assertEquals(34, skb.packet().length, "the first tag is out of band, as with hardware offload");
        assertEquals(1, skb.field(SkBuffContext.VLAN_PRESENT));
        assertEquals(5, skb.field(SkBuffContext.VLAN_TCI));
        assertEquals(be16(0x8100), skb.field(SkBuffContext.VLAN_PROTO));
        assertEquals(0, h.call(18, ctx, be16(0x88a8), 9));
        byte[] p = skb.packet();
        assertEquals(38, p.length);
        assertArrayEquals(new byte[] {(byte) 0x81, 0, 0, 5, 8, 0}, Arrays.copyOfRange(p, 12, 18));
        assertEquals(9, skb.field(SkBuffContext.VLAN_TCI));
        assertEquals(be16(0x8100), skb.field(SkBuffContext.PROTOCOL));
        // pop: the out-of-band tag goes, and the packet's tag becomes the out-of-band one
        assertEquals(0, h.call(19, ctx));
        assertArrayEquals(frame(0x0800, 20), skb.packet());
        assertEquals(5, skb.field(SkBuffContext.VLAN_TCI));
        assertEquals(be16(0x0800), skb.field(SkBuffContext.PROTOCOL));
        assertEquals(0, h.call(19, ctx));
        assertEquals(0, skb.field(SkBuffContext.VLAN_PRESENT));
        assertEquals(0, h.call(19, ctx), "nothing to pop");
    }

    @Test
    void adjustRoomInsertsAfterTheMacOrNetworkHeader() {
        Harness h = tc();
        SkBuffContext skb = SkBuffContext.of(frame(0x0800, 40));
        long ctx = skb.install(h.machine).r1();
        assertEquals(0, h.call(50, ctx, 8, 0, 0), "BPF_ADJ_ROOM_NET: after the 20-byte IPv4 header");
        byte[] p = skb.packet();
        assertEquals(62, p.length);
        assertEquals(19, p[14 + 19]);
        assertArrayEquals(new byte[8], Arrays.copyOfRange(p, 34, 42));
        assertEquals(20, p[42]);
        assertEquals(0, h.call(50, ctx, -8, 0, 0));
        assertArrayEquals(frame(0x0800, 40), skb.packet());
        assertEquals(0, h.call(50, ctx, 4, 1, 0), "BPF_ADJ_ROOM_MAC");
        assertArrayEquals(new byte[4], Arrays.copyOfRange(skb.packet(), 14, 18));
        assertEquals(-Errno.ENOTSUPP, h.call(50, ctx, 4, 2, 0), "unknown mode");
        assertEquals(-22, h.call(50, ctx, 4, 0, 1L << 20), "unknown flag");
        assertEquals(-14, h.call(50, ctx, 0x1000, 0, 0));
        assertEquals(-Errno.ENOTSUPP, h.call(50, ctx, -40, 0, 0), "into the network header");
    }

    @Test
    void hashRecalcIsTheSetHashOrAStableFlowHash() {
        Harness h = tc();
        byte[] ip = frame(0x0800, 40);
        ip[14] = 0x45;
        ip[14 + 9] = 17;
        SkBuffContext a = SkBuffContext.of(ip);
        long ctx = a.install(h.machine).r1();
        long hash = h.call(34, ctx);
        assertNotEquals(0, hash);
        assertEquals(hash, Integer.toUnsignedLong(a.field(SkBuffContext.HASH)), "stored in skb->hash");
        SkBuffContext b = SkBuffContext.of(ip);
        assertEquals(hash, h.call(34, b.install(h.machine).r1()), "the same flow, the same hash");
        SkBuffContext set = SkBuffContext.builder().packet(ip).field(SkBuffContext.HASH, 1234).build();
        long c = set.install(h.machine).r1();
        assertEquals(1234, h.call(34, c));
        assertEquals(0, h.call(48, c, 99));
        assertEquals(99, h.call(34, c));
        assertEquals(0, h.call(41, c));
        assertEquals(hash, h.call(34, c), "invalidated, then computed again");
    }

    @Test
    void socketCookieIsThePacketsSocketOrTheModels() {
        model.socketCookie(77);
        Harness h = tc();
        long none = SkBuffContext.of(frame(0x0800, 20)).install(h.machine).r1();
        assertEquals(0, h.call(46, none), "a packet of no socket");
        long owned = SkBuffContext.builder().packet(frame(0x0800, 20)).socketCookie(42).build().install(h.machine).r1();
        assertEquals(42, h.call(46, owned));
        assertEquals(77, h.call(46, h.mem(new byte[64])), "another context: the model's socket");
    }

    private static byte[] tunnelKey(int id, int remoteIpv4) {
        return ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN).putInt(0, id).putInt(4, remoteIpv4).array();
    }

    @Test
    void tunnelKeysAreTheReceivedOnesAndTheSetOnesAreKept() {
        Harness h = tc();
        SkBuffContext plain = SkBuffContext.of(frame(0x0800, 20));
        long ctx = plain.install(h.machine).r1();
        byte[] to = new byte[44];
        Arrays.fill(to, (byte) 1);
        assertEquals(-22, h.call(20, ctx, h.mem(to), 44, 0), "no tunnel metadata");
        assertArrayEquals(new byte[44], to, "zeroed");
        SkBuffContext tunnelled = SkBuffContext.builder().packet(frame(0x0800, 20)).tunnelKey(tunnelKey(7, 0x0a000001))
                .tunnelOptions(new byte[] {1, 2, 3, 4}).build();
        long t = tunnelled.install(h.machine).r1();
        assertEquals(0, h.call(20, t, h.mem(to), 44, 0));
        assertArrayEquals(tunnelKey(7, 0x0a000001), to);
        byte[] old = new byte[24];
        assertEquals(0, h.call(20, t, h.mem(old), 24, 0), "the older, shorter struct");
        assertEquals(-71, h.call(20, t, h.mem(to), 44, 1), "-EPROTO: not an IPv6 tunnel");
        assertEquals(-22, h.call(20, t, h.mem(new byte[30]), 30, 0), "no such size");
        byte[] opt = new byte[8];
        assertEquals(4, h.call(29, t, h.mem(opt), 8));
        assertArrayEquals(new byte[] {1, 2, 3, 4, 0, 0, 0, 0}, opt);
        assertEquals(-2, h.call(29, ctx, h.mem(opt), 8), "-ENOENT without options");

        assertEquals(-22, h.call(30, ctx, h.readOnly(new byte[4]), 4), "options before a key");
        assertEquals(0, h.call(21, ctx, h.readOnly(tunnelKey(9, 0x0a000002)), 44, 2));
        assertArrayEquals(tunnelKey(9, 0x0a000002), plain.skb().txTunnelKey());
        byte[] back = new byte[44];
        assertEquals(0, h.call(20, ctx, h.mem(back), 44, 0), "a get after the set reads the key set");
        assertEquals(9, ByteBuffer.wrap(back).order(ByteOrder.LITTLE_ENDIAN).getInt(0));
        assertEquals(0, ByteBuffer.wrap(back).order(ByteOrder.LITTLE_ENDIAN).getInt(4), "remote: the local address");
        assertEquals(0x0a000002, ByteBuffer.wrap(back).order(ByteOrder.LITTLE_ENDIAN).getInt(28),
                "local: the remote address, as the kernel's info holds source and destination");
        assertEquals(0, h.call(20, ctx, h.mem(back), 44, 1L << 4));
        assertEquals(0x2004, (back[22] & 0xff) << 8 | back[23] & 0xff, "BPF_F_TUNINFO_FLAGS: KEY | NOCACHE");
        assertEquals(-22, h.call(30, ctx, h.readOnly(new byte[3]), 3), "not a multiple of 4");
        assertEquals(0, h.call(30, ctx, h.readOnly(new byte[] {5, 6, 7, 8}), 4));
        assertArrayEquals(new byte[] {5, 6, 7, 8}, plain.skb().txTunnelOptions());
        assertEquals(4, h.call(29, ctx, h.mem(opt), 8), "options set are read back");
        assertEquals(-22, h.call(21, ctx, h.readOnly(new byte[44]), 44, 1L << 5), "unknown flag");
        assertEquals("skb_set_tunnel_key: tunnel_id 9 flags 0x2", model.effects().get(0).toString());
    }

    @Test
    void cloneRedirectIsRecorded() {
        Harness h = tc();
        long ctx = SkBuffContext.of(frame(0x0800, 20)).install(h.machine).r1();
        assertEquals(0, h.call(13, ctx, 3, 1));
        assertEquals(-22, h.call(13, ctx, 3, 2));
        assertEquals("clone_redirect: ifindex 3 ingress, 34 bytes", model.effects().get(0).toString());
    }

    @Test
    void csumUpdateIsNotSupportedWithoutChecksumComplete() {
        Harness h = tc();
        long ctx = SkBuffContext.of(frame(0x0800, 20)).install(h.machine).r1();
        assertEquals(-Errno.ENOTSUPP, h.call(40, ctx, 5));
    }

    @Test
    void theDefaultModelRecordsNothingAndIsNotSettable() {
        Harness h = new Harness(ProgramType.SCHED_CLS, StandardHelpers.table());
        long ctx = SkBuffContext.of(frame(0x0800, 20)).install(h.machine).r1();
        assertEquals(0, h.call(13, ctx, 3, 0));
        assertNull(SkBuffContext.of(frame(0x0800, 20)).skb().txTunnelKey());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> KernelModel.defaults().mtu(9000));
    }
}
