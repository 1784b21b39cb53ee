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
import dev.jvmbpf.runtime.maps.MapCreationException;
import dev.jvmbpf.runtime.maps.MapFlags;
import dev.jvmbpf.runtime.maps.MapSpec;
import dev.jvmbpf.runtime.maps.MapType;
import dev.jvmbpf.runtime.maps.Maps;
import dev.jvmbpf.runtime.maps.internal.UnmodelledMap;
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
            } else if (isLegacyMapSection(s)) {
                readLegacyMaps(s);
            }
        }
        for (ElfSection s : elf.sections()) {
            if (isGlobalData(s)) {
                readDataMap(s);
            }
        }
    }

    /**
     * The legacy {@code struct bpf_map_def} sections: libbpf 0.x, iproute2 and bpf_load.c read
     * {@code maps}; PREVAIL-era objects put each map in its own {@code maps/NAME} section.
     */
    static boolean isLegacyMapSection(ElfSection s) {
        return !s.executable() && s.type() == ElfSection.SHT_PROGBITS
                && (s.name().equals("maps") || s.name().startsWith("maps/"));
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
        Long type = null;
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
                // max_entries and map_flags are the kernel's u32s: kept as their 32 bits
                case "max_entries" -> maxEntries = (int) arrayLength(s, sym, m);
                case "map_flags" -> flags = (int) arrayLength(s, sym, m);
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
        MapType t = type > Integer.MAX_VALUE ? null : MapType.ofId(type.intValue());
        if (t == null) {
            throw Errors.at(elf, s, sym.value(), "map '" + name + "' has unsupported map type " + type);
        }
        Map<Integer, String> slots = Map.of();
        if (valuesOffset >= 0) {
            boolean mapInMap = t == MapType.ARRAY_OF_MAPS || t == MapType.HASH_OF_MAPS;
            if (t != MapType.PROG_ARRAY && !mapInMap) {
                throw Errors.at(elf, s, sym.value(), "map '" + name + "': 'values' are for program arrays and maps of"
                        + " maps only, not " + t);
            }
            // libbpf: the values of both are 4-byte ids (a program fd, an inner map fd)
            valueSize = checkSize(s, sym, "values", valueSize, 4);
            if (mapInMap) {
                long from = sym.value() + valuesOffset;
                long to = sym.value() + Math.max(sym.size(), valuesOffset);
                long initial = elf.relocations(s).stream().filter(r -> r.offset() >= from && r.offset() < to).count();
                notes.add("map '" + name + "' (" + t + "): the inner map definition is a template only"
                        + (initial > 0 ? "; its " + initial + " initial inner map(s) are not created" : "")
                        + " (maps of maps hold no inner maps here until set from Java)");
            } else {
                slots = programSlots(s, sym, valuesOffset);
            }
        }
        return new Declared(fixUp(new MapSpec(name, t, Math.max(0, keySize), Math.max(0, valueSize), maxEntries,
                flags, extra), keyType != 0, valueType != 0), keyType, valueType, slots);
    }

    /** The BPF page size that ring buffer sizes are rounded to. */
    private static final int PAGE_SIZE = Maps.PAGE_SIZE;

    /**
     * What loaders change in a definition before the kernel sees it. libbpf sizes a
     * PERF_EVENT_ARRAY without max_entries to the CPUs (done by {@code Maps.create}) and rounds a
     * ring buffer's (also a user ring buffer's) max_entries up to a power-of-2 number of pages. cilium/ebpf, which the
     * objects that annotate them were written for, treats the key and value types of perf event
     * arrays and ring buffers as documentation: a perf event array's key and value are then 4
     * bytes (also when left 0), a ring buffer's 0. Explicit sizes that differ stay, for the
     * kernel's rules to refuse.
     */
    private MapSpec fixUp(MapSpec spec, boolean keyTyped, boolean valueTyped) {
        int key = spec.keySize();
        int value = spec.valueSize();
        int max = spec.maxEntries();
        if (spec.type() == MapType.PERF_EVENT_ARRAY) {
            key = key == 0 || keyTyped ? 4 : key;
            value = value == 0 || valueTyped ? 4 : value;
        } else if (spec.type() == MapType.RINGBUF || spec.type() == MapType.USER_RINGBUF) {
            key = keyTyped ? 0 : key;
            value = valueTyped ? 0 : value;
            if (max > 0 && (Integer.bitCount(max) != 1 || max % PAGE_SIZE != 0)) {
                long pages = PAGE_SIZE;
                while (pages < max && pages <= Integer.MAX_VALUE / 2) {
                    pages <<= 1;
                }
                max = (int) Math.min(pages, Integer.MAX_VALUE);
            }
        }
        if (key == spec.keySize() && value == spec.valueSize() && max == spec.maxEntries()) {
            return spec;
        }
        notes.add("map '" + spec.name() + "' (" + spec.type() + "): key/value size " + spec.keySize() + "/"
                + spec.valueSize() + (max != spec.maxEntries() ? ", max_entries " + spec.maxEntries() : "")
                + " adjusted to " + key + "/" + value + (max != spec.maxEntries() ? ", max_entries " + max : "")
                + " as loaders do before the kernel sees it");
        return new MapSpec(spec.name(), spec.type(), key, value, max, spec.flags(), spec.mapExtra());
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
    private long arrayLength(ElfSection s, ElfSymbol sym, BtfType.Member m) {
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

    /**
     * libbpf 0.x's rule for {@code struct bpf_map_def} records: the record size is the section
     * size divided by the number of map symbols in it, whatever the loader's struct was
     * (iproute2's {@code bpf_elf_map} is 36 bytes, bpf_load.c's 28, libbpf's 20). Records shorter
     * than libbpf's five fields are read as far as they go (the rest is 0); fields beyond them
     * are ignored, and when not zero the object gets a note (libbpf refuses them unless told to
     * relax; the older loaders used them for pinning and inner maps).
     */
    private void readLegacyMaps(ElfSection s) {
        List<ElfSymbol> symbols = mapSymbols(s);
        if (symbols.isEmpty()) {
            return;
        }
        Window w = elf.window(s);
        if (s.size() == 0 || s.size() % symbols.size() != 0) {
            throw Errors.at(elf, s, 0, symbols.size() + " map symbols in " + s.size()
                    + " bytes: the size of a map definition cannot be determined");
        }
        long defSize = s.size() / symbols.size();
        for (ElfSymbol sym : symbols) {
            long at = sym.value();
            if (at < 0 || at > s.size() - defSize) {
                throw Errors.at(elf, s, at, "map '" + sym.name() + "' does not start a " + defSize
                        + "-byte map definition inside the section");
            }
            int[] field = new int[LEGACY_DEF_FIELDS];
            for (int i = 0; i < LEGACY_DEF_FIELDS && 4L * (i + 1) <= defSize; i++) {
                field[i] = w.s32(at + 4L * i);
            }
            for (long b = 4L * LEGACY_DEF_FIELDS; b < defSize; b++) {
                if (w.u8(at + b) != 0) {
                    notes.add(s.name() + ": map '" + sym.name() + "' has non-zero fields beyond struct bpf_map_def"
                            + " (bytes " + 4 * LEGACY_DEF_FIELDS + ".." + (defSize - 1) + " of its " + defSize
                            + "-byte record: pinning, inner map or NUMA settings of older loaders); ignored");
                    break;
                }
            }
            MapType t = MapType.ofId(field[0]);
            if (t == null) {
                throw Errors.at(elf, s, at, "map '" + sym.name() + "' has map type " + Integer.toUnsignedString(field[0])
                        + ", which the kernel does not define");
            }
            MapSpec spec = fixUp(new MapSpec(sym.name(), t, field[1], field[2], field[3], field[4]), false, false);
            Map<Integer, String> slots = Map.of();
            if (t == MapType.PROG_ARRAY && defSize >= 4L * LEGACY_DEF_FIELDS + 4) {
                slots = iproute2TailCalls(w.s32(at + 4L * LEGACY_DEF_FIELDS));
            }
            addDeclared(s, sym, new Declared(spec, 0, 0, slots));
        }
    }

    /**
     * iproute2's tail calls: a program in section {@code ID/KEY} goes into slot KEY of the
     * program array whose {@code struct bpf_elf_map} has {@code id} ID (the field after
     * map_flags), filled when the object's programs are loaded. The numbers are C integers
     * ({@code %i}: decimal, 0x hex, 0 octal); a section's first function is its program, a
     * section without function symbols is one program named after the section.
     */
    private Map<Integer, String> iproute2TailCalls(int id) {
        Map<Integer, String> slots = new HashMap<>();
        for (ElfSection code : elf.sections()) {
            if (!code.executable() || code.size() == 0) {
                continue;
            }
            int slash = code.name().indexOf('/');
            if (slash < 0) {
                continue;
            }
            Long mapId = cInteger(code.name().substring(0, slash));
            Long key = cInteger(code.name().substring(slash + 1));
            if (mapId == null || key == null || mapId != id || key < 0 || key > Integer.MAX_VALUE) {
                continue;
            }
            String program = null;
            long first = Long.MAX_VALUE;
            for (ElfSymbol sym : elf.symbols()) {
                if (sym.section() == code.index() && sym.isFunction() && sym.value() < first) {
                    first = sym.value();
                    program = sym.name();
                }
            }
            // a section without function symbols is one program named after it (CodeSection)
            slots.put(key.intValue(), program != null ? program : CodeSection.programNameOf(code.name()));
        }
        return slots;
    }

    /** A C integer as {@code sscanf("%i")} reads it, or null. */
    private static Long cInteger(String text) {
        try {
            if (text.startsWith("0x") || text.startsWith("0X")) {
                return Long.parseLong(text.substring(2), 16);
            }
            if (text.length() > 1 && text.startsWith("0")) {
                return Long.parseLong(text.substring(1), 8);
            }
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private void addDeclared(ElfSection s, ElfSymbol sym, Declared d) {
        BpfMap map = create(s, sym.value(), d.spec());
        ObjectMap m = new ObjectMap(sym.name(), s.name(), isLegacyMapSection(s) ? MapKind.LEGACY : MapKind.BTF,
                d.spec(), map, d.keyType(), d.valueType(), false, d.slots());
        maps.add(m);
        declaredMaps.computeIfAbsent(s.index(), k -> new HashMap<>()).put(sym.value(), m);
    }

    private BpfMap create(ElfSection s, long offset, MapSpec spec) {
        try {
            return factory.create(spec);
        } catch (LoadException e) {
            throw e;
        } catch (MapCreationException e) {
            // libbpf opens such an object and fails at load, when the kernel refuses the map: the
            // object opens here too, and the map faults on every use, saying why.
            notes.add((s == null ? spec.name() : s.name()) + ": map '" + spec.name() + "' cannot be created (" + e.getMessage()
                    + "); the object opens, and any use of the map faults");
            return new UnmodelledMap(spec, "cannot be created: " + e.getMessage());
        } catch (RuntimeException e) {
            throw Errors.at(elf, s, offset, "cannot create map '" + spec.name() + "': " + e.getMessage());
        }
    }

    /**
     * libbpf's {@code .kconfig} map: one read-only, mmapable element holding the kconfig
     * externs' values; it has no section in the file.
     */
    ObjectMap addKconfig(byte[] contents) {
        MapSpec spec = new MapSpec(internalMapName(objectName, ".kconfig"), MapType.ARRAY, 4, contents.length, 1,
                MapFlags.BPF_F_MMAPABLE | MapFlags.BPF_F_RDONLY_PROG);
        BpfMap map = create(null, 0, spec);
        int rc = map.update(new byte[4], contents, MapFlags.BPF_ANY);
        if (rc != 0) {
            throw Errors.at(elf, null, 0, "cannot store the kconfig values in map '" + spec.name() + "': error " + rc);
        }
        ObjectMap m = new ObjectMap(".kconfig", ".kconfig", MapKind.GLOBAL_DATA, spec, map, 0, 0, true, Map.of());
        maps.add(m);
        return m;
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
