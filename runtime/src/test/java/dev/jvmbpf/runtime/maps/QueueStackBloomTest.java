package dev.jvmbpf.runtime.maps;

import static dev.jvmbpf.runtime.maps.MapTestSupport.map;
import static dev.jvmbpf.runtime.maps.MapTestSupport.readU32;
import static dev.jvmbpf.runtime.maps.MapTestSupport.u32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class QueueStackBloomTest {
    private static int pop(QueueMap m) {
        byte[] out = new byte[4];
        assertEquals(0, m.pop(out));
        return readU32(out, 0);
    }

    @Test
    void queueIsFifoAndOverwritesOldestOnlyWithExist() {
        QueueMap q = (QueueMap) map(MapType.QUEUE, 0, 4, 3);
        byte[] out = new byte[4];
        assertEquals(-Errno.ENOENT, q.pop(out));
        assertEquals(-Errno.ENOENT, q.peek(out));
        for (int i = 1; i <= 3; i++) {
            assertEquals(0, q.push(u32(i), MapFlags.BPF_ANY));
        }
        assertEquals(-Errno.E2BIG, q.push(u32(4), MapFlags.BPF_ANY));
        assertEquals(-Errno.EINVAL, q.push(u32(4), MapFlags.BPF_NOEXIST));
        assertEquals(-Errno.EINVAL, q.push(u32(4), 3));
        assertEquals(0, q.push(u32(4), MapFlags.BPF_EXIST));
        assertEquals(0, q.peek(out));
        assertEquals(2, readU32(out, 0));
        assertEquals(3, q.size());
        assertEquals("value: 02 00 00 00\nvalue: 03 00 00 00\nvalue: 04 00 00 00\n", MapDump.hex(q));
        assertEquals(2, pop(q));
        assertEquals(0, q.update(null, u32(5), 0), "bpf(2) update pushes");
        assertEquals(3, pop(q));
        assertEquals(4, pop(q));
        assertEquals(5, readU32(q.lookupValue(null), 0), "bpf(2) lookup peeks");
        assertEquals(0, q.lookupAndDelete(null, out));
        assertEquals(5, readU32(out, 0));
        assertNull(q.lookupValue(null));
        assertEquals(-Errno.EINVAL, q.delete(null));
    }

    @Test
    void queueWrapsAroundManyTimes() {
        QueueMap q = (QueueMap) map(MapType.QUEUE, 0, 4, 5);
        int next = 0;
        int expected = 0;
        for (int round = 0; round < 100; round++) {
            for (int i = 0; i < 3; i++) {
                assertEquals(0, q.push(u32(next++), 0));
            }
            for (int i = 0; i < 3; i++) {
                assertEquals(expected++, pop(q));
            }
        }
    }

    @Test
    void stackIsLifoAndDropsTheOldestWhenFull() {
        QueueMap s = (QueueMap) map(MapType.STACK, 0, 4, 3);
        for (int i = 1; i <= 3; i++) {
            assertEquals(0, s.push(u32(i), 0));
        }
        assertEquals(-Errno.E2BIG, s.push(u32(4), 0));
        assertEquals(0, s.push(u32(4), MapFlags.BPF_EXIST));
        byte[] out = new byte[4];
        assertEquals(0, s.peek(out));
        assertEquals(4, readU32(out, 0));
        assertEquals(4, pop(s));
        assertEquals(3, pop(s));
        assertEquals(2, pop(s));
        assertEquals(-Errno.ENOENT, s.pop(out), "1 was dropped as the oldest");
    }

    @Test
    void bloomFilterHasNoFalseNegativesAndFewFalsePositives() {
        QueueMap b = (QueueMap) map(MapType.BLOOM_FILTER, 0, 4, 1000);
        for (int i = 0; i < 1000; i++) {
            assertEquals(0, b.push(u32(i * 3), MapFlags.BPF_ANY));
        }
        for (int i = 0; i < 1000; i++) {
            assertEquals(0, b.peek(u32(i * 3)), "pushed value " + i * 3);
        }
        int falsePositives = 0;
        for (int i = 0; i < 10_000; i++) {
            if (b.peek(u32(1_000_000 + i)) == 0) {
                falsePositives++;
            }
        }
        assertTrue(falsePositives < 500, "false positives: " + falsePositives + " of 10000");
        assertEquals(-Errno.EINVAL, b.push(u32(1), MapFlags.BPF_EXIST));
        assertEquals(-Errno.EOPNOTSUPP, b.pop(new byte[4]));
        assertEquals(-Errno.EOPNOTSUPP, b.delete(null));
    }

    @Test
    void emptyBloomFilterAnswersNoAndHashCountComesFromMapExtra() {
        QueueMap b = (QueueMap) Maps.create(new MapSpec("b", MapType.BLOOM_FILTER, 0, 8, 100, 0, 3));
        assertEquals(-Errno.ENOENT, b.peek(new byte[8]));
        assertEquals(3, ((dev.jvmbpf.runtime.maps.internal.BloomFilterMapImpl) b).hashCount());
        QueueMap d = (QueueMap) map(MapType.BLOOM_FILTER, 0, 8, 100);
        assertEquals(5, ((dev.jvmbpf.runtime.maps.internal.BloomFilterMapImpl) d).hashCount());
    }
}
