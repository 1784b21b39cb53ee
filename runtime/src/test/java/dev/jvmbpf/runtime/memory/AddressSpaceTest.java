package dev.jvmbpf.runtime.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class AddressSpaceTest {
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
