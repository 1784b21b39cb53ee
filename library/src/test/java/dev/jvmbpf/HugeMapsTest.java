package dev.jvmbpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.runtime.memory.BpfFault;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The fixture huge.o: max_entries past 2^31 in BTF (an array type's u32 length), maps at the
 * kernel's size limits that allocate as elements come, and the two variants whose extra map the
 * kernel refuses or cannot allocate, which name the map and the field.
 */
class HugeMapsTest {
    private static final Path ROOT = Path.of(System.getProperty("jvmbpf.root", "..")).toAbsolutePath().normalize();
    private static final Path ELF = ROOT.resolve("runtime/src/test/resources/elf");

    @Test
    void maxEntriesAreReadAsUnsigned() {
        ObjectSpec spec = Bpf.open(ELF.resolve("huge.o"));
        assertEquals(1L << 27, declaration(spec, "big_hash").maxEntries());
        assertEquals(0xffff_ffffL, declaration(spec, "big_trie").maxEntries());
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "jit"})
    void hugeMapsLoadAndWork(String engine) {
        try (LoadedObject loaded = Bpf.open(ELF.resolve("huge.o")).engine(Bpf.engine(engine)).load()) {
            Program p = loaded.program("fill");
            assertEquals(100 * 1000 + 4950 + 7, p.run(p.context().packet(new byte[64]).build()));
            TypedMap hash = loaded.map("big_hash");
            assertEquals(100, hash.size());
            assertEquals(1099L, hash.get(99 << 20));
            assertEquals(0xffff_ffffL, loaded.map("big_trie").maxEntries());
        }
    }

    @Test
    void aHashTableOverTheKernelsLimitIsRefusedNamingMapAndField() {
        ObjectSpec spec = Bpf.open(ELF.resolve("huge-hash2g.o"));
        String note = note(spec, "hash_2g");
        assertTrue(note.contains("max_entries 2147483648") && note.contains("[E2BIG]"), note);
        try (LoadedObject loaded = spec.load()) {
            // The other maps and the program are unaffected; only a use of hash_2g fails.
            Program p = loaded.program("fill");
            assertEquals(104957, p.run(p.context().packet(new byte[64]).build()));
            RuntimeException e = assertThrows(RuntimeException.class, () -> loaded.map("hash_2g").get(1));
            assertTrue(e.getMessage().contains("hash_2g"), e.getMessage());
        }
    }

    @Test
    void anArrayTooLargeToAllocateIsRefusedNamingMapAndField() {
        String note = note(Bpf.open(ELF.resolve("huge-array2g.o")), "array_2g");
        assertTrue(note.contains("max_entries 2147483648 x value_size 4") && note.contains("[ENOMEM]"), note);
    }

    private static MapDeclaration declaration(ObjectSpec spec, String name) {
        return spec.maps().stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow();
    }

    private static String note(ObjectSpec spec, String map) {
        List<String> notes = spec.notes().stream().filter(n -> n.contains("'" + map + "'")).toList();
        assertEquals(1, notes.size(), spec.notes().toString());
        return notes.get(0);
    }
}
