package dev.jvmbpf.runtime.maps;

import static dev.jvmbpf.runtime.maps.MapTestSupport.readU32;
import static dev.jvmbpf.runtime.maps.MapTestSupport.u32;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.runtime.memory.Region;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RingBufferTest {
    private static RingBufferMap ring(int size) {
        return (RingBufferMap) Maps.create(new MapSpec("events", MapType.RINGBUF, 0, 0, size, 0));
    }

    private static List<Integer> drain(RingBufferMap rb) {
        List<Integer> out = new ArrayList<>();
        rb.consume(d -> {
            out.add(readU32(d, 0));
            return 0;
        });
        return out;
    }

    @Test
    void recordsArriveInReserveOrderAndTheConsumerStopsAtABusyOne() {
        RingBufferMap rb = ring(4096);
        Region a = rb.reserve(4);
        Region b = rb.reserve(4);
        Region c = rb.reserve(4);
        a.put(0, 4, 1);
        b.put(0, 4, 2);
        c.put(0, 4, 3);
        assertTrue(rb.commit(c, false, 0));
        assertTrue(rb.commit(a, false, 0));
        assertEquals(List.of(1), drain(rb), "b is still busy");
        assertTrue(rb.commit(b, false, 0));
        assertEquals(List.of(2, 3), drain(rb));
        assertEquals(List.of(), drain(rb));
        assertEquals(rb.query(MapFlags.BPF_RB_PROD_POS), rb.query(MapFlags.BPF_RB_CONS_POS));
        assertEquals(3 * 16, rb.query(MapFlags.BPF_RB_PROD_POS), "8-byte header + 4 bytes padded to 8");
    }

    @Test
    void recordHeadersHaveTheKernelLayout() {
        RingBufferMap rb = ring(4096);
        Region a = rb.reserve(5);
        Region b = rb.reserve(3);
        assertEquals(5, a.size());
        assertEquals(16, b.base() - a.base(), "header 8 + 5 bytes padded to 8");
        byte[] ring = a.data();
        int headerA = readU32(ring, a.base() - 8);
        assertEquals(5 | 1 << 31, headerA, "busy bit while reserved");
        assertTrue(rb.commit(a, false, 0));
        assertEquals(5, readU32(ring, a.base() - 8));
        assertTrue(rb.commit(b, true, 0));
        assertEquals(3 | 1 << 30, readU32(ring, b.base() - 8), "discard bit");
        assertEquals(32, rb.query(MapFlags.BPF_RB_AVAIL_DATA));
        assertEquals(1, rb.consume(d -> 0));
        assertEquals(0, rb.query(MapFlags.BPF_RB_AVAIL_DATA));
    }

    @Test
    void discardedRecordsAreSkippedAndCommitIsOnce() {
        RingBufferMap rb = ring(4096);
        Region a = rb.reserve(4);
        Region b = rb.reserve(4);
        a.put(0, 4, 10);
        b.put(0, 4, 20);
        assertTrue(rb.commit(a, true, 0));
        assertFalse(rb.commit(a, false, 0), "already committed");
        assertTrue(rb.commit(b, false, MapFlags.BPF_RB_NO_WAKEUP));
        assertEquals(List.of(20), drain(rb));
        RingBufferMap other = ring(4096);
        Region foreign = other.reserve(4);
        assertFalse(rb.commit(foreign, false, 0), "a record of another ring");
        assertTrue(other.commit(foreign, false, 0));
    }

    @Test
    void fullRingRefusesReservationsUntilConsumed() {
        RingBufferMap rb = ring(4096);
        assertNull(rb.reserve(4096), "larger than the ring with its header");
        assertNull(rb.reserve(4096 - 8), "the ring never fills completely");
        Region big = rb.reserve(4096 - 16);
        assertNotNull(big);
        assertEquals(4096 - 8, rb.query(MapFlags.BPF_RB_AVAIL_DATA));
        assertNull(rb.reserve(1));
        assertEquals(-Errno.EAGAIN, rb.output(new byte[1], 0));
        rb.commit(big, false, 0);
        assertNull(rb.reserve(1), "committed but not consumed");
        assertEquals(1, rb.consume(d -> 0));
        assertNotNull(rb.reserve(1));
        assertEquals(4096, rb.query(MapFlags.BPF_RB_RING_SIZE));
        assertEquals(0, rb.query(99));
        assertEquals(-Errno.EINVAL, rb.output(new byte[1], 4));
    }

    @Test
    void recordsWrapAroundTheEndIntact() {
        RingBufferMap rb = ring(4096);
        int next = 0;
        int expected = 0;
        for (int round = 0; round < 200; round++) {
            for (int i = 0; i < 3; i++) {
                byte[] payload = new byte[100 + (round % 7) * 50];
                for (int j = 0; j < payload.length; j++) {
                    payload[j] = (byte) (next + j);
                }
                System.arraycopy(u32(next), 0, payload, 0, 4);
                assertEquals(0, rb.output(payload, 0), "round " + round);
                next++;
            }
            List<byte[]> got = new ArrayList<>();
            rb.consume(d -> {
                got.add(d);
                return 0;
            });
            assertEquals(3, got.size());
            for (byte[] d : got) {
                int id = readU32(d, 0);
                assertEquals(expected++, id);
                for (int j = 4; j < d.length; j++) {
                    assertEquals((byte) (id + j), d[j], "byte " + j + " of record " + id);
                }
            }
        }
        assertTrue(rb.query(MapFlags.BPF_RB_PROD_POS) > 10 * 4096, "wrapped many times");
    }

    @Test
    void negativeHandlerResultStopsAfterThatRecord() {
        RingBufferMap rb = ring(4096);
        for (int i = 0; i < 3; i++) {
            rb.output(u32(i), 0);
        }
        List<Integer> seen = new ArrayList<>();
        assertEquals(-5, rb.consume(d -> {
            seen.add(readU32(d, 0));
            return -5;
        }));
        assertEquals(List.of(0), seen);
        assertEquals(List.of(1, 2), drain(rb));
    }

    @Test
    void consumerThreadSeesEveryRecordOfSeveralProducers() throws InterruptedException {
        RingBufferMap rb = ring(8192);
        int producers = 3;
        int perProducer = 2000;
        Thread[] threads = new Thread[producers];
        for (int p = 0; p < producers; p++) {
            int id = p;
            threads[p] = new Thread(() -> {
                for (int i = 0; i < perProducer; i++) {
                    Region r = rb.reserve(8);
                    for (int tries = 0; r == null && tries < 10_000_000; tries++) {
                        Thread.onSpinWait();
                        r = rb.reserve(8);
                    }
                    if (r == null) {
                        return;
                    }
                    r.put(0, 4, id);
                    r.put(4, 4, i);
                    rb.commit(r, false, 0);
                }
            });
            threads[p].start();
        }
        int[] lastSeen = {-1, -1, -1};
        int[] total = {0};
        boolean[] ordered = {true};
        for (int round = 0; total[0] < producers * perProducer && round < 100_000; round++) {
            rb.await(10);
            rb.consume(d -> {
                int id = readU32(d, 0);
                int seq = readU32(d, 4);
                ordered[0] &= seq == lastSeen[id] + 1;
                lastSeen[id] = seq;
                total[0]++;
                return 0;
            });
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(producers * perProducer, total[0]);
        assertTrue(ordered[0], "each producer's records arrive in order");
        assertArrayEquals(new int[] {perProducer - 1, perProducer - 1, perProducer - 1}, lastSeen);
    }
}
