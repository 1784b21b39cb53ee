package dev.jvmbpf.runtime.object;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.jvmbpf.runtime.btf.BtfFormatter;
import dev.jvmbpf.runtime.elf.ElfException;
import dev.jvmbpf.runtime.elf.ElfFile;
import dev.jvmbpf.runtime.elf.ElfSection;
import dev.jvmbpf.runtime.elf.ElfSymbol;
import dev.jvmbpf.runtime.elf.Fixtures;
import dev.jvmbpf.runtime.exec.LoadException;
import dev.jvmbpf.runtime.maps.Maps;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Damaged objects must fail with a LoadException, never with any other exception. */
class MalformedObjectTest {
    private static final List<String> FIXTURES = List.of("seed.o", "maps.o", "globals.o", "multi.o", "legacy.o",
            "sections.o", "seed-nog.o", "multi-clang14.o");

    /** Refuses absurd sizes before allocating, as a map implementation with lazy storage would. */
    private static final MapFactory BOUNDED = spec -> {
        if ((long) spec.maxEntries() * (spec.keySize() + spec.valueSize()) > (1L << 24)) {
            throw new IllegalArgumentException("too large for the test");
        }
        return Maps.create(spec);
    };

    /** Outcome of one load: 0 loaded, 1 LoadException; any other throwable fails the test. */
    private static int load(byte[] bytes, String what) {
        try {
            BpfObject.open(bytes, "fuzz.o", BOUNDED);
            return 0;
        } catch (LoadException e) {
            if (e.getMessage() == null || e.getMessage().isBlank()) {
                fail(what + ": LoadException without a message");
            }
            return 1;
        } catch (Throwable t) {
            throw new AssertionError(what + ": escaped as " + t, t);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"seed.o", "maps.o", "globals.o", "multi.o", "legacy.o", "sections.o", "seed-nog.o",
        "multi-clang14.o"})
    void truncationAtEvery64ByteBoundaryIsALoadException(String fixture) {
        byte[] full = Fixtures.bytes(fixture);
        int rejected = 0;
        int total = 0;
        for (int len = 0; len < full.length; len += 64) {
            byte[] cut = java.util.Arrays.copyOf(full, len);
            rejected += load(cut, fixture + " truncated to " + len);
            total++;
        }
        // The section header table sits at the end of clang's objects: every truncation loses it.
        assertEquals(total, rejected, fixture);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void flippedBytesAreLoadedOrRejectedCleanly(int seed) {
        Random random = new Random(seed);
        int rejected = 0;
        int total = 0;
        for (String fixture : FIXTURES) {
            byte[] full = Fixtures.bytes(fixture);
            for (int round = 0; round < 300; round++) {
                byte[] b = full.clone();
                int flips = 1 + random.nextInt(4);
                StringBuilder what = new StringBuilder(fixture).append(" seed ").append(seed).append(" flips");
                for (int k = 0; k < flips; k++) {
                    int at = random.nextInt(b.length);
                    int mask = random.nextBoolean() ? 1 << random.nextInt(8) : 1 + random.nextInt(255);
                    b[at] ^= (byte) mask;
                    what.append(' ').append(at).append('^').append(mask);
                }
                rejected += load(b, what.toString());
                total++;
            }
        }
        System.out.println("MalformedObjectTest seed " + seed + ": " + total + " mutated objects, " + rejected
                + " rejected with a LoadException, " + (total - rejected) + " loaded");
        assertTrue(rejected > 0 && rejected < total, "mutations both break and spare objects");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15})
    void everyByteOfTheHeadersFlippedIsHandled(int bit) {
        // Exhaustive over the ELF header and the section header table of the seed program.
        byte[] full = Fixtures.bytes("multi.o");
        ByteBuffer bb = ByteBuffer.wrap(full).order(ByteOrder.LITTLE_ENDIAN);
        int shoff = (int) bb.getLong(40);
        int mask = bit < 8 ? 1 << bit : 0xff ^ (1 << (bit - 8));
        for (int at = 0; at < full.length; at++) {
            if (at >= 64 && at < shoff) {
                continue;
            }
            byte[] b = full.clone();
            b[at] ^= (byte) mask;
            load(b, "multi.o byte " + at + " ^ " + mask);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"maps.o", "globals.o", "multi.o", "tailcalls.o", "core.o"})
    void damagedBtfIsALoadExceptionAndFormattingNeverThrows(String fixture) {
        byte[] full = Fixtures.bytes(fixture);
        ElfFile elf = ElfFile.parse(full, fixture);
        Random random = new Random(fixture.hashCode());
        int rejected = 0;
        int formatted = 0;
        for (String name : List.of(".BTF", ".BTF.ext")) {
            ElfSection s = elf.section(name);
            for (int round = 0; round < 1500; round++) {
                byte[] b = full.clone();
                int at = (int) s.offset() + random.nextInt((int) s.size());
                int mask = 1 + random.nextInt(255);
                b[at] ^= (byte) mask;
                String what = fixture + " " + name + " byte " + (at - s.offset()) + " ^ " + mask;
                BpfObject obj;
                try {
                    obj = BpfObject.open(b, fixture, BOUNDED);
                } catch (LoadException e) {
                    rejected++;
                    continue;
                } catch (Throwable t) {
                    throw new AssertionError(what + ": escaped as " + t, t);
                }
                try {
                    BtfFormatter f = new BtfFormatter(obj.btf());
                    for (ObjectMap m : obj.maps()) {
                        f.format(m.valueType(), new byte[Math.min(64, m.spec().valueSize())]);
                        f.format(m.keyType(), new byte[m.spec().keySize()]);
                    }
                    for (int id = 0; id < obj.btf().size(); id++) {
                        f.format(id, new byte[16]);
                        obj.btf().describe(id);
                    }
                    formatted++;
                } catch (Throwable t) {
                    throw new AssertionError(what + ": formatting threw " + t, t);
                }
            }
        }
        System.out.println("MalformedObjectTest " + fixture + ": 3000 BTF mutations, " + rejected
                + " rejected with a LoadException, " + formatted + " loaded and formatted every type");
        assertTrue(rejected > 0 && formatted > 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"seed.o", "multi.o", "globals.o", "maps.o", "tailcalls.o", "samesection.o"})
    void everySymbolExtentAndRelocationTargetIsHandled(String fixture) {
        byte[] full = Fixtures.bytes(fixture);
        ElfFile elf = ElfFile.parse(full, fixture);
        ElfSection symtab = elf.sections().stream().filter(x -> x.type() == ElfSection.SHT_SYMTAB).findFirst()
                .orElseThrow();
        int loads = 0;
        for (ElfSymbol sym : elf.symbols()) {
            if (!sym.isDefined() || sym.section() >= elf.sections().size()) {
                continue;
            }
            long limit = elf.section(sym.section()).size() + 16;
            for (long v = 0; v <= limit; v += 8) {
                for (int field : new int[] {8, 16}) { // st_value, st_size
                    byte[] b = full.clone();
                    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong((int) symtab.offset() + 24 * sym.index()
                            + field, v);
                    load(b, fixture + " symbol " + sym.name() + (field == 8 ? " value " : " size ") + v);
                    loads++;
                }
            }
        }
        for (ElfSection rel : elf.sections()) {
            if (rel.type() != ElfSection.SHT_REL || !elf.section(rel.info()).executable()) {
                continue;
            }
            long size = elf.section(rel.info()).size();
            for (long at = 0; at < rel.size(); at += 16) {
                for (long offset = 0; offset <= size; offset += 8) {
                    byte[] b = full.clone();
                    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong((int) (rel.offset() + at), offset);
                    load(b, fixture + " " + rel.name() + " entry " + at / 16 + " offset " + offset);
                    loads++;
                }
                for (int symbol = 0; symbol <= elf.symbols().size(); symbol++) {
                    byte[] b = full.clone();
                    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt((int) (rel.offset() + at + 12), symbol);
                    load(b, fixture + " " + rel.name() + " entry " + at / 16 + " symbol " + symbol);
                    loads++;
                }
            }
        }
        System.out.println("MalformedObjectTest " + fixture + ": " + loads + " symbol and relocation rewrites handled");
        assertTrue(loads > 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"not an elf file at all, but long enough to hold an ELF header, honestly......"})
    void garbageIsNotAnElfFile(String text) {
        ElfException e = assertThrows(ElfException.class, () -> BpfObject.open(text.getBytes(), "x.o"));
        assertTrue(e.getMessage().contains("not an ELF file"), e.getMessage());
    }
}
