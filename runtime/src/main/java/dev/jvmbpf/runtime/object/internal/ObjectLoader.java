package dev.jvmbpf.runtime.object.internal;

import dev.jvmbpf.runtime.btf.Btf;
import dev.jvmbpf.runtime.btf.BtfExt;
import dev.jvmbpf.runtime.elf.ElfFile;
import dev.jvmbpf.runtime.elf.ElfSection;
import dev.jvmbpf.runtime.object.CoreTarget;
import dev.jvmbpf.runtime.object.BpfObject;
import dev.jvmbpf.runtime.object.Kconfig;
import dev.jvmbpf.runtime.object.MapFactory;
import dev.jvmbpf.runtime.object.ObjectProgram;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns an {@link ElfFile} into a {@link BpfObject}: creates the maps, cuts the code sections into
 * functions, links each program with the functions it calls (appending them after its own code
 * and rewriting the pc-relative call immediates) and resolves map and global data references.
 */
public final class ObjectLoader {
    private final ElfFile elf;
    private final String objectName;
    private final MapFactory factory;
    private final Kconfig kconfig;
    private final CoreTarget core;
    private final List<String> notes = new ArrayList<>();
    private Btf btf;
    private BtfExt btfExt = BtfExt.empty();
    private final Map<Integer, CodeSection> code = new LinkedHashMap<>();

    private ObjectLoader(byte[] bytes, String file, MapFactory factory, Kconfig kconfig, CoreTarget core) {
        this.elf = ElfFile.parse(bytes, file);
        this.objectName = objectName(file);
        this.factory = factory;
        this.kconfig = kconfig;
        this.core = core;
    }

    public static BpfObject load(byte[] bytes, String file, MapFactory factory, Kconfig kconfig, CoreTarget core) {
        ObjectLoader loader = new ObjectLoader(bytes, file, factory, kconfig, core);
        return loader.load();
    }

    private BpfObject load() {
        readBtf();
        String license = readLicense();
        int version = readVersion();
        MapReader maps = new MapReader(elf, objectName, btf, factory, notes);
        maps.read();
        Externs externs = Externs.collect(elf, btf, kconfig, maps, notes);
        readCode();
        if (btf != null && btfExt.coreRelocations() > 0) {
            new CoreRelocations(elf, btf, btfExt, code, core, notes).apply();
        }
        List<ObjectProgram> programs = new ArrayList<>();
        boolean textOnly = textOnly(elf);
        for (CodeSection section : code.values()) {
            boolean text = section.section.name().equals(".text");
            if (text && !textOnly) {
                continue;
            }
            // libbpf: every function of a program section is a program, static ones too; with no
            // program section at all (the ubpf convention) each global function of .text is one.
            for (CodeFunction f : text ? section.entries() : section.functions) {
                programs.add(new ProgramLinker(elf, code, maps, externs, btf, btfExt, notes, f, license).link());
            }
        }
        if (textOnly && !programs.isEmpty()) {
            notes.add("no program sections: each global function in .text is a RAW program (r1 = input, r2 = length)");
        }
        return new BpfObject(objectName, programs, maps.maps(), btf, btfExt, license, version, notes);
    }

    /** Whether the object's only code is in {@code .text}: no other executable section holds instructions. */
    static boolean textOnly(ElfFile elf) {
        for (ElfSection s : elf.sections()) {
            if (s.executable() && s.size() > 0 && s.type() == ElfSection.SHT_PROGBITS && !s.name().equals(".text")) {
                return false;
            }
        }
        return true;
    }

    /** libbpf's object name: the file name without directories, up to its first dot. */
    public static String objectName(String file) {
        String base = file.substring(file.lastIndexOf('/') + 1);
        int dot = base.indexOf('.');
        return dot > 0 ? base.substring(0, dot) : base;
    }


    private void readBtf() {
        ElfSection s = elf.section(".BTF");
        if (s == null) {
            return;
        }
        btf = DatasecLayout.fix(elf, Btf.parse(elf.contents(s), elf.name() + " .BTF"));
        ElfSection ext = elf.section(".BTF.ext");
        if (ext != null) {
            btfExt = BtfExt.parse(elf.contents(ext), btf, elf.name() + " .BTF.ext");
        }
    }

    private String readLicense() {
        ElfSection s = elf.section("license");
        if (s == null) {
            return "";
        }
        byte[] b = elf.contents(s);
        int end = 0;
        while (end < b.length && b[end] != 0) {
            end++;
        }
        return new String(b, 0, end, StandardCharsets.UTF_8);
    }

    private int readVersion() {
        ElfSection s = elf.section("version");
        if (s == null) {
            return 0;
        }
        if (s.size() != 4) {
            throw Errors.at(elf, s, 0, "the version section must hold one 4-byte value, it has " + s.size() + " bytes");
        }
        return elf.window(s).s32(0);
    }

    private void readCode() {
        for (ElfSection s : elf.sections()) {
            if (s.executable() && s.size() > 0 && s.type() == ElfSection.SHT_PROGBITS) {
                code.put(s.index(), new CodeSection(elf, s));
            }
        }
        for (CodeSection c : code.values()) {
            c.cutCodeFunctions();
            int ignored = elf.ignoredRelocations(c.section);
            if (ignored > 0) {
                notes.add("section " + c.section.name() + ": " + ignored + " RELA relocation(s) ignored as libbpf"
                        + " ignores them (BPF objects use REL); the instructions stay as compiled");
            }
        }
    }
}
