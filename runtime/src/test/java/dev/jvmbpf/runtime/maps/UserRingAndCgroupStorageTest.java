package dev.jvmbpf.runtime.maps;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jvmbpf.runtime.memory.Region;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** USER_RINGBUF as Java produces into it, and CGROUP_STORAGE's one storage per attachment. */
class UserRingAndCgroupStorageTest {
    private static UserRingBufferMap userRing(int size) {
        return (UserRingBufferMap) Maps.create(new MapSpec("samples", MapType.USER_RINGBUF, 0, 0, size, 0));
    }

    @Test
    void samplesAreDrainedOnceOldestFirstAndFreeTheirRoom() {
        UserRingBufferMap ring = userRing(4096);
        assertEquals(0, ring.submit(new byte[] {1}));
        assertEquals(0, ring.submit(new byte[] {2, 2}));
        assertEquals(0, ring.submit(new byte[] {3}));
        List<byte[]> seen = new ArrayList<>();
        assertEquals(2, ring.drain(s -> {
            seen.add(s);
            return seen.size() == 2 ? 1 : 0; // stop after the second
        }));
        assertArrayEquals(new byte[] {1}, seen.get(0));
        assertArrayEquals(new byte[] {2, 2}, seen.get(1));
        assertEquals(1, ring.pending());
        assertEquals(1, ring.drain(s -> 0));
        assertEquals(0, ring.drain(s -> 0), "an empty ring drains nothing");
    }

    @Test
    void capacityCountsAHeaderAndEightByteAlignmentPerSample() {
        UserRingBufferMap ring = userRing(4096);
        // 1 byte takes 8 + 8: 256 of them fill 4096 bytes
        for (int i = 0; i < 256; i++) {
            assertEquals(0, ring.submit(new byte[1]), "sample " + i);
        }
        assertEquals(-Errno.ENOSPC, ring.submit(new byte[1]));
        ring.drain(s -> 1);
        assertEquals(0, ring.submit(new byte[8]), "one drained sample made room for 16 bytes");
        assertEquals(-Errno.E2BIG, userRing(4096).submit(new byte[4089]));
        assertEquals(0, userRing(4096).submit(new byte[4088]));
    }

    @Test
    void aDrainInsideADrainIsBusy() {
        UserRingBufferMap ring = userRing(4096);
        ring.submit(new byte[1]);
        AtomicLong inner = new AtomicLong();
        assertEquals(1, ring.drain(s -> {
            inner.set(ring.drain(t -> 0));
            return 0;
        }));
        assertEquals(-Errno.EBUSY, inner.get());
    }

    @Test
    void userRingsAreNotLookedUpOrUpdated() {
        UserRingBufferMap ring = userRing(4096);
        assertEquals(null, ring.lookup(new byte[0]));
        assertEquals(-Errno.EOPNOTSUPP, ring.update(new byte[0], new byte[0], 0));
    }

    @Test
    void cgroupStorageIsOneZeroedValueThatEveryKeyNames() {
        BpfMap map = Maps.create(new MapSpec("st", MapType.CGROUP_STORAGE, 16, 8, 0, 0));
        Region a = map.lookup(new byte[16]);
        byte[] other = new byte[16];
        other[0] = 42;
        assertSame(a, map.lookup(other));
        assertArrayEquals(new byte[8], map.lookupValue(new byte[16]));
        assertEquals(0, map.update(new byte[16], new byte[] {7, 0, 0, 0, 0, 0, 0, 0}, MapFlags.BPF_EXIST));
        assertEquals(7, a.get(0, 8));
        assertEquals(-Errno.EEXIST, map.update(new byte[16], new byte[8], MapFlags.BPF_NOEXIST));
        assertEquals(-Errno.EINVAL, map.delete(new byte[16]));
        assertEquals(1, map.keys().size());
        assertThrows(RuntimeException.class, () -> map.lookup(new byte[4]), "a key of the wrong size");
    }

    @Test
    void perCpuCgroupStorageHasAValuePerCpu() {
        BpfMap map = Maps.create(new MapSpec("pst", MapType.PERCPU_CGROUP_STORAGE, 8, 4, 0, 0));
        assertEquals(Cpus.stride(4) * Cpus.count(), map.lookupValue(new byte[8]).length);
        if (Cpus.count() > 1) {
            Region cpu0 = map.lookupPerCpu(new byte[8], 0);
            Region cpu1 = map.lookupPerCpu(new byte[8], 1);
            cpu1.put(0, 4, 5);
            assertEquals(0, cpu0.get(0, 4));
        }
    }

    @Test
    void creationFollowsTheKernelsRules() {
        assertEquals(Errno.EINVAL, assertThrows(MapCreationException.class, () -> Maps.create(
                new MapSpec("st", MapType.CGROUP_STORAGE, 16, 8, 1, 0))).errno(), "max_entries must be 0");
        assertEquals(Errno.EINVAL, assertThrows(MapCreationException.class, () -> Maps.create(
                new MapSpec("st", MapType.CGROUP_STORAGE, 12, 8, 0, 0))).errno(), "key 16 or 8");
        assertEquals(Errno.E2BIG, assertThrows(MapCreationException.class, () -> Maps.create(
                new MapSpec("st", MapType.CGROUP_STORAGE, 16, 65408, 0, 0))).errno(), "65407 bytes at most");
        assertEquals(Errno.E2BIG, assertThrows(MapCreationException.class, () -> Maps.create(
                new MapSpec("st", MapType.PERCPU_CGROUP_STORAGE, 16, 32769, 0, 0))).errno(), "32 KiB per CPU");
        assertEquals(Errno.EINVAL, assertThrows(MapCreationException.class, () -> Maps.create(
                new MapSpec("u", MapType.USER_RINGBUF, 0, 0, 2048, 0))).errno(), "pages, a power of 2");
    }
}
