package dev.jvmbpf.runtime.object.internal;

import dev.jvmbpf.runtime.btf.Btf;
import dev.jvmbpf.runtime.btf.BtfException;
import dev.jvmbpf.runtime.btf.BtfKind;
import dev.jvmbpf.runtime.btf.BtfType;
import dev.jvmbpf.runtime.elf.ElfFile;
import dev.jvmbpf.runtime.elf.ElfRelocation;
import dev.jvmbpf.runtime.elf.ElfSection;
import dev.jvmbpf.runtime.elf.ElfSymbol;
import dev.jvmbpf.runtime.elf.internal.Window;
import dev.jvmbpf.runtime.exec.LoadException;
import dev.jvmbpf.runtime.maps.BpfMap;
import dev.jvmbpf.runtime.maps.MapFlags;
import dev.jvmbpf.runtime.maps.MapSpec;
import dev.jvmbpf.runtime.maps.MapType;
import dev.jvmbpf.runtime.object.MapFactory;
import dev.jvmbpf.runtime.object.MapKind;
import dev.jvmbpf.runtime.object.ObjectMap;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads the map declarations of an object and creates one instance of each. */
public final class MapReader {
    private static final int BPF_OBJ_NAME_LEN = 16;
    private static final int LEGACY_DEF_FIELDS = 5;

    private final ElfFile elf;
    private final String objectName;
    private final Btf btf;
    private final MapFactory factory;
    private final List<String> notes;
    private final List<ObjectMap> maps = new ArrayList<>();
    /** Map declarations by section index and byte offset of their symbol. */
    private final Map<Integer, Map<Long, ObjectMap>> declaredMaps = new HashMap<>();
    private final Map<Integer, ObjectMap> dataMaps = new HashMap<>();

    MapReader(ElfFile elf, String objectName, Btf btf, MapFactory factory, List<String> notes) {
        this.elf = elf;
        this.objectName = objectName;
        this.btf = btf;
        this.factory = factory;
        this.notes = notes;
    }

    List<ObjectMap> maps() {
        return maps;
    }

    /** The declarations of map section {@code section} by offset, or null when it declares none. */
    Map<Long, ObjectMap> declaredIn(int section) {
        return declaredMaps.get(section);
    }

    /** The global data map of section {@code section}, or null. */
    ObjectMap dataMap(int section) {
        return dataMaps.get(section);
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


    void read() {
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
            throw Errors.at(elf, s, 0, "maps defined in .maps need the object's BTF (.BTF section); compile with -g");
        }
        BtfType.Datasec sec = (BtfType.Datasec) btf.find(BtfKind.DATASEC, ".maps");
        if (sec == null) {
            throw Errors.at(elf, s, 0, "the BTF has no DATASEC '.maps' describing the map definitions");
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
                throw Errors.at(elf, s, sym.value(), "map '" + sym.name() + "' has no variable in the BTF DATASEC .maps");
            }
            if (!(btf.resolve(var.type()) instanceof BtfType.Composite def) || def.union()) {
                throw Errors.at(elf, s, sym.value(), "map '" + sym.name() + "' is not defined by a struct");
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
                default -> throw Errors.at(elf, s, sym.value(), "map '" + name + "': unknown field '" + m.name() + "'");
            }
        }
        if (type == null) {
            throw Errors.at(elf, s, sym.value(), "map '" + name + "' does not declare its type");
        }
        MapType t = MapType.ofId(type);
        if (t == null) {
            throw Errors.at(elf, s, sym.value(), "map '" + name + "' has unsupported map type " + type);
        }
        Map<Integer, String> slots = Map.of();
        if (valuesOffset >= 0) {
            if (t != MapType.PROG_ARRAY) {
                throw Errors.at(elf, s, sym.value(), "map '" + name + "': initial 'values' are supported for program arrays"
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
            // old LLVM wrote 64-bit data relocations as R_BPF_64_64
            boolean wide = r.type() == ElfRelocation.R_BPF_64_ABS64 || r.type() == ElfRelocation.R_BPF_64_64;
            if (!wide || (r.offset() - start) % 8 != 0 || !isProgram(target)) {
                throw Errors.at(elf, s, r.offset(), "map '" + sym.name() + "': slot initialiser "
                        + ElfRelocation.typeName(r.type()) + " against '" + target.name() + "' is not a program");
            }
            slots.put((int) ((r.offset() - start) / 8), target.name());
        }
        return slots;
    }

    /** A program: any function of a program section, or a global one of .text when there are none. */
    private boolean isProgram(ElfSymbol sym) {
        if (!sym.isFunction() || !sym.isDefined() || !elf.section(sym.section()).executable()) {
            return false;
        }
        return !elf.section(sym.section()).name().equals(".text") || ObjectLoader.textOnly(elf) && sym.isGlobal();
    }

    private int checkSize(ElfSection s, ElfSymbol sym, String what, int previous, long size) {
        if (size > Integer.MAX_VALUE) {
            throw Errors.at(elf, s, sym.value(), "map '" + sym.name() + "': " + what + " size " + size + " is too large");
        }
        if (previous >= 0 && previous != size) {
            throw Errors.at(elf, s, sym.value(), "map '" + sym.name() + "': " + what + " gives size " + size
                    + " but the definition also says " + previous);
        }
        return (int) size;
    }

    /** {@code __uint(name, N)} is {@code int (*name)[N]}: the array length is the value. */
    private int arrayLength(ElfSection s, ElfSymbol sym, BtfType.Member m) {
        if (btf.resolve(m.type()) instanceof BtfType.Ptr p && btf.resolve(p.type()) instanceof BtfType.Array a) {
            return a.length();
        }
        throw Errors.at(elf, s, sym.value(), "map '" + sym.name() + "': field '" + m.name()
                + "' is not encoded as a pointer to an array (__uint)");
    }

    /** {@code __type(name, T)} is {@code T *name}. */
    private int pointee(ElfSection s, ElfSymbol sym, BtfType.Member m) {
        if (btf.resolve(m.type()) instanceof BtfType.Ptr p) {
            return p.type();
        }
        throw Errors.at(elf, s, sym.value(), "map '" + sym.name() + "': field '" + m.name()
                + "' is not encoded as a pointer to its type (__type)");
    }

    private long sizeOf(ElfSection s, ElfSymbol sym, int type) {
        try {
            return btf.sizeOf(type);
        } catch (BtfException e) {
            throw Errors.at(elf, s, sym.value(), "map '" + sym.name() + "': " + e.getMessage());
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
            throw Errors.at(elf, s, 0, symbols.size() + " map definitions in " + s.size()
                    + " bytes: each struct bpf_map_def needs at least " + 4 * LEGACY_DEF_FIELDS + " bytes");
        }
        for (ElfSymbol sym : symbols) {
            long at = sym.value();
            if (at % defSize != 0 || at > s.size() - defSize) {
                throw Errors.at(elf, s, at, "map '" + sym.name() + "' does not start a " + defSize + "-byte map definition");
            }
            int type = w.s32(at);
            MapType t = MapType.ofId(type);
            if (t == null) {
                throw Errors.at(elf, s, at, "map '" + sym.name() + "' has unsupported map type " + Integer.toUnsignedString(type));
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
            throw Errors.at(elf, s, offset, "cannot create map '" + spec.name() + "': " + e.getMessage());
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
            throw Errors.at(elf, s, 0, "cannot store the initial contents of global data map '" + spec.name() + "': error " + rc);
        }
        int valueType = 0;
        if (btf != null && btf.find(BtfKind.DATASEC, s.name()) instanceof BtfType.Datasec d) {
            valueType = d.id();
        }
        if (elf.ignoredRelocations(s) > 0) {
            // Pointers stored in data (a table of string pointers) have no address before a program runs.
            notes.add(s.name() + ": " + elf.ignoredRelocations(s) + " relocation(s) of addresses stored in data are"
                    + " not applied (as libbpf); such pointers hold section offsets, not addresses");
        }
        ObjectMap m = new ObjectMap(s.name(), s.name(), MapKind.GLOBAL_DATA, spec, map, 0, valueType, readOnly,
                Map.of());
        maps.add(m);
        dataMaps.put(s.index(), m);
    }

}
