package dev.jvmbpf.runtime.object.internal;

import dev.jvmbpf.runtime.btf.Btf;
import dev.jvmbpf.runtime.btf.BtfException;
import dev.jvmbpf.runtime.btf.BtfExt;
import dev.jvmbpf.runtime.btf.BtfKind;
import dev.jvmbpf.runtime.btf.BtfType;
import dev.jvmbpf.runtime.elf.ElfException;
import dev.jvmbpf.runtime.elf.ElfFile;
import dev.jvmbpf.runtime.elf.ElfRelocation;
import dev.jvmbpf.runtime.elf.ElfSection;
import dev.jvmbpf.runtime.elf.ElfSymbol;
import dev.jvmbpf.runtime.elf.internal.Window;
import dev.jvmbpf.runtime.exec.LoadException;
import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.isa.Opcodes;
import dev.jvmbpf.runtime.maps.BpfMap;
import dev.jvmbpf.runtime.maps.MapFlags;
import dev.jvmbpf.runtime.maps.MapSpec;
import dev.jvmbpf.runtime.maps.MapType;
import dev.jvmbpf.runtime.object.BpfObject;
import dev.jvmbpf.runtime.object.MapFactory;
import dev.jvmbpf.runtime.object.MapKind;
import dev.jvmbpf.runtime.object.ObjectMap;
import dev.jvmbpf.runtime.object.ObjectProgram;
import dev.jvmbpf.runtime.object.SectionType;
import dev.jvmbpf.runtime.program.BpfProgram;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns an {@link ElfFile} into a {@link BpfObject}: creates the maps, cuts the code sections into
 * functions, links each program with the functions it calls (appending them after its own code
 * and rewriting the pc-relative call immediates) and resolves map and global data references.
 */
public final class ObjectLoader {
    private static final int BPF_OBJ_NAME_LEN = 16;
    private static final int LEGACY_DEF_FIELDS = 5;

    private final ElfFile elf;
    private final String file;
    private final String objectName;
    private final MapFactory factory;
    private final List<String> notes = new ArrayList<>();
    private Btf btf;
    private BtfExt btfExt = BtfExt.empty();
    private final List<ObjectMap> maps = new ArrayList<>();
    /** Map declarations by section index and byte offset of their symbol. */
    private final Map<Integer, Map<Long, ObjectMap>> declaredMaps = new HashMap<>();
    private final Map<Integer, ObjectMap> dataMaps = new HashMap<>();
    private final Map<Integer, CodeSection> code = new LinkedHashMap<>();

    private ObjectLoader(byte[] bytes, String file, MapFactory factory) {
        this.elf = ElfFile.parse(bytes, file);
        this.file = file;
        this.objectName = objectName(file);
        this.factory = factory;
    }

    public static BpfObject load(byte[] bytes, String file, MapFactory factory) {
        ObjectLoader loader = new ObjectLoader(bytes, file, factory);
        return loader.load();
    }

    private BpfObject load() {
        readBtf();
        String license = readLicense();
        int version = readVersion();
        readMaps();
        readCode();
        List<ObjectProgram> programs = new ArrayList<>();
        for (CodeSection section : code.values()) {
            if (section.section.name().equals(".text")) {
                continue;
            }
            for (Function f : section.functions) {
                if (!f.global()) {
                    notes.add("section " + section.section.name() + ": static function '" + f.name()
                            + "' is not a program (only global functions are), it can only be called");
                }
            }
            for (Function f : section.entries()) {
                programs.add(new ProgramLinker(f, license).link());
            }
        }
        if (programs.isEmpty() && code.values().stream().anyMatch(c -> c.section.name().equals(".text"))) {
            notes.add("no program sections: functions in .text are subprograms; give programs a SEC(\"...\")");
        }
        if (btfExt.coreRelocations() > 0) {
            notes.add(btfExt.coreRelocations() + " CO-RE relocation(s) are not applied: field offsets stay as compiled");
        }
        return new BpfObject(objectName, programs, maps, btf, btfExt, license, version, notes);
    }

    /** libbpf's object name: the file name without directories, up to its first dot. */
    public static String objectName(String file) {
        String base = file.substring(file.lastIndexOf('/') + 1);
        int dot = base.indexOf('.');
        return dot > 0 ? base.substring(0, dot) : base;
    }

    /**
     * libbpf's kernel-visible name of a global data map: as much of the object name as fits before
     * the section name (given at least 7 characters) within 15 characters, with characters the
     * kernel refuses replaced by {@code _}.
     */
    public static String internalMapName(String object, String section) {
        int sfxLen = Math.max(7, section.length());
        int pfxLen = Math.max(0, Math.min(BPF_OBJ_NAME_LEN - sfxLen - 1, object.length()));
        String s = object.substring(0, pfxLen) + section;
        if (s.length() > BPF_OBJ_NAME_LEN - 1) {
            s = s.substring(0, BPF_OBJ_NAME_LEN - 1);
        }
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            out.append(Character.isLetterOrDigit(c) && c < 128 || c == '_' || c == '.' ? c : '_');
        }
        return out.toString();
    }

    private LoadException error(ElfSection section, long offset, String reason) {
        return ElfException.at(file, section == null ? null : section.name(), offset, reason);
    }

    // ---- BTF, license, version ----

    private void readBtf() {
        ElfSection s = elf.section(".BTF");
        if (s == null) {
            return;
        }
        btf = Btf.parse(elf.contents(s), file + " .BTF");
        ElfSection ext = elf.section(".BTF.ext");
        if (ext != null) {
            btfExt = BtfExt.parse(elf.contents(ext), btf, file + " .BTF.ext");
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
            throw error(s, 0, "the version section must hold one 4-byte value, it has " + s.size() + " bytes");
        }
        return elf.window(s).s32(0);
    }

    // ---- maps ----

    private void readMaps() {
        for (ElfSection s : elf.sections()) {
            if (s.name().equals(".maps")) {
                readBtfMaps(s);
            } else if (s.name().equals("maps")) {
                readLegacyMaps(s);
            }
        }
        for (ElfSection s : elf.sections()) {
            if (isGlobalData(s)) {
                readDataMap(s);
            }
        }
    }

    private static boolean isGlobalData(ElfSection s) {
        if (s.executable() || (s.type() != ElfSection.SHT_PROGBITS && s.type() != ElfSection.SHT_NOBITS)) {
            return false;
        }
        String n = s.name();
        return n.equals(".data") || n.equals(".rodata") || n.equals(".bss") || n.startsWith(".data.")
                || n.startsWith(".rodata.") || n.startsWith(".bss.");
    }

    private List<ElfSymbol> mapSymbols(ElfSection s) {
        List<ElfSymbol> out = new ArrayList<>();
        for (ElfSymbol sym : elf.symbols()) {
            if (sym.section() == s.index() && !sym.isSection() && !sym.name().isEmpty()) {
                out.add(sym);
            }
        }
        out.sort(Comparator.comparingLong(ElfSymbol::value));
        return out;
    }

    private void readBtfMaps(ElfSection s) {
        List<ElfSymbol> symbols = mapSymbols(s);
        if (symbols.isEmpty()) {
            return;
        }
        if (btf == null) {
            throw error(s, 0, "maps defined in .maps need the object's BTF (.BTF section); compile with -g");
        }
        BtfType.Datasec sec = (BtfType.Datasec) btf.find(BtfKind.DATASEC, ".maps");
        if (sec == null) {
            throw error(s, 0, "the BTF has no DATASEC '.maps' describing the map definitions");
        }
        Map<String, BtfType.Var> vars = new HashMap<>();
        for (BtfType.SectionVar v : sec.vars()) {
            if (btf.type(v.type()) instanceof BtfType.Var var) {
                vars.put(var.name(), var);
            }
        }
        for (ElfSymbol sym : symbols) {
            BtfType.Var var = vars.get(sym.name());
            if (var == null) {
                throw error(s, sym.value(), "map '" + sym.name() + "' has no variable in the BTF DATASEC .maps");
            }
            if (!(btf.resolve(var.type()) instanceof BtfType.Composite def) || def.union()) {
                throw error(s, sym.value(), "map '" + sym.name() + "' is not defined by a struct");
            }
            addDeclared(s, sym, btfMapSpec(s, sym, def));
        }
    }

    private record Declared(MapSpec spec, int keyType, int valueType, Map<Integer, String> slots) {
    }

    private Declared btfMapSpec(ElfSection s, ElfSymbol sym, BtfType.Composite def) {
        String name = sym.name();
        Integer type = null;
        int keySize = -1;
        int valueSize = -1;
        int maxEntries = 0;
        int flags = 0;
        long extra = 0;
        int keyType = 0;
        int valueType = 0;
        long valuesOffset = -1;
        for (BtfType.Member m : def.members()) {
            switch (m.name()) {
                case "type" -> type = arrayLength(s, sym, m);
                case "max_entries" -> maxEntries = arrayLength(s, sym, m);
                case "map_flags" -> flags = arrayLength(s, sym, m);
                case "map_extra" -> extra = arrayLength(s, sym, m);
                case "numa_node", "pinning" -> arrayLength(s, sym, m);
                case "key_size" -> keySize = checkSize(s, sym, "key_size", keySize, arrayLength(s, sym, m));
                case "value_size" -> valueSize = checkSize(s, sym, "value_size", valueSize, arrayLength(s, sym, m));
                case "key" -> {
                    keyType = pointee(s, sym, m);
                    keySize = checkSize(s, sym, "key", keySize, sizeOf(s, sym, keyType));
                }
                case "value" -> {
                    valueType = pointee(s, sym, m);
                    valueSize = checkSize(s, sym, "value", valueSize, sizeOf(s, sym, valueType));
                }
                case "values" -> valuesOffset = m.bitOffset() / 8;
                default -> throw error(s, sym.value(), "map '" + name + "': unknown field '" + m.name() + "'");
            }
        }
        if (type == null) {
            throw error(s, sym.value(), "map '" + name + "' does not declare its type");
        }
        MapType t = MapType.ofId(type);
        if (t == null) {
            throw error(s, sym.value(), "map '" + name + "' has unsupported map type " + type);
        }
        Map<Integer, String> slots = Map.of();
        if (valuesOffset >= 0) {
            if (t != MapType.PROG_ARRAY) {
                throw error(s, sym.value(), "map '" + name + "': initial 'values' are supported for program arrays"
                        + " only, not " + t);
            }
            valueSize = checkSize(s, sym, "values", valueSize, 4);
            slots = programSlots(s, sym, valuesOffset);
        }
        return new Declared(new MapSpec(name, t, Math.max(0, keySize), Math.max(0, valueSize), maxEntries, flags,
                extra), keyType, valueType, slots);
    }

    /** Slots of {@code .values = { [i] = &prog }}: ABS64 relocations inside the definition's values array. */
    private Map<Integer, String> programSlots(ElfSection s, ElfSymbol sym, long valuesOffset) {
        Map<Integer, String> slots = new HashMap<>();
        long start = sym.value() + valuesOffset;
        long end = sym.value() + Math.max(sym.size(), valuesOffset);
        for (ElfRelocation r : elf.relocations(s)) {
            if (r.offset() < start || r.offset() >= end) {
                continue;
            }
            ElfSymbol target = r.symbol();
            if (r.type() != ElfRelocation.R_BPF_64_ABS64 || (r.offset() - start) % 8 != 0 || !target.isFunction()
                    || !target.isGlobal() || !target.isDefined() || !elf.section(target.section()).executable()
                    || elf.section(target.section()).name().equals(".text")) {
                throw error(s, r.offset(), "map '" + sym.name() + "': slot initialiser "
                        + ElfRelocation.typeName(r.type()) + " against '" + target.name() + "' is not a program");
            }
            slots.put((int) ((r.offset() - start) / 8), target.name());
        }
        return slots;
    }

    private int checkSize(ElfSection s, ElfSymbol sym, String what, int previous, long size) {
        if (size > Integer.MAX_VALUE) {
            throw error(s, sym.value(), "map '" + sym.name() + "': " + what + " size " + size + " is too large");
        }
        if (previous >= 0 && previous != size) {
            throw error(s, sym.value(), "map '" + sym.name() + "': " + what + " gives size " + size
                    + " but the definition also says " + previous);
        }
        return (int) size;
    }

    /** {@code __uint(name, N)} is {@code int (*name)[N]}: the array length is the value. */
    private int arrayLength(ElfSection s, ElfSymbol sym, BtfType.Member m) {
        if (btf.resolve(m.type()) instanceof BtfType.Ptr p && btf.resolve(p.type()) instanceof BtfType.Array a) {
            return a.length();
        }
        throw error(s, sym.value(), "map '" + sym.name() + "': field '" + m.name()
                + "' is not encoded as a pointer to an array (__uint)");
    }

    /** {@code __type(name, T)} is {@code T *name}. */
    private int pointee(ElfSection s, ElfSymbol sym, BtfType.Member m) {
        if (btf.resolve(m.type()) instanceof BtfType.Ptr p) {
            return p.type();
        }
        throw error(s, sym.value(), "map '" + sym.name() + "': field '" + m.name()
                + "' is not encoded as a pointer to its type (__type)");
    }

    private long sizeOf(ElfSection s, ElfSymbol sym, int type) {
        try {
            return btf.sizeOf(type);
        } catch (BtfException e) {
            throw error(s, sym.value(), "map '" + sym.name() + "': " + e.getMessage());
        }
    }

    private void readLegacyMaps(ElfSection s) {
        List<ElfSymbol> symbols = mapSymbols(s);
        if (symbols.isEmpty()) {
            return;
        }
        Window w = elf.window(s);
        long defSize = s.size() / symbols.size();
        if (defSize < 4L * LEGACY_DEF_FIELDS || s.size() % symbols.size() != 0) {
            throw error(s, 0, symbols.size() + " map definitions in " + s.size()
                    + " bytes: each struct bpf_map_def needs at least " + 4 * LEGACY_DEF_FIELDS + " bytes");
        }
        for (ElfSymbol sym : symbols) {
            long at = sym.value();
            if (at % defSize != 0 || at > s.size() - defSize) {
                throw error(s, at, "map '" + sym.name() + "' does not start a " + defSize + "-byte map definition");
            }
            int type = w.s32(at);
            MapType t = MapType.ofId(type);
            if (t == null) {
                throw error(s, at, "map '" + sym.name() + "' has unsupported map type " + Integer.toUnsignedString(type));
            }
            MapSpec spec = new MapSpec(sym.name(), t, w.s32(at + 4), w.s32(at + 8), w.s32(at + 12), w.s32(at + 16));
            addDeclared(s, sym, new Declared(spec, 0, 0, Map.of()));
        }
    }

    private void addDeclared(ElfSection s, ElfSymbol sym, Declared d) {
        BpfMap map = create(s, sym.value(), d.spec());
        ObjectMap m = new ObjectMap(sym.name(), s.name(), s.name().equals("maps") ? MapKind.LEGACY : MapKind.BTF,
                d.spec(), map, d.keyType(), d.valueType(), false, d.slots());
        maps.add(m);
        declaredMaps.computeIfAbsent(s.index(), k -> new HashMap<>()).put(sym.value(), m);
    }

    private BpfMap create(ElfSection s, long offset, MapSpec spec) {
        try {
            return factory.create(spec);
        } catch (LoadException e) {
            throw e;
        } catch (RuntimeException e) {
            throw error(s, offset, "cannot create map '" + spec.name() + "': " + e.getMessage());
        }
    }

    private void readDataMap(ElfSection s) {
        if (s.size() == 0) {
            return;
        }
        boolean readOnly = s.name().startsWith(".rodata");
        int flags = MapFlags.BPF_F_MMAPABLE | (readOnly ? MapFlags.BPF_F_RDONLY_PROG : 0);
        MapSpec spec = new MapSpec(internalMapName(objectName, s.name()), MapType.ARRAY, 4, (int) s.size(), 1, flags);
        byte[] contents = elf.contents(s);
        BpfMap map = create(s, 0, spec);
        int rc = map.update(new byte[4], contents, MapFlags.BPF_ANY);
        if (rc != 0) {
            throw error(s, 0, "cannot store the initial contents of global data map '" + spec.name() + "': error " + rc);
        }
        int valueType = 0;
        if (btf != null && btf.find(BtfKind.DATASEC, s.name()) instanceof BtfType.Datasec d) {
            valueType = d.id();
        }
        if (!elf.relocations(s).isEmpty()) {
            // Pointers stored in data (a table of string pointers) have no address before a program runs.
            notes.add(s.name() + ": " + elf.relocations(s).size() + " relocation(s) of addresses stored in data are"
                    + " not applied (as libbpf); such pointers hold section offsets, not addresses");
        }
        ObjectMap m = new ObjectMap(s.name(), s.name(), MapKind.GLOBAL_DATA, spec, map, 0, valueType, readOnly,
                Map.of());
        maps.add(m);
        dataMaps.put(s.index(), m);
    }

    // ---- code ----

    /** A function: {@code length} instructions of {@code section} from instruction {@code start}. */
    private record Function(CodeSection section, String name, int start, int length, boolean global) {
        boolean contains(int insn) {
            return insn >= start && insn < start + length;
        }
    }

    private final class CodeSection {
        final ElfSection section;
        final Instruction[] insns;
        final List<Function> functions = new ArrayList<>();
        final Map<Integer, ElfRelocation> relocations = new HashMap<>();

        CodeSection(ElfSection section) {
            this.section = section;
            if (section.size() % Instruction.SIZE != 0) {
                throw error(section, 0, "code size " + section.size() + " is not a multiple of 8");
            }
            byte[] bytes = elf.contents(section);
            insns = new Instruction[bytes.length / Instruction.SIZE];
            for (int i = 0; i < insns.length; i++) {
                insns[i] = Instruction.read(bytes, i * Instruction.SIZE);
            }
            for (ElfRelocation r : elf.relocations(section)) {
                if (r.offset() % Instruction.SIZE != 0) {
                    throw error(section, r.offset(), ElfRelocation.typeName(r.type())
                            + " does not point at an instruction boundary");
                }
                if (relocations.put((int) (r.offset() / Instruction.SIZE), r) != null) {
                    throw error(section, r.offset(), "two relocations for one instruction");
                }
            }
        }

        void cutFunctions() {
            List<ElfSymbol> syms = new ArrayList<>();
            for (ElfSymbol sym : elf.symbols()) {
                if (sym.section() == section.index() && sym.isFunction()) {
                    syms.add(sym);
                }
            }
            syms.sort(Comparator.comparingLong(ElfSymbol::value));
            if (syms.isEmpty()) {
                // Hand-assembled code without symbols: the whole section is one function.
                functions.add(new Function(this, programNameOf(section.name()), 0, insns.length, true));
                return;
            }
            for (int i = 0; i < syms.size(); i++) {
                ElfSymbol sym = syms.get(i);
                long value = sym.value();
                long end = sym.size() > 0 ? value + sym.size()
                        : i + 1 < syms.size() ? syms.get(i + 1).value() : section.size();
                if (value < 0 || value % Instruction.SIZE != 0 || end > section.size() || end < value
                        || (end - value) % Instruction.SIZE != 0) {
                    throw error(section, value, "function '" + sym.name() + "' spans [" + value + ", " + end
                            + "), which is not a whole number of instructions inside the section");
                }
                functions.add(new Function(this, sym.name(), (int) (value / 8), (int) ((end - value) / 8),
                        sym.isGlobal()));
            }
        }

        List<Function> entries() {
            List<Function> out = new ArrayList<>();
            for (Function f : functions) {
                if (f.global()) {
                    out.add(f);
                }
            }
            return out;
        }

        Function functionAt(int insn, long byteOffsetForErrors) {
            for (Function f : functions) {
                if (f.contains(insn)) {
                    return f;
                }
            }
            throw error(section, (long) insn * Instruction.SIZE, "call or function reference (from offset "
                    + byteOffsetForErrors + ") to instruction " + insn + ", which lies in no function of this section");
        }
    }

    private static String programNameOf(String section) {
        return section.replaceAll("[^A-Za-z0-9_]", "_");
    }

    private void readCode() {
        for (ElfSection s : elf.sections()) {
            if (s.executable() && s.size() > 0 && s.type() == ElfSection.SHT_PROGBITS) {
                code.put(s.index(), new CodeSection(s));
            }
        }
        for (CodeSection c : code.values()) {
            c.cutFunctions();
        }
    }

    /** Builds one program: the entry function, then every function it reaches, each once. */
    private final class ProgramLinker {
        private final Function entry;
        private final String license;
        private final List<Instruction> out = new ArrayList<>();
        private final Map<Function, Integer> placed = new LinkedHashMap<>();
        private final List<Function> pending = new ArrayList<>();

        ProgramLinker(Function entry, String license) {
            this.entry = entry;
            this.license = license;
        }

        ObjectProgram link() {
            place(entry);
            while (!pending.isEmpty()) {
                relocate(pending.removeFirst());
            }
            SectionType st = SectionType.of(entry.section().section.name());
            List<BpfMap> programMaps = new ArrayList<>();
            maps.forEach(m -> programMaps.add(m.map()));
            BpfProgram program = new BpfProgram(entry.name(), entry.section().section.name(), st.type(),
                    out.toArray(Instruction[]::new), programMaps, license);
            List<ObjectProgram.Function> functions = new ArrayList<>();
            List<BtfExt.LineInfo> lines = new ArrayList<>();
            for (Map.Entry<Function, Integer> e : placed.entrySet()) {
                Function f = e.getKey();
                int at = e.getValue();
                String sectionName = f.section().section.name();
                functions.add(new ObjectProgram.Function(f.name(), sectionName, at, f.length()));
                for (BtfExt.LineInfo l : btfExt.lineInfo(sectionName)) {
                    if (f.contains(l.insn())) {
                        lines.add(new BtfExt.LineInfo(l.insn() - f.start() + at, l.file(), l.source(), l.line(),
                                l.column()));
                    }
                }
            }
            lines.sort(Comparator.comparingInt(BtfExt.LineInfo::insn));
            BtfType.Composite ctx = btf == null ? null : btf.contextType(entry.name());
            if (st.note() != null) {
                notes.add("program " + entry.name() + ": " + st.note());
            }
            return new ObjectProgram(program, functions, lines, ctx, st.note());
        }

        private int place(Function f) {
            Integer at = placed.get(f);
            if (at != null) {
                return at;
            }
            int start = out.size();
            placed.put(f, start);
            for (int i = 0; i < f.length(); i++) {
                out.add(f.section().insns[f.start() + i]);
            }
            pending.add(f);
            return start;
        }

        private void relocate(Function f) {
            CodeSection cs = f.section();
            int base = placed.get(f);
            for (int i = 0; i < f.length(); i++) {
                int sectionInsn = f.start() + i;
                int pc = base + i;
                long byteOffset = (long) sectionInsn * Instruction.SIZE;
                Instruction insn = out.get(pc);
                ElfRelocation r = cs.relocations.get(sectionInsn);
                if (r != null) {
                    applyRelocation(cs, r, insn, pc, byteOffset);
                } else if (insn.opcode() == Opcodes.CALL && insn.src() == Opcodes.CALL_LOCAL) {
                    int target = sectionInsn + insn.imm() + 1;
                    out.set(pc, withImm(insn, placedTarget(cs, target, byteOffset) - pc - 1));
                }
                if (insn.opcode() == Opcodes.LDDW) {
                    if (i + 1 >= f.length()) {
                        throw error(cs.section, byteOffset, "lddw at the end of function '" + f.name()
                                + "' lacks its second slot");
                    }
                    i++;
                }
            }
        }

        private void applyRelocation(CodeSection cs, ElfRelocation r, Instruction insn, int pc, long byteOffset) {
            ElfSymbol sym = r.symbol();
            String what = ElfRelocation.typeName(r.type()) + " against '" + sym.name() + "'";
            if (!sym.isDefined()) {
                throw error(cs.section, byteOffset, what + ": symbol is not defined in this object (extern "
                        + "variables, kfuncs and kconfig values are not supported)");
            }
            if (insn.opcode() == Opcodes.CALL && insn.src() == Opcodes.CALL_LOCAL) {
                if (r.type() != ElfRelocation.R_BPF_64_32) {
                    throw error(cs.section, byteOffset, what + " on a call (expected R_BPF_64_32)");
                }
                CodeSection target = code.get(sym.section());
                if (target == null) {
                    throw error(cs.section, byteOffset, what + ": call target is not in a code section");
                }
                long targetInsn = sym.value() / Instruction.SIZE + insn.imm() + 1;
                out.set(pc, withImm(insn, placedTarget(target, checkedInsn(cs, targetInsn, byteOffset), byteOffset)
                        - pc - 1));
                return;
            }
            if (insn.opcode() != Opcodes.LDDW) {
                throw error(cs.section, byteOffset, what + " on instruction " + insn.hex()
                        + ", which is neither lddw nor a call");
            }
            if (r.type() != ElfRelocation.R_BPF_64_64) {
                throw error(cs.section, byteOffset, what + " on lddw (expected R_BPF_64_64)");
            }
            Instruction next = out.get(pc + 1);
            long addend = insn.imm();
            ElfSection target = elf.section(sym.section());
            CodeSection targetCode = code.get(sym.section());
            if (targetCode != null) {
                long targetByte = sym.value() + addend;
                if (targetByte % Instruction.SIZE != 0) {
                    throw error(cs.section, byteOffset, what + ": function address " + targetByte
                            + " is not an instruction boundary");
                }
                int t = placedTarget(targetCode, checkedInsn(cs, targetByte / Instruction.SIZE, byteOffset), byteOffset);
                out.set(pc, Instruction.of(insn.opcode(), insn.dst(), Opcodes.PSEUDO_FUNC, insn.offset(), t - pc - 1));
                out.set(pc + 1, withImm(next, 0));
                return;
            }
            Map<Long, ObjectMap> declared = declaredMaps.get(sym.section());
            if (declared != null) {
                long at = sym.isSection() ? sym.value() + addend : sym.value();
                ObjectMap m = declared.get(at);
                if (m == null) {
                    throw error(cs.section, byteOffset, what + ": no map definition starts at offset " + at
                            + " of " + target.name());
                }
                out.set(pc, Instruction.of(insn.opcode(), insn.dst(), Opcodes.PSEUDO_MAP_IDX, insn.offset(), use(m)));
                out.set(pc + 1, withImm(next, 0));
                return;
            }
            ObjectMap data = dataMaps.get(sym.section());
            if (data != null) {
                long offset = sym.value() + addend;
                if (offset < 0 || offset > target.size()) {
                    throw error(cs.section, byteOffset, what + ": offset " + offset + " lies outside " + target.name()
                            + " (" + target.size() + " bytes)");
                }
                out.set(pc, Instruction.of(insn.opcode(), insn.dst(), Opcodes.PSEUDO_MAP_IDX_VALUE, insn.offset(),
                        use(data)));
                out.set(pc + 1, withImm(next, (int) offset));
                return;
            }
            throw error(cs.section, byteOffset, what + ": symbol lies in section " + target.name()
                    + ", which holds neither maps, global data nor code");
        }

        private int checkedInsn(CodeSection cs, long insn, long byteOffset) {
            if (insn < 0 || insn > Integer.MAX_VALUE) {
                throw error(cs.section, byteOffset, "reference to instruction " + insn + ", outside every section");
            }
            return (int) insn;
        }

        /** The final pc of instruction {@code insn} of section {@code cs}, placing its function if needed. */
        private int placedTarget(CodeSection cs, int insn, long byteOffset) {
            Function f = cs.functionAt(insn, byteOffset);
            return place(f) + (insn - f.start());
        }

        /** Every program gets the object's whole map list, so tail calls between them share a machine. */
        private int use(ObjectMap m) {
            return maps.indexOf(m);
        }
    }

    private static Instruction withImm(Instruction insn, int imm) {
        return new Instruction(insn.opcode(), insn.dst(), insn.src(), insn.offset(), imm);
    }
}
