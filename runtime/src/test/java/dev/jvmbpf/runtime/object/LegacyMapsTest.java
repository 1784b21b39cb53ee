package dev.jvmbpf.runtime.object;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.runtime.elf.ElfFile;
import dev.jvmbpf.runtime.elf.ElfSection;
import dev.jvmbpf.runtime.elf.ElfSymbol;
import dev.jvmbpf.runtime.elf.Fixtures;
import dev.jvmbpf.runtime.maps.BpfMap;
import dev.jvmbpf.runtime.maps.Cpus;
import dev.jvmbpf.runtime.maps.IterableMap;
import dev.jvmbpf.runtime.maps.MapFlags;
import dev.jvmbpf.runtime.maps.MapSpec;
import dev.jvmbpf.runtime.maps.MapType;
import dev.jvmbpf.runtime.memory.BpfFault;
import dev.jvmbpf.runtime.memory.Region;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * Legacy {@code maps} sections as libbpf 0.x and the older loaders read them, and the map types
 * and definitions the kernel knows but the runtime did not: legacy.o (two 20-byte records,
 * {@code packets} an ARRAY 4/8/256 and {@code flows} a HASH 8/4/64) patched in place.
 */
class LegacyMapsTest {
    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static int mapsOffset(byte[] b) {
        ElfFile elf = ElfFile.parse(b, "legacy.o");
        return (int) elf.section("maps").offset();
    }

    /** Writes the first record ({@code packets}) of the maps section. */
    private static byte[] withPackets(int type, int key, int value, int max, int flags) {
        byte[] b = Fixtures.bytes("legacy.o");
        int at = mapsOffset(b);
        le(b).putInt(at, type).putInt(at + 4, key).putInt(at + 8, value).putInt(at + 12, max).putInt(at + 16, flags);
        return b;
    }

    private static ElfSymbol symbol(ElfFile elf, String name) {
        return elf.symbols().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    private static int symbolEntry(byte[] b, String name) {
        ElfFile elf = ElfFile.parse(b, "legacy.o");
        ElfSection symtab = elf.sections().stream().filter(s -> s.type() == ElfSection.SHT_SYMTAB).findFirst()
                .orElseThrow();
        return (int) symtab.offset() + 24 * symbol(elf, name).index();
    }

    @Test
    void recordsShorterThanBpfMapDefAreReadAsFarAsTheyGo() {
        // 16-byte records (no map_flags): the record size is the section size / map symbols
        byte[] b = Fixtures.bytes("legacy.o");
        int at = mapsOffset(b);
        le(b).putInt(at, 2).putInt(at + 4, 4).putInt(at + 8, 8).putInt(at + 12, 256);
        le(b).putInt(at + 16, 1).putInt(at + 20, 8).putInt(at + 24, 4).putInt(at + 28, 64);
        ElfFile elf = ElfFile.parse(b, "legacy.o");
        long shoff = le(b).getLong(40);
        le(b).putLong((int) shoff + 64 * elf.section("maps").index() + 32, 32);
        le(b).putLong(symbolEntry(b, "flows") + 8, 16);
        BpfObject obj = BpfObject.open(b, "legacy.o");
        assertEquals(new MapSpec("packets", MapType.ARRAY, 4, 8, 256, 0), obj.map("packets").spec());
        assertEquals(new MapSpec("flows", MapType.HASH, 8, 4, 64, 0), obj.map("flows").spec());
        assertEquals(MapKind.LEGACY, obj.map("flows").kind());
        assertEquals(1, obj.programs().size());
    }

    @Test
    void recordsLongerThanBpfMapDefIgnoreTheirExtraFieldsWithANote() {
        // flows' symbol moved away (and the program's reference to it made R_BPF_NONE): one 40-byte
        // record whose bytes 20..39 (flows' def) are not zero
        byte[] b = Fixtures.bytes("legacy.o");
        int entry = symbolEntry(b, "flows");
        le(b).putShort(entry + 6, (short) ElfSymbol.SHN_ABS);
        ElfFile elf = ElfFile.parse(b, "legacy.o");
        int flows = symbol(elf, "flows").index();
        for (ElfSection s : elf.sections()) {
            if (s.type() == ElfSection.SHT_REL && s.info() == elf.section("socket").index()) {
                for (int i = 0; i < s.size() / 16; i++) {
                    int at = (int) s.offset() + 16 * i;
                    if (le(b).getLong(at + 8) >>> 32 == flows) {
                        le(b).putLong(at + 8, (long) flows << 32);
                    }
                }
            }
        }
        BpfObject obj = BpfObject.open(b, "legacy.o");
        assertEquals(1, obj.maps().stream().filter(m -> m.kind() == MapKind.LEGACY).count());
        assertEquals(new MapSpec("packets", MapType.ARRAY, 4, 8, 256, 0), obj.map("packets").spec());
        assertTrue(obj.notes().stream().anyMatch(n -> n.contains("non-zero fields beyond struct bpf_map_def")),
                obj.notes().toString());
    }

    @Test
    void perfEventArrayWithoutSizesGetsFourByteKeysAndValuesAndASlotPerCpu() {
        BpfObject obj = BpfObject.open(withPackets(MapType.PERF_EVENT_ARRAY.id(), 0, 0, 0, 0), "legacy.o");
        MapSpec spec = obj.map("packets").map().spec();
        assertEquals(4, spec.keySize());
        assertEquals(4, spec.valueSize());
        assertEquals(Cpus.count(), spec.maxEntries());
        assertTrue(obj.notes().stream().anyMatch(n -> n.contains("adjusted to 4/4")), obj.notes().toString());
    }

    @Test
    void ringBufferSizeIsRoundedToAPowerOfTwoOfPages() {
        BpfObject obj = BpfObject.open(withPackets(MapType.RINGBUF.id(), 0, 0, 5000, 0), "legacy.o");
        assertEquals(8192, obj.map("packets").map().spec().maxEntries());
    }

    @Test
    void stackTraceMapIsAHashOfAddressArrays() {
        BpfObject obj = BpfObject.open(withPackets(MapType.STACK_TRACE.id(), 4, 127 * 8, 16, 0), "legacy.o");
        BpfMap m = obj.map("packets").map();
        assertEquals(MapType.STACK_TRACE, m.spec().type());
        byte[] key = {7, 0, 0, 0};
        assertNull(m.lookupValue(key));
        byte[] stack = new byte[127 * 8];
        stack[0] = 0x42;
        assertEquals(0, m.update(key, stack, MapFlags.BPF_ANY));
        assertArrayEquals(stack, m.lookupValue(key));
        assertInstanceOf(IterableMap.class, m);
    }

    @Test
    void devmapHoldsIfindexesAndGivesProgramsReadOnlyValues() {
        BpfObject obj = BpfObject.open(withPackets(MapType.DEVMAP.id(), 4, 4, 8, 0), "legacy.o");
        BpfMap m = obj.map("packets").map();
        byte[] key = {3, 0, 0, 0};
        assertNull(m.lookup(key), "absent elements are NULL, as in the kernel");
        assertEquals(0, m.update(key, new byte[] {5, 0, 0, 0}, MapFlags.BPF_ANY));
        Region r = m.lookup(key);
        assertEquals(5, r.get(0, 4));
        assertTrue(!r.writable(), "devmap values are read-only to programs");
        assertTrue(m.update(new byte[] {8, 0, 0, 0}, new byte[4], MapFlags.BPF_ANY) < 0, "index beyond max_entries");
        assertEquals(1, m.keys().size());
    }

    @Test
    void mapsOfMapsAndSocketMapsFaultRatherThanHandOutAnObjectTheyDoNotModel() {
        for (MapType t : new MapType[] {MapType.ARRAY_OF_MAPS, MapType.XSKMAP, MapType.SOCKMAP, MapType.CGROUP_ARRAY,
            MapType.CPUMAP}) {
            BpfObject obj = BpfObject.open(withPackets(t.id(), 4, 4, 8, 0), "legacy.o");
            BpfMap m = obj.map("packets").map();
            byte[] key = {1, 0, 0, 0};
            assertNull(m.lookup(key), t + ": absent is NULL");
            assertEquals(0, m.update(key, new byte[] {9, 0, 0, 0}, MapFlags.BPF_ANY), t.toString());
            if (t == MapType.CPUMAP) {
                assertEquals(9, m.lookup(key).get(0, 4));
            } else {
                BpfFault f = assertThrows(BpfFault.class, () -> m.lookup(key));
                assertTrue(f.getMessage().contains("does not model"), f.getMessage());
            }
            assertArrayEquals(new byte[] {9, 0, 0, 0}, m.lookupValue(key));
        }
    }

    @Test
    void unmodelledTypesOpenAndFaultOnUse() {
        BpfObject obj = BpfObject.open(withPackets(MapType.SK_STORAGE.id(), 4, 8, 0, MapFlags.BPF_F_NO_PREALLOC),
                "legacy.o");
        BpfMap m = obj.map("packets").map();
        BpfFault f = assertThrows(BpfFault.class, () -> m.lookup(new byte[4]));
        assertTrue(f.getMessage().contains("does not model SK_STORAGE"), f.getMessage());
    }

    @Test
    void aDefinitionTheKernelRefusesStillOpensAndItsMapFaultsSayingWhy() {
        // libbpf opens this object; the kernel refuses the map at load (ARRAY keys are 4 bytes)
        BpfObject obj = BpfObject.open(withPackets(MapType.ARRAY.id(), 8, 8, 256, 0), "legacy.o");
        assertTrue(obj.notes().stream().anyMatch(n -> n.contains("'packets' cannot be created")), obj.notes().toString());
        BpfFault f = assertThrows(BpfFault.class, () -> obj.map("packets").map().lookup(new byte[8]));
        assertTrue(f.getMessage().contains("key_size must be 4"), f.getMessage());
        assertEquals(1, obj.programs().size());
    }

    @Test
    void aTypeTheKernelDoesNotDefineIsRefusedWithItsNumber() {
        var e = assertThrows(dev.jvmbpf.runtime.exec.LoadException.class,
                () -> BpfObject.open(withPackets(99, 4, 4, 1, 0), "legacy.o"));
        assertTrue(e.getMessage().contains("map type 99"), e.getMessage());
    }
}
