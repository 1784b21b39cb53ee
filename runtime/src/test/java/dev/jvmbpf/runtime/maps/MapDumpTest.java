package dev.jvmbpf.runtime.maps;

import static dev.jvmbpf.runtime.maps.MapTestSupport.map;
import static dev.jvmbpf.runtime.maps.MapTestSupport.u32;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class MapDumpTest {
    @Test
    void arrayDumpListsEveryIndex() {
        BpfMap m = map(MapType.ARRAY, 4, 4, 2);
        m.update(u32(1), new byte[] {(byte) 0xab, 0, 0, 1}, 0);
        assertEquals("key: 00 00 00 00 value: 00 00 00 00\nkey: 01 00 00 00 value: ab 00 00 01\n", MapDump.hex(m));
    }

    @Test
    void hashDumpListsPresentEntries() {
        BpfMap m = map(MapType.HASH, 2, 1, 4);
        assertEquals("", MapDump.hex(m));
        m.update(new byte[] {1, 2}, new byte[] {3}, 0);
        assertEquals("key: 01 02 value: 03\n", MapDump.hex(m));
    }

    @Test
    void percpuDumpShowsEveryCpusPaddedSlot() {
        BpfMap m = map(MapType.PERCPU_ARRAY, 4, 2, 1);
        String line = MapDump.hex(m);
        assertEquals(("key: 00 00 00 00 value: " + "00 ".repeat(8 * Cpus.count())).trim() + "\n", line);
    }
}
