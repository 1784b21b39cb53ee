package dev.jvmbpf.helpers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.maps.BpfMap;
import dev.jvmbpf.runtime.maps.Cpus;
import dev.jvmbpf.runtime.maps.MapSpec;
import dev.jvmbpf.runtime.maps.MapType;
import dev.jvmbpf.runtime.maps.Maps;
import dev.jvmbpf.runtime.maps.PerfEventArrayMap;
import dev.jvmbpf.runtime.maps.RingBufferMap;
import dev.jvmbpf.runtime.memory.BpfFault;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MapAndBufferHelpersTest {
    private static final long MAP0 = Machine.mapHandle(0);

    private static byte[] u32(int v) {
        return new byte[] {(byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)};
    }

    @Test
    void hashMapThroughHelpers() {
        BpfMap map = Maps.create(new MapSpec("h", MapType.HASH, 4, 4, 2, 0));
        Harness h = new Harness(map);
        long k1 = h.mem(u32(1));
        long k2 = h.mem(u32(2));
        long k3 = h.mem(u32(3));
        long v = h.mem(u32(10));
        assertEquals(0, h.call(2, MAP0, k1, v, 0));
        assertEquals(0, h.call(2, MAP0, k2, v, 0));
        assertEquals(-7, h.call(2, MAP0, k3, v, 0), "full");
        assertEquals(-2, h.call(2, MAP0, k3, v, 2), "BPF_EXIST on a missing key");
        long p = h.call(1, MAP0, k1);
        h.machine.memory().store32(p, 77);
        assertArrayEquals(u32(77), map.lookupValue(u32(1)), "stores through the pointer reach the map");
        assertEquals(0, h.call(3, MAP0, k1));
        assertEquals(0, h.call(1, MAP0, k1));
        assertThrows(BpfFault.class, () -> h.call(1, 12345, k1), "a non-map handle faults, never crashes");
    }

    @Test
    void perCpuLookupReadsTheNamedCpusValue() {
        // bpf_map_lookup_percpu_elem (195) was missing: programs using it were refused as
        // "unknown helper id 195".
        int cpus = Cpus.count();
        BpfMap array = Maps.create(new MapSpec("pa", MapType.PERCPU_ARRAY, 4, 8, 2, 0));
        BpfMap hash = Maps.create(new MapSpec("ph", MapType.PERCPU_HASH, 4, 8, 4, 0));
        BpfMap plain = Maps.create(new MapSpec("h", MapType.HASH, 4, 8, 4, 0));
        byte[] all = new byte[8 * cpus];
        for (int c = 0; c < cpus; c++) {
            all[8 * c] = (byte) (10 + c);
        }
        assertEquals(0, array.update(u32(1), all, 0));
        assertEquals(0, hash.update(u32(7), all, 0));
        assertEquals(0, plain.update(u32(7), new byte[8], 0));
        Harness h = new Harness(array, hash, plain);
        long one = h.mem(u32(1));
        long seven = h.mem(u32(7));
        for (int c = 0; c < cpus; c++) {
            assertEquals(10 + c, h.machine.memory().load64(h.call(195, MAP0, one, c)), "array, cpu " + c);
            assertEquals(10 + c, h.machine.memory().load64(h.call(195, Machine.mapHandle(1), seven, c)), "hash");
        }
        assertEquals(0, h.call(195, MAP0, one, cpus), "no such CPU");
        assertEquals(0, h.call(195, MAP0, one, 0xffff_ffffL), "the CPU is a u32");
        assertEquals(10, h.machine.memory().load64(h.call(195, MAP0, one, 1L << 32)), "upper half ignored");
        assertEquals(0, h.call(195, MAP0, h.mem(u32(2)), 0), "index out of range");
        assertEquals(0, h.call(195, Machine.mapHandle(1), one, 0), "absent key");
        assertEquals(0, h.call(195, Machine.mapHandle(2), seven, 0), "not a per-CPU map");
        long p = h.call(195, MAP0, one, cpus - 1);
        h.machine.memory().store64(p, 99);
        assertEquals(99, array.lookupValue(u32(1))[8 * (cpus - 1)], "stores reach that CPU's slot");
    }

    @Test
    void queueAndStack() {
        BpfMap q = Maps.create(new MapSpec("q", MapType.QUEUE, 0, 4, 2, 0));
        Harness h = new Harness(q);
        long v = h.mem(new byte[4]);
        for (int i = 1; i <= 2; i++) {
            h.machine.memory().store32(v, i);
            assertEquals(0, h.call(87, MAP0, v, 0));
        }
        h.machine.memory().store32(v, 3);
        assertEquals(-7, h.call(87, MAP0, v, 0), "full");
        assertEquals(0, h.call(87, MAP0, v, 2), "BPF_EXIST drops the oldest");
        assertEquals(0, h.call(89, MAP0, v));
        assertEquals(2, h.machine.memory().load32(v), "peek sees the oldest left");
        assertEquals(0, h.call(88, MAP0, v));
        assertEquals(2, h.machine.memory().load32(v));
        assertEquals(0, h.call(88, MAP0, v));
        assertEquals(3, h.machine.memory().load32(v));
        assertEquals(-2, h.call(88, MAP0, v), "empty");

        BpfMap s = Maps.create(new MapSpec("s", MapType.STACK, 0, 4, 4, 0));
        Harness hs = new Harness(s);
        long w = hs.mem(new byte[4]);
        for (int i = 1; i <= 3; i++) {
            hs.machine.memory().store32(w, i);
            hs.call(87, MAP0, w, 0);
        }
        assertEquals(0, hs.call(88, MAP0, w));
        assertEquals(3, hs.machine.memory().load32(w), "a stack pops the newest");
    }

    @Test
    void bloomFilterPeekTestsMembership() {
        BpfMap b = Maps.create(new MapSpec("b", MapType.BLOOM_FILTER, 0, 4, 64, 0, 3));
        Harness h = new Harness(b);
        long v = h.mem(u32(0xabcdef));
        assertEquals(-2, h.call(89, MAP0, v), "empty filter");
        assertEquals(0, h.call(87, MAP0, v, 0));
        assertEquals(0, h.call(89, MAP0, v));
        assertEquals(0xabcdef, h.machine.memory().load32(v), "peek leaves the value alone");
    }

    @Test
    void ringbufReserveSubmitDiscardOutputQuery() {
        RingBufferMap rb = (RingBufferMap) Maps.create(new MapSpec("rb", MapType.RINGBUF, 0, 0, 4096, 0));
        Harness h = new Harness(rb);
        long rec = h.call(131, MAP0, 16, 0);
        assertNotEquals(0, rec);
        h.machine.memory().store64(rec, 0x1122334455667788L);
        h.machine.memory().store64(rec + 8, 42);
        assertEquals(0, h.call(132, rec, 0));
        long dropped = h.call(131, MAP0, 8, 0);
        assertEquals(0, h.call(133, dropped, 0));
        long data = h.mem(new byte[] {9, 8, 7});
        assertEquals(0, h.call(130, MAP0, data, 3, 0));
        assertEquals(0, h.call(131, MAP0, 16, 1), "flags must be 0");
        assertEquals(0, h.call(131, MAP0, 8192, 0), "larger than the ring");
        assertEquals(4096, h.call(134, MAP0, 1), "BPF_RB_RING_SIZE");
        assertNotEquals(0, h.call(134, MAP0, 0), "BPF_RB_AVAIL_DATA");
        List<byte[]> got = new ArrayList<>();
        assertEquals(2, rb.consume(r -> {
            got.add(r);
            return 0;
        }));
        byte[] first = new byte[16];
        java.nio.ByteBuffer.wrap(first).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(0x1122334455667788L).putLong(42);
        assertArrayEquals(first, got.get(0));
        assertArrayEquals(new byte[] {9, 8, 7}, got.get(1), "the discarded record is skipped");
        assertThrows(BpfFault.class, () -> h.call(132, data, 0), "submitting what was never reserved faults");
    }

    @Test
    void perfEventOutputGoesToTheCurrentCpuSlot() {
        PerfEventArrayMap perf = (PerfEventArrayMap) Maps.create(
                new MapSpec("perf", MapType.PERF_EVENT_ARRAY, 4, 4, 0, 0));
        Harness h = new Harness(perf);
        long data = h.mem(new byte[] {1, 2, 3, 4, 5});
        assertEquals(-2, h.call(25, 0, MAP0, 0xffffffffL, data, 5), "nobody reads the slot yet");
        int cpu = (int) h.call(8);
        List<byte[]> got = new ArrayList<>();
        perf.subscribe(cpu, got::add);
        assertEquals(0, h.call(25, 0, MAP0, 0xffffffffL, data, 5));
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 0, 0, 0, 0, 0, 0, 0}, got.get(0), "padded as the kernel pads it");
        assertEquals(-22, h.call(25, 0, MAP0, 1L << 40, data, 5), "unknown flag bits");
    }

    @Test
    void commIsTheProcessNameNulPadded() throws Exception {
        Harness h = new Harness();
        byte[] buf = new byte[16];
        java.util.Arrays.fill(buf, (byte) 0xff);
        assertEquals(0, h.call(16, h.mem(buf), 16));
        String comm = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/comm")).strip();
        byte[] expected = new byte[16];
        byte[] c = comm.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        System.arraycopy(c, 0, expected, 0, Math.min(c.length, 15));
        assertArrayEquals(expected, buf);
        byte[] small = new byte[3];
        assertEquals(0, h.call(16, h.mem(small), 3));
        assertArrayEquals(new byte[] {c[0], c[1], 0}, small);
    }

    @Test
    void uidGidAreTheProcessIds() throws Exception {
        long v = new Harness().call(15);
        String status = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/status"));
        String uid = status.lines().filter(l -> l.startsWith("Uid:")).findFirst().orElseThrow().split("\\s+")[1];
        String gid = status.lines().filter(l -> l.startsWith("Gid:")).findFirst().orElseThrow().split("\\s+")[1];
        assertEquals(Long.parseLong(uid), v & 0xffffffffL);
        assertEquals(Long.parseLong(gid), v >>> 32);
    }
}
