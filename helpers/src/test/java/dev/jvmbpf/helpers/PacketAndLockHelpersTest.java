package dev.jvmbpf.helpers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jvmbpf.helpers.context.SkBuffContext;
import dev.jvmbpf.helpers.context.XdpContext;
import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.maps.BpfMap;
import dev.jvmbpf.runtime.maps.MapSpec;
import dev.jvmbpf.runtime.maps.MapType;
import dev.jvmbpf.runtime.maps.Maps;
import dev.jvmbpf.runtime.memory.BpfFault;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class PacketAndLockHelpersTest {
    private static byte[] packet(int n) {
        byte[] p = new byte[n];
        for (int i = 0; i < n; i++) {
            p[i] = (byte) i;
        }
        return p;
    }

    @Test
    void skbLoadAndStoreBytes() {
        Harness h = new Harness();
        SkBuffContext skb = SkBuffContext.of(packet(20));
        long ctx = skb.install(h.machine).r1();
        byte[] to = new byte[4];
        long t = h.mem(to);
        assertEquals(0, h.call(26, ctx, 12, t, 4));
        assertArrayEquals(new byte[] {12, 13, 14, 15}, to);
        assertEquals(-14, h.call(26, ctx, 18, t, 4), "past the end of the packet");
        assertArrayEquals(new byte[4], to, "zero-filled on error");
        assertEquals(0, h.call(9, ctx, 0, h.readOnly(new byte[] {9, 9}), 2, 0));
        assertEquals(9, skb.packet()[1]);
        assertEquals(-22, h.call(9, ctx, 0, t, 2, 4), "unknown flag");
        assertEquals(-14, h.call(9, ctx, 19, t, 2, 0));
    }

    @Test
    void xdpLoadBytesIsRelativeToData() {
        Harness h = new Harness();
        XdpContext xdp = XdpContext.builder().metadata(new byte[8]).packet(packet(16)).build();
        long ctx = xdp.install(h.machine).r1();
        byte[] to = new byte[2];
        assertEquals(0, h.call(189, ctx, 3, h.mem(to), 2));
        assertArrayEquals(new byte[] {3, 4}, to);
        assertEquals(0, h.call(190, ctx, 15, h.readOnly(new byte[] {42}), 1));
        assertEquals(42, xdp.packet()[15]);
        assertEquals(-14, h.call(190, ctx, 16, h.readOnly(new byte[] {42}), 1));
    }

    @Test
    void csumDiffIsTheOnesComplementDifference() {
        Harness h = new Harness();
        long from = h.readOnly(new byte[] {10, 0, 0, 1});
        long to = h.readOnly(new byte[] {10, 0, 0, 2});
        assertEquals(0x0100_0000L, h.call(28, from, 4, to, 4, 0), "10.0.0.1 -> 10.0.0.2");
        assertEquals(0x0200_000aL, h.call(28, 0, 0, to, 4, 0), "only additions");
        assertEquals(0x0100_0001L, h.call(28, from, 4, to, 4, 1), "the seed is added");
        assertEquals(-22, h.call(28, from, 3, to, 4, 0));
        assertEquals(-22, h.call(28, from, 260, to, 260, 0), "more than 512 bytes");
    }

    @Test
    void spinLockExcludesOtherThreads() throws Exception {
        BpfMap array = Maps.create(new MapSpec("a", MapType.ARRAY, 4, 16, 1, 0));
        long handle = Machine.mapHandle(0);
        int threads = 4;
        int rounds = 5_000;
        Thread[] ts = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            ts[t] = new Thread(() -> {
                Harness h = new Harness(array);
                long value = h.call(1, handle, h.mem(new byte[4]));
                for (int i = 0; i < rounds; i++) {
                    h.call(93, value);
                    // A non-atomic read-modify-write: only the lock keeps increments from getting lost.
                    long v = h.machine.memory().load64(value + 8);
                    Thread.yield();
                    h.machine.memory().store64(value + 8, v + 1);
                    h.call(94, value);
                }
            });
            ts[t].start();
        }
        for (Thread t : ts) {
            t.join();
        }
        long total = ByteBuffer.wrap(array.lookupValue(new byte[4])).order(ByteOrder.LITTLE_ENDIAN).getLong(8);
        assertEquals((long) threads * rounds, total);
    }

    @Test
    void spinLockMisuseFaults() {
        BpfMap array = Maps.create(new MapSpec("a", MapType.ARRAY, 4, 8, 1, 0));
        Harness h = new Harness(array);
        long value = h.call(1, Machine.mapHandle(0), h.mem(new byte[4]));
        assertThrows(BpfFault.class, () -> h.call(94, value), "unlock of a free lock");
        assertEquals(0, h.call(93, value));
        assertThrows(BpfFault.class, () -> h.call(93, value), "second lock on one thread");
        assertEquals(0, h.call(94, value));
    }

    @Test
    void cgroupIdIsTheInodeOfTheProcessCgroup() throws Exception {
        long id = new Harness().call(80);
        String line = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/cgroup")).stream()
                .filter(l -> l.startsWith("0::")).findFirst().orElse(null);
        if (line == null) {
            assertEquals(0, id, "no cgroup v2");
            return;
        }
        Process p = new ProcessBuilder("stat", "-c", "%i", "/sys/fs/cgroup" + line.substring(3)).start();
        String ino = new String(p.getInputStream().readAllBytes()).strip();
        assertEquals(p.waitFor() == 0 ? Long.parseLong(ino) : 0, id);
    }

    @Test
    void xdpAdjustHeadTailAndMeta() {
        Harness h = new Harness();
        XdpContext xdp = XdpContext.of(packet(64));
        long ctx = xdp.install(h.machine).r1();
        long data = h.machine.memory().load32(ctx);
        assertEquals(0, h.call(44, ctx, 14));
        assertEquals(50, xdp.packet().length);
        assertEquals(14, xdp.packet()[0], "the Ethernet header is gone");
        assertEquals(data + 14, h.machine.memory().load32(ctx), "data moved");
        byte[] to = new byte[1];
        assertEquals(0, h.call(189, ctx, 0, h.mem(to), 1));
        assertEquals(14, to[0], "xdp_load_bytes follows the new data");
        assertEquals(0, h.call(44, ctx, -14 - 8));
        assertEquals(72, xdp.packet().length, "grew into the headroom");
        assertEquals(0, xdp.packet()[0]);
        assertEquals(-22, h.call(44, ctx, -256), "past the headroom (the kernel keeps 40 bytes for xdp_frame)");
        assertEquals(-22, h.call(44, ctx, 72 - 13), "less than an Ethernet header would remain");
        assertEquals(0, h.call(65, ctx, -2));
        assertEquals(70, xdp.packet().length);
        assertEquals(0, h.call(65, ctx, 100));
        assertEquals(170, xdp.packet().length);
        assertEquals(-22, h.call(65, ctx, 4000), "beyond the frame");
        assertEquals(0, h.call(54, ctx, -8));
        assertEquals(8, xdp.metadata().length);
        assertEquals(-13, h.call(54, ctx, -6), "metadata length must be a multiple of 4");
        assertEquals(-13, h.call(54, ctx, -28), "at most 32 bytes of metadata");
        assertEquals(0, h.call(44, ctx, 4));
        assertEquals(8, xdp.metadata().length, "the metadata moves with the data");
        assertEquals(-22, h.call(44, h.mem(new byte[24]), 4), "not an XDP context");
    }

    @Test
    void redirectReturnsTheVerdictOfTheProgramType() {
        Harness h = new Harness();
        assertEquals(7, h.call(23, 3, 0), "tc: TC_ACT_REDIRECT");
        assertEquals(2, h.call(23, 3, 2), "tc: unknown flag, TC_ACT_SHOT");
    }
}
