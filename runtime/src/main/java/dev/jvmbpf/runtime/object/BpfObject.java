package dev.jvmbpf.runtime.object;

import dev.jvmbpf.runtime.exec.InputFiles;
import dev.jvmbpf.runtime.btf.Btf;
import dev.jvmbpf.runtime.btf.BtfExt;
import dev.jvmbpf.runtime.btf.BtfFormatter;
import dev.jvmbpf.runtime.exec.Executable;
import dev.jvmbpf.runtime.exec.LoadException;
import dev.jvmbpf.runtime.maps.MapDump;
import dev.jvmbpf.runtime.maps.MapEntry;
import dev.jvmbpf.runtime.maps.ProgramArray;
import dev.jvmbpf.runtime.object.internal.ObjectLoader;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.program.ProgramType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * A loaded BPF object file ({@code clang -target bpf -c}): its programs, ready for an engine,
 * with calls to {@code .text} functions linked in and map references resolved; its maps, one
 * instance shared by all its programs; its BTF; its license. The counterpart of libbpf's
 * {@code bpf_object} and cilium/ebpf's {@code Collection}.
 */
public final class BpfObject {
    private final String name;
    /** Replaced as a whole when a program's type is set, so readers always see a consistent list. */
    private volatile List<ObjectProgram> programs;
    private final List<ObjectMap> maps;
    private final Btf btf;
    private final BtfExt btfExt;
    private final String license;
    private final int kernelVersion;
    private final List<String> notes;

    public BpfObject(String name, List<ObjectProgram> programs, List<ObjectMap> maps, Btf btf, BtfExt btfExt,
            String license, int kernelVersion, List<String> notes) {
        this.name = name;
        this.programs = List.copyOf(programs);
        this.maps = List.copyOf(maps);
        this.btf = btf;
        this.btfExt = btfExt;
        this.license = license;
        this.kernelVersion = kernelVersion;
        this.notes = List.copyOf(notes);
    }

    public static BpfObject open(Path path) throws IOException {
        return open(path, MapFactory.standard());
    }

    public static BpfObject open(Path path, MapFactory maps) throws IOException {
        return open(InputFiles.read(path), path.getFileName().toString(), maps);
    }

    /**
     * Loads an object whose CO-RE relocations are resolved against {@code core}: the running
     * kernel's BTF ({@link CoreTarget#host()}, what the other overloads use), a BTF file
     * ({@link CoreTarget#file}) or the object's own ({@link CoreTarget#local()}).
     */
    public static BpfObject open(Path path, CoreTarget core) throws IOException {
        return open(InputFiles.read(path), path.getFileName().toString(), MapFactory.standard(), Kconfig.host(), core);
    }

    /** Loads an object from memory; {@code name} is its file name (it prefixes global data map names). */
    public static BpfObject open(byte[] elf, String name) {
        return open(elf, name, MapFactory.standard());
    }

    public static BpfObject open(byte[] elf, String name, MapFactory maps) {
        return open(elf, name, maps, Kconfig.host());
    }

    /**
     * Loads an object whose {@code __kconfig} externs take their values from {@code kconfig}
     * (by default {@link Kconfig#host()}, the running kernel's configuration).
     */
    public static BpfObject open(byte[] elf, String name, MapFactory maps, Kconfig kconfig) {
        return open(elf, name, maps, kconfig, CoreTarget.host());
    }

    /**
     * Loads an object with every choice explicit: its maps from {@code maps}, its {@code __kconfig}
     * externs from {@code kconfig}, its CO-RE relocations resolved against {@code core} (an
     * unresolvable one replaces its instruction by libbpf's poison call, {@code call 0xbad2310};
     * a run that reaches it faults and {@link ObjectProgram#describe} names the relocation).
     */
    public static BpfObject open(byte[] elf, String name, MapFactory maps, Kconfig kconfig, CoreTarget core) {
        return ObjectLoader.load(elf, name, maps, kconfig, core);
    }

    /** The object's name: its file name up to the first dot, as libbpf derives it. */
    public String name() {
        return name;
    }

    public List<ObjectProgram> programs() {
        return programs;
    }

    /**
     * Sets the type of program {@code programName}, whatever its section says (libbpf's
     * {@code bpf_program__set_type}): for sections named by a loader's convention rather than
     * libbpf's ({@code tc filter ... sec from-netdev} makes a classifier of any section), or to
     * run a program as another type. Affects what {@link #programs()} and {@link #program}
     * return from now on, including the programs {@link #fillProgramArrays} loads.
     */
    public synchronized ObjectProgram setProgramType(String programName, ProgramType type) {
        ObjectProgram p = program(programName);
        ObjectProgram retyped = p.withType(java.util.Objects.requireNonNull(type, "program type"));
        List<ObjectProgram> next = new ArrayList<>(programs);
        next.set(next.indexOf(p), retyped);
        programs = List.copyOf(next);
        return retyped;
    }

    /**
     * Gives type {@code type} to every program whose section names no type this runtime runs
     * (unknown names such as cilium's {@code from-netdev} or iproute2's tail call sections
     * {@code 2/7}, {@code .text} functions): what iproute2 does, loading every program of the
     * object with the type of the command ({@code tc ... bpf obj X} makes classifiers, {@code ip
     * link ... xdp obj X} XDP programs). Returns the number of programs retyped.
     */
    public synchronized int setTypeOfUntypedPrograms(ProgramType type) {
        int n = 0;
        for (ObjectProgram p : programs) {
            if (SectionType.of(p.section()).type() == ProgramType.RAW && p.type() == ProgramType.RAW) {
                setProgramType(p.name(), type);
                n++;
            }
        }
        return n;
    }

    /** The program with this name; a {@link LoadException} listing the programs when there is none. */
    public ObjectProgram program(String programName) {
        for (ObjectProgram p : programs) {
            if (p.name().equals(programName)) {
                return p;
            }
        }
        List<String> names = new ArrayList<>();
        programs.forEach(p -> names.add(p.name()));
        throw new LoadException(name + ": no program named '" + programName + "'; it has " + names);
    }

    public List<ObjectMap> maps() {
        return maps;
    }

    /**
     * The map with this name; global data maps answer to their section name ({@code .rodata}) and
     * to their libbpf name ({@code obj.rodata}). A {@link LoadException} when there is none.
     */
    public ObjectMap map(String mapName) {
        for (ObjectMap m : maps) {
            if (m.name().equals(mapName) || m.spec().name().equals(mapName)) {
                return m;
            }
        }
        List<String> names = new ArrayList<>();
        maps.forEach(m -> names.add(m.name()));
        throw new LoadException(name + ": no map named '" + mapName + "'; it has " + names);
    }

    /**
     * Puts the programs a program array's definition names into its slots, each loaded by
     * {@code load} (an engine's {@code load} with the helpers to use). Program arrays hold loaded
     * programs, so this waits until the caller has chosen an engine. Returns the slots filled.
     */
    public int fillProgramArrays(Function<BpfProgram, Executable> load) {
        int filled = 0;
        Map<String, Executable> loaded = new HashMap<>();
        for (ObjectMap m : maps) {
            if (m.programSlots().isEmpty()) {
                continue;
            }
            if (!(m.map() instanceof ProgramArray array)) {
                throw new LoadException(name + ": map '" + m.name() + "' lists programs but is no program array");
            }
            for (Map.Entry<Integer, String> slot : new TreeMap<>(m.programSlots()).entrySet()) {
                Executable e = loaded.computeIfAbsent(slot.getValue(), n -> load.apply(program(n).program()));
                if (array.set(slot.getKey(), e) != 0) {
                    throw new LoadException(name + ": map '" + m.name() + "' has no slot " + slot.getKey());
                }
                filled++;
            }
        }
        return filled;
    }

    /**
     * The map's entries, one per line, as {@code key: 42 value: { .pid = 42, .comm = "bash" }}:
     * keys and values the object's BTF describes are formatted by type, others in hex (as are
     * per-CPU values, which hold one slot per CPU).
     */
    public String dump(String mapName) {
        ObjectMap m = map(mapName);
        if (btf == null || m.spec().type().isPerCpuArrayOrHash() || (m.keyType() == 0 && m.valueType() == 0)) {
            return MapDump.hex(m.map());
        }
        BtfFormatter formatter = new BtfFormatter(btf);
        StringBuilder sb = new StringBuilder();
        for (MapEntry e : m.map().entries()) {
            if (e.key().length > 0) {
                sb.append("key: ").append(m.keyType() == 0 ? MapDump.hex(e.key()) : formatter.format(m.keyType(), e.key()))
                        .append(' ');
            }
            sb.append("value: ").append(m.valueType() == 0 ? MapDump.hex(e.value())
                    : formatter.format(m.valueType(), e.value())).append('\n');
        }
        return sb.toString();
    }

    /** The object's BTF, or null when it was built without {@code -g}. */
    public Btf btf() {
        return btf;
    }

    public BtfExt btfExt() {
        return btfExt;
    }

    /** The contents of the {@code license} section, or the empty string. */
    public String license() {
        return license;
    }

    /** The {@code version} section's value, or 0. */
    public int kernelVersion() {
        return kernelVersion;
    }

    /** Things the loader accepted but wants the user to know (unknown section names, ignored data). */
    public List<String> notes() {
        return notes;
    }
}
