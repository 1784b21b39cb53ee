package dev.jvmbpf.runtime.elf;

import dev.jvmbpf.runtime.elf.internal.Window;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed ELF64 little-endian relocatable object for the BPF machine (EM_BPF, or EM_NONE as old
 * LLVM wrote it): section headers with their names, the symbol table and the REL relocations,
 * each checked against the file's bounds. Relocations are read as libbpf reads them: only those
 * of code, {@code .maps} and struct_ops sections, each sized by its type; the others (DWARF,
 * BTF, data, RELA sections) are counted and skipped. Anything malformed fails with an
 * {@link ElfException} naming the section and offset.
 */
public final class ElfFile {
    public static final int EM_BPF = 247;
    /** Old LLVM wrote no machine; libbpf takes such objects as BPF ones. */
    public static final int EM_NONE = 0;
    public static final int ET_REL = 1;
    private static final int HEADER_SIZE = 64;
    private static final int SECTION_HEADER_SIZE = 64;
    private static final int SYMBOL_SIZE = 24;
    private static final int REL_SIZE = 16;
    private static final int RELA_SIZE = 24;
    private static final int SHN_XINDEX = 0xffff;
    /** Zero-filled sections ({@code .bss}) are materialised; larger ones are rejected rather than risk the heap. */
    public static final long MAX_NOBITS = 64L << 20;

    private final String name;
    private final byte[] bytes;
    private final Window file;
    private final List<ElfSection> sections;
    private final Map<String, ElfSection> byName = new HashMap<>();
    private final List<ElfSymbol> symbols;
    private final Map<Integer, List<ElfRelocation>> relocations;
    /** Relocation entries libbpf skips, by the index of the section they would patch. */
    private final Map<Integer, Integer> ignoredRelocations = new HashMap<>();

    private ElfFile(String name, byte[] bytes) {
        this.name = name;
        this.bytes = bytes;
        this.file = new Window(bytes, 0, bytes.length, (off, why) -> ElfException.at(name, null, off, why));
        readHeader();
        this.sections = readSections();
        for (ElfSection s : sections) {
            byName.putIfAbsent(s.name(), s);
        }
        this.symbols = readSymbols();
        this.relocations = readRelocations();
    }

    /** Parses {@code bytes}; {@code name} identifies the object in error messages. */
    public static ElfFile parse(byte[] bytes, String name) {
        return new ElfFile(name, bytes.clone());
    }

    public String name() {
        return name;
    }

    public List<ElfSection> sections() {
        return sections;
    }

    public ElfSection section(int index) {
        if (index < 0 || index >= sections.size()) {
            throw new ElfException(name + ": no section with index " + index);
        }
        return sections.get(index);
    }

    /** The first section with this name, or null. */
    public ElfSection section(String sectionName) {
        return byName.get(sectionName);
    }

    public List<ElfSymbol> symbols() {
        return symbols;
    }

    /** Relocations that patch {@code section}, in file order (empty when none). */
    public List<ElfRelocation> relocations(ElfSection section) {
        return relocations.getOrDefault(section.index(), List.of());
    }

    /**
     * How many relocation entries for {@code section} were skipped because they patch a section
     * libbpf does not relocate (debug information, BTF, global data, legacy {@code maps}).
     */
    public int ignoredRelocations(ElfSection section) {
        return ignoredRelocations.getOrDefault(section.index(), 0);
    }

    /**
     * Whether libbpf applies the relocations of {@code target}: code, BTF-defined maps
     * ({@code .maps}, for program array slots) and struct_ops sections. Everything else (DWARF,
     * {@code .BTF}, {@code .BTF.ext}, global data, legacy {@code maps}) keeps its bytes as
     * compiled, so its relocations are neither checked nor applied.
     */
    public static boolean relocated(ElfSection target) {
        String n = target.name();
        return target.executable() || n.equals(".maps") || n.equals(".struct_ops") || n.equals(".struct_ops.link");
    }

    /** A copy of the section's contents; zeroes for NOBITS sections such as {@code .bss}. */
    public byte[] contents(ElfSection section) {
        checkNoBitsSize(section);
        if (section.noBits()) {
            return new byte[(int) section.size()];
        }
        return file.bytes(section.offset(), section.size());
    }

    /** A bounds-checked view of the section's contents whose errors name the section. */
    public Window window(ElfSection section) {
        checkNoBitsSize(section);
        if (section.noBits()) {
            return new Window(new byte[(int) section.size()], 0, (int) section.size(), failure(section));
        }
        return new Window(bytes, (int) section.offset(), (int) section.size(), failure(section));
    }

    private void checkNoBitsSize(ElfSection section) {
        if (section.noBits() && section.size() > MAX_NOBITS) {
            throw ElfException.at(name, section.name(), 0, "zero-filled section of " + section.size()
                    + " bytes exceeds the loader's limit of " + MAX_NOBITS);
        }
    }

    public Window.Failure failure(ElfSection section) {
        return (off, why) -> ElfException.at(name, section.name().isEmpty() ? "#" + section.index()
                : section.name(), off, why);
    }

    private void readHeader() {
        if (bytes.length < HEADER_SIZE) {
            throw ElfException.at(name, null, 0, "truncated ELF header: " + bytes.length + " bytes, need "
                    + HEADER_SIZE);
        }
        if (file.u8(0) != 0x7f || file.u8(1) != 'E' || file.u8(2) != 'L' || file.u8(3) != 'F') {
            throw ElfException.at(name, null, 0, "not an ELF file (bad magic)");
        }
        if (file.u8(4) != 2) {
            throw ElfException.at(name, null, 4, "not a 64-bit ELF file (class " + file.u8(4) + ")");
        }
        if (file.u8(5) != 1) {
            throw ElfException.at(name, null, 5, "not a little-endian ELF file (data encoding " + file.u8(5)
                    + "); big-endian BPF objects are not supported");
        }
        if (file.u16(16) != ET_REL) {
            throw ElfException.at(name, null, 16, "not a relocatable object (e_type " + file.u16(16)
                    + "); compile with clang -c");
        }
        if (file.u16(18) != EM_BPF && file.u16(18) != EM_NONE) {
            throw ElfException.at(name, null, 18, "not a BPF object (e_machine " + file.u16(18) + ", expected "
                    + EM_BPF + " or " + EM_NONE + ")");
        }
    }

    private List<ElfSection> readSections() {
        long shoff = file.s64(40);
        int shentsize = file.u16(58);
        long shnum = file.u16(60);
        int shstrndx = file.u16(62);
        if (shoff == 0) {
            throw ElfException.at(name, null, 40, "no section header table");
        }
        if (shentsize != SECTION_HEADER_SIZE) {
            throw ElfException.at(name, null, 58, "section header size " + shentsize + ", expected "
                    + SECTION_HEADER_SIZE);
        }
        if (shoff < 0 || shoff > bytes.length - SECTION_HEADER_SIZE) {
            throw ElfException.at(name, null, 40, "section header table at " + Long.toUnsignedString(shoff)
                    + " lies outside the file (" + bytes.length + " bytes)");
        }
        if (shnum == 0) {
            // Extended numbering: the real count lives in section 0's size field.
            shnum = file.s64(shoff + 32);
        }
        if (shstrndx == SHN_XINDEX) {
            shstrndx = file.index32(shoff + 40, "section name table index");
        }
        if (shnum <= 0 || shnum > (bytes.length - shoff) / SECTION_HEADER_SIZE) {
            throw ElfException.at(name, null, 60, "section header table of " + Long.toUnsignedString(shnum)
                    + " entries at " + shoff + " does not fit the file (" + bytes.length + " bytes)");
        }
        int count = (int) shnum;
        long[][] raw = new long[count][];
        for (int i = 0; i < count; i++) {
            long h = shoff + (long) i * SECTION_HEADER_SIZE;
            raw[i] = new long[] {file.u32(h), file.u32(h + 4), file.s64(h + 8), file.s64(h + 24), file.s64(h + 32),
                file.u32(h + 40), file.u32(h + 44), file.s64(h + 48), file.s64(h + 56)};
            long type = raw[i][1];
            long offset = raw[i][3];
            long size = raw[i][4];
            if (size < 0 || size > Integer.MAX_VALUE - 8) {
                throw ElfException.at(name, null, h + 32, "section #" + i + " has an impossible size "
                        + Long.toUnsignedString(size));
            }
            if (type != ElfSection.SHT_NOBITS && type != ElfSection.SHT_NULL
                    && (offset < 0 || offset > bytes.length || size > bytes.length - offset)) {
                throw ElfException.at(name, null, h + 24, "section #" + i + " contents [" + Long.toUnsignedString(offset)
                        + ", +" + size + ") lie outside the file (" + bytes.length + " bytes)");
            }
        }
        if (shstrndx <= 0 || shstrndx >= count || raw[shstrndx][1] != ElfSection.SHT_STRTAB) {
            throw ElfException.at(name, null, 62, "section name table index " + shstrndx
                    + " does not name a string table");
        }
        Window names = file.sub(raw[shstrndx][3], raw[shstrndx][4],
                (off, why) -> ElfException.at(name, "section name table", off, why));
        List<ElfSection> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long[] r = raw[i];
            String sectionName = i == 0 ? "" : names.cString(r[0]);
            out.add(new ElfSection(i, sectionName, (int) r[1], r[2], r[3], r[4], (int) r[5], (int) r[6], r[7], r[8]));
        }
        return Collections.unmodifiableList(out);
    }

    private List<ElfSymbol> readSymbols() {
        ElfSection symtab = null;
        for (ElfSection s : sections) {
            if (s.type() == ElfSection.SHT_SYMTAB) {
                if (symtab != null) {
                    throw ElfException.at(name, s.name(), 0, "a second symbol table (first: " + symtab.name() + ")");
                }
                symtab = s;
            }
        }
        if (symtab == null) {
            return List.of();
        }
        if (symtab.entsize() != SYMBOL_SIZE || symtab.size() % SYMBOL_SIZE != 0) {
            throw ElfException.at(name, symtab.name(), 0, "symbol entries of " + symtab.entsize()
                    + " bytes in a table of " + symtab.size() + " bytes; expected " + SYMBOL_SIZE + "-byte entries");
        }
        if (symtab.link() <= 0 || symtab.link() >= sections.size()
                || sections.get(symtab.link()).type() != ElfSection.SHT_STRTAB) {
            throw ElfException.at(name, symtab.name(), 0, "linked string table #" + symtab.link()
                    + " is not a string table");
        }
        Window table = window(symtab);
        Window strings = window(sections.get(symtab.link()));
        int count = (int) (symtab.size() / SYMBOL_SIZE);
        List<ElfSymbol> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int at = i * SYMBOL_SIZE;
            long nameOffset = table.u32(at);
            int info = table.u8(at + 4);
            int other = table.u8(at + 5);
            int shndx = table.u16(at + 6);
            long value = table.s64(at + 8);
            long size = table.s64(at + 16);
            if (shndx != ElfSymbol.SHN_UNDEF && shndx < ElfSymbol.SHN_LORESERVE && shndx >= sections.size()) {
                throw table.fail(at + 6, "symbol #" + i + " refers to section #" + shndx + " but there are only "
                        + sections.size());
            }
            String symbolName = nameOffset == 0 ? "" : strings.cString(nameOffset);
            if (symbolName.isEmpty() && (info & 0xf) == ElfSymbol.STT_SECTION && shndx < sections.size()) {
                symbolName = sections.get(shndx).name();
            }
            out.add(new ElfSymbol(i, symbolName, info, other, shndx, value, size));
        }
        return Collections.unmodifiableList(out);
    }

    /** Relocation sections libbpf ignores by name: those of DWARF, {@code .BTF} and {@code .BTF.ext}. */
    private static boolean ignoredByName(String relName) {
        String n = relName.startsWith(".rela") ? relName.substring(5) : relName.startsWith(".rel") ? relName.substring(4)
                : null;
        return n != null && (n.startsWith(".debug_") || n.equals(".BTF") || n.equals(".BTF.ext"));
    }

    private Map<Integer, List<ElfRelocation>> readRelocations() {
        Map<Integer, List<ElfRelocation>> out = new HashMap<>();
        for (ElfSection s : sections) {
            if (s.type() != ElfSection.SHT_REL && s.type() != ElfSection.SHT_RELA) {
                continue;
            }
            if (ignoredByName(s.name())) {
                // libbpf skips these before looking at them: DWARF and BTF need no relocation.
                if (s.info() > 0 && s.info() < sections.size()) {
                    long entry = s.type() == ElfSection.SHT_RELA ? RELA_SIZE : REL_SIZE;
                    ignoredRelocations.merge(s.info(), (int) (s.size() / entry), Integer::sum);
                }
                continue;
            }
            if (s.info() <= 0 || s.info() >= sections.size()) {
                throw ElfException.at(name, s.name(), 0, "relocations for section #" + s.info()
                        + ", which does not exist");
            }
            ElfSection target = sections.get(s.info());
            // libbpf reads SHT_REL only: BPF objects carry their addends in the patched bytes, and
            // RELA sections (some old LLVM wrote them) are skipped like any section it does not know.
            if (s.type() == ElfSection.SHT_RELA || !relocated(target)) {
                long entry = s.type() == ElfSection.SHT_RELA ? RELA_SIZE : REL_SIZE;
                ignoredRelocations.merge(target.index(), (int) (s.size() / entry), Integer::sum);
                continue;
            }
            if (s.entsize() != REL_SIZE || s.size() % REL_SIZE != 0) {
                throw ElfException.at(name, s.name(), 0, "relocation entries of " + s.entsize()
                        + " bytes in a table of " + s.size() + " bytes; expected " + REL_SIZE + "-byte entries");
            }
            Window table = window(s);
            List<ElfRelocation> list = new ArrayList<>((int) (s.size() / REL_SIZE));
            for (int at = 0; at < s.size(); at += REL_SIZE) {
                long offset = table.s64(at);
                long info = table.s64(at + 8);
                int type = (int) (info & 0xffffffffL);
                long symbol = info >>> 32;
                if (type == ElfRelocation.R_BPF_NONE) {
                    continue;
                }
                if (!ElfRelocation.known(type)) {
                    throw table.fail(at, "unsupported relocation type " + type + " for " + target.name()
                            + " offset " + offset);
                }
                if (symbol >= symbols.size()) {
                    throw table.fail(at, "relocation for " + target.name() + " offset " + offset + " refers to symbol #"
                            + symbol + " but there are only " + symbols.size());
                }
                int width = ElfRelocation.width(type, target.executable());
                if (offset < 0 || offset > target.size() - width) {
                    throw table.fail(at, ElfRelocation.typeName(type) + " at offset " + Long.toUnsignedString(offset)
                            + " lies outside " + target.name() + " (" + target.size() + " bytes)");
                }
                list.add(new ElfRelocation(target, offset, type, symbols.get((int) symbol)));
            }
            out.computeIfAbsent(target.index(), k -> new ArrayList<>()).addAll(list);
        }
        return out;
    }
}
