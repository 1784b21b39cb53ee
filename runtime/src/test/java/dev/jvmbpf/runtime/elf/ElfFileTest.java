package dev.jvmbpf.runtime.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.runtime.exec.LoadException;
import dev.jvmbpf.runtime.object.BpfObject;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

class ElfFileTest {
    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void seedObjectStructure() {
        ElfFile elf = ElfFile.parse(Fixtures.bytes("seed.o"), "seed.o");
        ElfSection prog = elf.section("tp/syscalls/sys_enter_execve");
        assertNotNull(prog);
        assertTrue(prog.executable());
        assertEquals(9 * 8, prog.size(), "8 instructions in 9 slots: lddw takes two");
        ElfSection rodata = elf.section(".rodata");
        assertEquals("execve called by PID: %d\n\0", new String(elf.contents(rodata)));
        List<ElfRelocation> relocs = elf.relocations(prog);
        assertEquals(1, relocs.size());
        ElfRelocation r = relocs.getFirst();
        assertEquals(ElfRelocation.R_BPF_64_64, r.type());
        assertEquals(16, r.offset());
        assertEquals(".rodata", r.symbol().name());
        assertTrue(r.symbol().isSection());
        ElfSymbol entry = elf.symbols().stream().filter(s -> s.name().equals("trace_execve")).findFirst().orElseThrow();
        assertTrue(entry.isFunction() && entry.isGlobal());
        assertEquals(prog.index(), entry.section());
        assertEquals(prog.size(), entry.size());
    }

    @Test
    void relocationsOfDebugAndBtfSectionsAreIgnoredAsLibbpfDoes() {
        ElfFile elf = ElfFile.parse(Fixtures.bytes("multi.o"), "multi.o");
        assertEquals(List.of(), elf.relocations(elf.section(".BTF.ext")));
        assertEquals(List.of(), elf.relocations(elf.section(".debug_info")));
        assertTrue(elf.ignoredRelocations(elf.section(".debug_info")) > 0);
        List<ElfRelocation> code = elf.relocations(elf.section("tc"));
        assertEquals(List.of(ElfRelocation.R_BPF_64_32, ElfRelocation.R_BPF_64_64, ElfRelocation.R_BPF_64_32),
                code.stream().map(ElfRelocation::type).toList());
        // R_BPF_NONE, an unknown type and an offset past the end in .rel.BTF.ext / .rel.debug_info: never looked at
        byte[] b = Fixtures.bytes("multi.o");
        le(b).putLong(relocationEntry(b, ".BTF.ext", 0) + 8, 0);
        le(b).putLong(relocationEntry(b, ".debug_info", 0) + 8, 99);
        le(b).putLong(relocationEntry(b, ".debug_info", 1), 1 << 20);
        assertEquals(BpfObject.open(Fixtures.bytes("multi.o"), "multi.o").programs().size(),
                BpfObject.open(b, "multi.o").programs().size());
    }

    @Test
    void dataRelocationsAreSizedByTypeNotAsInstructions() {
        // old LLVM: R_BPF_64_64 for an 8-byte value in the last 8 bytes of .maps (a program slot)
        byte[] b = Fixtures.bytes("tailcalls.o");
        ElfFile original = ElfFile.parse(b, "tailcalls.o");
        long mapsSize = original.section(".maps").size();
        int at = relocationEntry(b, ".maps", 2);
        long info = le(b).getLong(at + 8);
        le(b).putLong(at + 8, (info & ~0xffffffffL) | ElfRelocation.R_BPF_64_64);
        ElfFile elf = ElfFile.parse(b, "tailcalls.o");
        assertEquals(ElfRelocation.R_BPF_64_64, elf.relocations(elf.section(".maps")).get(2).type());
        assertEquals(BpfObject.open(Fixtures.bytes("tailcalls.o"), "t.o").maps().getFirst().programSlots(),
                BpfObject.open(b, "t.o").maps().getFirst().programSlots());
        le(b).putLong(at, mapsSize - 8);
        assertEquals(mapsSize - 8, ElfFile.parse(b, "tailcalls.o").relocations(original.section(".maps")).get(2).offset());
        le(b).putLong(at, mapsSize - 4);
        assertTrue(rejected(b).getMessage().contains("R_BPF_64_64 at offset " + (mapsSize - 4) + " lies outside .maps"));
        assertEquals(4, ElfRelocation.width(ElfRelocation.R_BPF_64_32, false));
        assertEquals(8, ElfRelocation.width(ElfRelocation.R_BPF_64_32, true));
        assertEquals(4, ElfRelocation.width(ElfRelocation.R_BPF_64_NODYLD32, false));
    }

    @Test
    void noneRelocationsAreSkipped() {
        byte[] b = Fixtures.bytes("multi.o");
        int at = relocationEntry(b, "tc", 1);
        le(b).putLong(at + 8, le(b).getLong(at + 8) & ~0xffffffffL);
        ElfFile elf = ElfFile.parse(b, "multi.o");
        assertEquals(List.of(ElfRelocation.R_BPF_64_32, ElfRelocation.R_BPF_64_32),
                elf.relocations(elf.section("tc")).stream().map(ElfRelocation::type).toList());
    }

    @Test
    void relaSectionsAreSkippedAsLibbpfSkipsThem() {
        byte[] b = Fixtures.bytes("multi.o");
        ElfFile elf = ElfFile.parse(b, "multi.o");
        ElfSection rel = elf.sections().stream()
                .filter(s -> s.type() == ElfSection.SHT_REL && s.info() == elf.section("tc").index()).findFirst()
                .orElseThrow();
        long shoff = le(b).getLong(40);
        le(b).putInt((int) shoff + 64 * rel.index() + 4, ElfSection.SHT_RELA);
        le(b).putLong((int) shoff + 64 * rel.index() + 56, 24);
        ElfFile rela = ElfFile.parse(b, "multi.o");
        assertEquals(List.of(), rela.relocations(rela.section("tc")));
        assertEquals(3 * 16 / 24, rela.ignoredRelocations(rela.section("tc")));
    }

    @Test
    void machineNoneIsABpfObjectAsForLibbpf() {
        byte[] b = Fixtures.bytes("seed.o");
        le(b).putShort(18, (short) ElfFile.EM_NONE);
        assertEquals(BpfObject.open(Fixtures.bytes("seed.o"), "seed.o").programs().size(),
                BpfObject.open(b, "seed.o").programs().size());
    }

    private static ElfException rejected(byte[] b) {
        return assertThrows(ElfException.class, () -> BpfObject.open(b, "bad.o"));
    }

    @Test
    void headerChecksNameTheProblem() {
        byte[] ok = Fixtures.bytes("seed.o");
        byte[] b = ok.clone();
        b[4] = 1;
        assertTrue(rejected(b).getMessage().contains("not a 64-bit ELF file"));
        b = ok.clone();
        b[5] = 2;
        assertTrue(rejected(b).getMessage().contains("big-endian"));
        b = ok.clone();
        le(b).putShort(16, (short) 2);
        assertTrue(rejected(b).getMessage().contains("not a relocatable object"));
        b = ok.clone();
        le(b).putShort(18, (short) 62);
        ElfException e = rejected(b);
        assertTrue(e.getMessage().contains("not a BPF object (e_machine 62"), e.getMessage());
        assertTrue(e.getMessage().startsWith("bad.o: file offset 18"), e.getMessage());
        e = rejected(java.util.Arrays.copyOf(ok, 40));
        assertTrue(e.getMessage().contains("truncated ELF header"), e.getMessage());
    }

    /** File offset of relocation {@code index} of the REL section patching {@code target}. */
    private static int relocationEntry(byte[] bytes, String target, int index) {
        ElfFile elf = ElfFile.parse(bytes, "x.o");
        int targetIndex = elf.section(target).index();
        for (ElfSection s : elf.sections()) {
            if (s.type() == ElfSection.SHT_REL && s.info() == targetIndex) {
                return (int) s.offset() + 16 * index;
            }
        }
        throw new AssertionError("no relocations for " + target);
    }

    @Test
    void unsupportedRelocationTypeNamesSectionAndOffset() {
        byte[] b = Fixtures.bytes("multi.o");
        int at = relocationEntry(b, "tc", 1);
        b[at + 8] = 7;
        ElfException e = rejected(b);
        assertTrue(e.getMessage().contains("section .reltc offset 16"), e.getMessage());
        assertTrue(e.getMessage().contains("unsupported relocation type 7 for tc offset 72"), e.getMessage());
    }

    @Test
    void relocationOutsideItsSection() {
        byte[] b = Fixtures.bytes("multi.o");
        int at = relocationEntry(b, "tc", 0);
        le(b).putLong(at, 0x10000);
        ElfException e = rejected(b);
        assertTrue(e.getMessage().contains("lies outside tc"), e.getMessage());
    }

    @Test
    void relocationOnAnInstructionThatTakesNone() {
        byte[] b = Fixtures.bytes("multi.o");
        int at = relocationEntry(b, "tc", 0);
        le(b).putLong(at, 0); // the call's relocation moved to "r1 = 3"
        LoadException e = assertThrows(LoadException.class, () -> BpfObject.open(b, "bad.o"));
        assertTrue(e.getMessage().contains("section tc offset 0"), e.getMessage());
        assertTrue(e.getMessage().contains("neither lddw nor a call"), e.getMessage());
    }

    @Test
    void externSymbolsAreRefused() {
        byte[] b = Fixtures.bytes("seed.o");
        ElfFile elf = ElfFile.parse(b, "seed.o");
        ElfSection symtab = elf.sections().stream().filter(s -> s.type() == ElfSection.SHT_SYMTAB).findFirst()
                .orElseThrow();
        ElfSymbol rodata = elf.relocations(elf.section("tp/syscalls/sys_enter_execve")).getFirst().symbol();
        le(b).putShort((int) symtab.offset() + 24 * rodata.index() + 6, (short) 0);
        LoadException e = assertThrows(LoadException.class, () -> BpfObject.open(b, "bad.o"));
        assertTrue(e.getMessage().contains("not defined in this object"), e.getMessage());
        assertTrue(e.getMessage().contains("section tp/syscalls/sys_enter_execve offset 16"), e.getMessage());
    }

    @Test
    void functionEndingInsideAnLddwIsRefused() {
        byte[] b = Fixtures.bytes("seed.o");
        ElfFile elf = ElfFile.parse(b, "seed.o");
        ElfSection symtab = elf.sections().stream().filter(s -> s.type() == ElfSection.SHT_SYMTAB).findFirst()
                .orElseThrow();
        ElfSymbol entry = elf.symbols().stream().filter(s -> s.name().equals("trace_execve")).findFirst().orElseThrow();
        le(b).putLong((int) symtab.offset() + 24 * entry.index() + 16, 3 * 8); // ends after the lddw's first slot
        LoadException e = assertThrows(LoadException.class, () -> BpfObject.open(b, "bad.o"));
        assertTrue(e.getMessage().contains("section tp/syscalls/sys_enter_execve offset 16"), e.getMessage());
        assertTrue(e.getMessage().contains("lacks its second slot"), e.getMessage());
    }

    @Test
    void sectionContentsBeyondTheFile() {
        byte[] b = Fixtures.bytes("seed.o");
        ElfFile elf = ElfFile.parse(b, "seed.o");
        long shoff = le(b).getLong(40);
        int index = elf.section(".rodata").index();
        le(b).putLong((int) shoff + 64 * index + 32, 1 << 30);
        ElfException e = rejected(b);
        assertTrue(e.getMessage().contains("lie outside the file"), e.getMessage());
    }
}
