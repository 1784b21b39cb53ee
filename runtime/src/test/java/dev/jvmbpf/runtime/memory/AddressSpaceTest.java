package dev.jvmbpf.runtime.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AddressSpaceTest {
    @Test
    void anAccessBelowARegionNamesThatRegion() {
        AddressSpace space = new AddressSpace();
        BpfFault underflow = assertThrows(BpfFault.class, () -> space.load(AddressSpace.frameTop(0) - 520, 8));
        assertEquals(FaultKind.OUT_OF_BOUNDS, underflow.kind(), underflow.getMessage());
        assertTrue(underflow.getMessage().contains("8 bytes before the start of stack frame 0"), underflow.getMessage());
        long value = space.register(Region.of("map value", new byte[16], true));
        BpfFault negative = assertThrows(BpfFault.class, () -> space.store(value - 4, 4, 1));
        assertTrue(negative.getMessage().contains("4 bytes before the start of map value"), negative.getMessage());
        BpfFault nul = assertThrows(BpfFault.class, () -> space.load(8, 4));
        assertEquals(FaultKind.NULL_POINTER, nul.kind());
        BpfFault past = assertThrows(BpfFault.class, () -> space.load(value + 16, 1));
        assertTrue(past.getMessage().contains("outside map value"), past.getMessage());
    }

    @Test
    void lookingUpTheSameValuesAgainAddsNoRegions() {
        // A run that looks up 1,000 map values ten thousand times each: each value keeps its address
        // and the run reaches 1,000 regions, not ten million (the heap grew with every lookup before).
        AddressSpace space = new AddressSpace();
        int before = space.regionCount();
        Region[] values = new Region[1000];
        long[] addresses = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = Region.of("value " + i, new byte[8], true);
            addresses[i] = space.register(values[i]);
        }
        for (int round = 0; round < 10_000; round++) {
            for (int i = 0; i < values.length; i += 7) {
                assertEquals(addresses[i], space.register(values[i]));
            }
        }
        assertEquals(before + values.length, space.regionCount());
        space.reset();
        assertEquals(before, space.regionCount());
        long again = space.register(values[500]);
        assertEquals(before + 1, space.regionCount());
        assertSame(values[500], space.regionOf(again));
    }

    @Test
    void aRegionRegisteredInTwoSpacesHasAnAddressInEach() {
        AddressSpace a = new AddressSpace();
        AddressSpace b = new AddressSpace();
        Region shared = Region.of("shared", new byte[8], true);
        b.register(Region.of("other", new byte[8], true));
        long inA = a.register(shared);
        long inB = b.register(shared);
        assertSame(shared, a.regionOf(inA));
        assertSame(shared, b.regionOf(inB));
        assertEquals(inA, a.register(shared));
        assertEquals(inB, b.register(shared));
    }

    @Test
    void aResetForgetsTheRunsRegionsWhateverItsSlotsStillHold() {
        AddressSpace space = new AddressSpace();
        Region first = Region.of("first", new byte[] {1, 2, 3, 4}, true);
        Region second = Region.of("second", new byte[] {5, 6, 7, 8}, true);
        long a = space.register(first);
        long b = space.register(second);
        assertEquals(4, space.load(b, 1) - space.load(a, 1));
        space.reset();
        // The old addresses lead nowhere now.
        assertNull(space.regionOf(a));
        assertEquals(FaultKind.OUT_OF_BOUNDS, assertThrows(BpfFault.class, () -> space.load(b, 1)).kind());
        // The next run registers in another order: each address finds its own region.
        long b2 = space.register(second);
        long a2 = space.register(first);
        assertEquals(a, b2);
        assertSame(second, space.regionOf(b2));
        assertSame(first, space.regionOf(a2));
        assertEquals(5, space.load(b2, 1));
        // Registering again within a run gives the same address.
        assertEquals(a2, space.register(first));
    }
}
