package dev.jvmbpf.kernel;

import dev.jvmbpf.helpers.context.SkBuffContext;
import dev.jvmbpf.kernel.internal.BpfSyscall;
import dev.jvmbpf.kernel.internal.CpuPin;
import dev.jvmbpf.kernel.internal.FunctionBtf;
import dev.jvmbpf.kernel.internal.PerfEventRing;
import dev.jvmbpf.kernel.internal.RingBufferReader;
import dev.jvmbpf.kernel.internal.SyscallException;
import dev.jvmbpf.kernel.internal.VerifierRejection;
import dev.jvmbpf.runtime.exec.Executable;
import dev.jvmbpf.runtime.exec.LoadException;
import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.isa.Opcodes;
import dev.jvmbpf.runtime.maps.BpfMap;
import dev.jvmbpf.runtime.maps.Cpus;
import dev.jvmbpf.runtime.maps.Errno;
import dev.jvmbpf.runtime.maps.IterableMap;
import dev.jvmbpf.runtime.maps.MapFlags;
import dev.jvmbpf.runtime.maps.MapSpec;
import dev.jvmbpf.runtime.maps.MapType;
import dev.jvmbpf.runtime.maps.ProgramArray;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.program.ProgramType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A program of an object file loaded into the running kernel, so that it can be timed and
 * compared on the same packets as the engines. Every map the program references is created in
 * the kernel with the same type and sizes and filled with what the runtime's map holds when the
 * program is loaded (the {@code --map-update} elements, global data), as libbpf would create and
 * initialise them; the program's map references become the new maps' fds. Runs go through
 * {@code BPF_PROG_TEST_RUN} with the packet as data.
 *
 * <p>Program arrays are mirrored with what the runtime's hold: every program in a slot (the
 * object's declared {@code .values}, the iproute2 sections) is loaded into the kernel too, with
 * the same program type as the entry (the kernel lets a program tail-call only programs of its
 * own type), and its fd written at that slot; the programs they tail-call to follow. Perf event
 * arrays get one {@code PERF_COUNT_SW_BPF_OUTPUT} event per possible CPU, its ring memory-mapped,
 * so that {@code bpf_perf_event_output} works; {@link #drainPerfEvents} reads the samples back.
 *
 * <p>Only program types the kernel can test-run with a packet are accepted (XDP, socket filter,
 * tc classifier and action), and per-CPU maps that hold elements are refused (their syscall
 * layout depends on the kernel's count of possible CPUs). Each refusal is a
 * {@link LoadException} that says which and why.
 */
public final class KernelObjectProgram implements AutoCloseable {
    /** Pages of ring per CPU and perf event array: 32 KiB on 4 KiB pages, libbpf's perf_buffer default is 8 too. */
    private static final int PERF_RING_PAGES = 8;

    private final String name;
    private final ProgramType type;
    private final List<BpfMap> maps;
    private final int[] mapFds;
    private final int programFd;
    private final List<BpfProgram> programs;
    private final Resources resources;
    private final Map<Integer, RingBufferReader> readers = new HashMap<>();

    private KernelObjectProgram(String name, ProgramType type, List<BpfMap> maps, int[] mapFds, int programFd,
            List<BpfProgram> programs, Resources resources) {
        this.name = name;
        this.type = type;
        this.maps = maps;
        this.mapFds = mapFds;
        this.programFd = programFd;
        this.programs = List.copyOf(programs);
        this.resources = resources;
    }

    /**
     * What a perf event array's ring gave back: a sample {@code bpf_perf_event_output} sent, or
     * a count of samples the kernel lost because the ring was full; with the map and the CPU.
     */
    public sealed interface PerfRecord {
        String map();

        int cpu();

        /** A sample's bytes as the kernel stored them: zero-padded so that its size and data fill 8-byte words. */
        record Sample(String map, int cpu, byte[] data) implements PerfRecord {
        }

        record Lost(String map, int cpu, long count) implements PerfRecord {
        }
    }

    /** Every kernel object one load made, released together: perf events, programs, then maps. */
    private static final class Resources {
        private final List<PerfEventRing> rings = new ArrayList<>();
        /** The ring's map name, per ring. */
        private final List<String> ringMaps = new ArrayList<>();
        private final List<Integer> programFds = new ArrayList<>();
        private int[] mapFds = new int[0];

        void close() {
            rings.forEach(PerfEventRing::close);
            rings.clear();
            for (int fd : programFds) {
                BpfSyscall.close(fd);
            }
            programFds.clear();
            closeAll(mapFds);
            mapFds = new int[0];
        }
    }

    /**
     * What one {@code BPF_PROG_TEST_RUN} of {@code repeat} runs reported: the last r0 (32 bits),
     * the mean time, and the packet as the last run left it.
     */
    public record Result(long r0, int meanNanos, byte[] packet) {
    }

    /** The kernel's program type for {@code type}, or -1 when it cannot test-run that type with a packet. */
    public static int kernelType(ProgramType type) {
        return switch (type) {
            case SOCKET_FILTER, SCHED_CLS, SCHED_ACT, XDP -> KernelVerifier.kernelType(type);
            default -> -1;
        };
    }

    /** Creates the maps, loads the program; the caller closes it. */
    public static KernelObjectProgram load(BpfProgram program) {
        KernelBpf.requireAvailable();
        int type = kernelType(program.type());
        if (type < 0) {
            throw new LoadException("kernel: cannot test-run " + program.type() + " program " + program.name()
                    + " with a packet (XDP, socket filter and tc programs only)");
        }
        return load(program, type);
    }

    /**
     * Creates the maps and loads a tracepoint or raw tracepoint program, to attach to its event
     * with {@link KernelTracer#attachProgram}; the caller closes it.
     */
    public static KernelObjectProgram loadForTracing(BpfProgram program) {
        KernelBpf.requireAvailable();
        int type = switch (program.type()) {
            case TRACEPOINT, RAW_TRACEPOINT -> KernelVerifier.kernelType(program.type());
            default -> throw new LoadException("kernel: " + program.type() + " program " + program.name()
                    + " is no tracepoint or raw tracepoint program");
        };
        return load(program, type);
    }

    private static KernelObjectProgram load(BpfProgram program, int type) {
        List<BpfProgram> programs = withTailCallTargets(program);
        List<BpfMap> maps = mapsOf(programs);
        for (BpfMap m : maps) {
            refuseUnmirrored(m);
        }
        Resources r = new Resources();
        int[] fds = new int[maps.size()];
        Arrays.fill(fds, -1);
        r.mapFds = fds;
        BpfProgram loading = program;
        try {
            for (int i = 0; i < maps.size(); i++) {
                fds[i] = create(maps.get(i));
                if (maps.get(i).spec().type() == MapType.PERF_EVENT_ARRAY) {
                    openPerfEvents(maps.get(i).spec(), fds[i], r);
                }
            }
            Map<BpfProgram, Integer> progFds = new IdentityHashMap<>();
            for (BpfProgram p : programs) {
                loading = p;
                byte[] code = Instruction.encode(withMapFds(p.instructionsView(), fdsOf(p, maps, fds)));
                int fd = loadWithFunctions(type, p, code);
                r.programFds.add(fd);
                progFds.put(p, fd);
            }
            loading = program;
            for (int i = 0; i < maps.size(); i++) {
                if (maps.get(i) instanceof ProgramArray array) {
                    fillProgramArray(array, fds[i], progFds);
                }
            }
            return new KernelObjectProgram(program.name(), program.type(), maps, fds, progFds.get(program), programs,
                    r);
        } catch (VerifierRejection e) {
            r.close();
            throw new LoadException("kernel: the verifier refused " + loading.name() + " (" + Errno.name(e.errno())
                    + ")" + lastLine(e.log()));
        } catch (SyscallException e) {
            r.close();
            throw new LoadException("kernel: loading " + loading.name() + ": " + e.getMessage());
        } catch (RuntimeException e) {
            r.close();
            throw e;
        }
    }

    /**
     * {@code entry}, then every program the runtime's program arrays it can reach hold, each
     * once, in the order they are found: what its tail calls may jump to.
     */
    static List<BpfProgram> withTailCallTargets(BpfProgram entry) {
        Set<BpfProgram> found = Collections.newSetFromMap(new IdentityHashMap<>());
        List<BpfProgram> order = new ArrayList<>();
        ArrayDeque<BpfProgram> pending = new ArrayDeque<>(List.of(entry));
        while (!pending.isEmpty()) {
            BpfProgram p = pending.poll();
            if (!found.add(p)) {
                continue;
            }
            order.add(p);
            for (BpfMap m : p.maps()) {
                if (m instanceof ProgramArray array) {
                    for (int slot = 0; slot < array.spec().maxEntries(); slot++) {
                        Executable target = array.program(slot);
                        if (target != null) {
                            pending.add(target.program());
                        }
                    }
                }
            }
        }
        return order;
    }

    /** The maps of {@code programs}, each once (programs of one object share theirs). */
    private static List<BpfMap> mapsOf(List<BpfProgram> programs) {
        Set<BpfMap> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<BpfMap> out = new ArrayList<>();
        for (BpfProgram p : programs) {
            for (BpfMap m : p.maps()) {
                if (seen.add(m)) {
                    out.add(m);
                }
            }
        }
        return out;
    }

    /** The kernel fds of {@code program}'s maps, by its own map indexes. */
    private static int[] fdsOf(BpfProgram program, List<BpfMap> maps, int[] fds) {
        List<BpfMap> own = program.maps();
        int[] out = new int[own.size()];
        for (int i = 0; i < own.size(); i++) {
            BpfMap m = own.get(i);
            int at = -1;
            for (int j = 0; j < maps.size() && at < 0; j++) {
                if (maps.get(j) == m) {
                    at = j;
                }
            }
            out[i] = fds[at];
        }
        return out;
    }

    /** Writes each program the runtime's array holds, loaded in the kernel, at its slot of kernel array {@code fd}. */
    private static void fillProgramArray(ProgramArray array, int fd, Map<BpfProgram, Integer> progFds) {
        for (int slot = 0; slot < array.spec().maxEntries(); slot++) {
            Executable target = array.program(slot);
            if (target != null) {
                BpfSyscall.updateElement(fd, slot, u32(progFds.get(target.program())));
            }
        }
    }

    /**
     * Opens a BPF output event on each possible CPU that has a slot and stores its fd there, as
     * libbpf's perf_buffer does; a CPU that is offline keeps its slot empty.
     */
    private static void openPerfEvents(MapSpec spec, int fd, Resources r) {
        int cpus = Math.min(perfEntries(spec), BpfSyscall.possibleCpus());
        for (int cpu = 0; cpu < cpus; cpu++) {
            PerfEventRing ring;
            try {
                ring = PerfEventRing.open(cpu, PERF_RING_PAGES);
            } catch (SyscallException e) {
                if (e.errno() == Errno.ENODEV) {
                    continue;
                }
                throw new SyscallException(e.call() + " (perf event array " + spec.name() + ", CPU " + cpu + ")",
                        e.errno());
            }
            r.rings.add(ring);
            r.ringMaps.add(spec.name());
            BpfSyscall.updateElement(fd, cpu, u32(ring.fd()));
        }
    }

    /** A perf event array's max_entries in the kernel: libbpf sizes one declared without it to the possible CPUs. */
    static int perfEntries(MapSpec spec) {
        return spec.maxEntries() == 0 ? BpfSyscall.possibleCpus() : spec.maxEntries();
    }

    private static byte[] u32(int value) {
        return new byte[] {(byte) value, (byte) (value >>> 8), (byte) (value >>> 16), (byte) (value >>> 24)};
    }

    /**
     * Loads the program; one that passes functions to helpers (callbacks) gets the function
     * information the kernel demands for it, from a BTF made for the purpose ({@link FunctionBtf}).
     */
    private static int loadWithFunctions(int type, BpfProgram program, byte[] code) {
        int[] entries = functionEntries(program.instructionsView());
        String license = license(program);
        if (entries == null) {
            return BpfSyscall.loadProgram(type, program.name(), code, null, license);
        }
        int btf = BpfSyscall.loadBtf(FunctionBtf.of(entries));
        try {
            return BpfSyscall.loadProgram(type, program.name(), code,
                    new BpfSyscall.FuncInfo(btf, entries, FunctionBtf.typeIds(entries.length)), license);
        } finally {
            // The program keeps its own reference to the BTF.
            BpfSyscall.close(btf);
        }
    }

    /**
     * The licence the program declares (its object's {@code license} section, as libbpf passes
     * it), so that the kernel refuses GPL-only helpers to a proprietary program as it would for
     * bpftool; a program with no object behind it is declared GPL.
     */
    static String license(BpfProgram program) {
        return program.license() == null ? BpfSyscall.DEFAULT_LICENSE : program.license();
    }

    /** The first pcs of the program's functions when it takes the address of one (a callback), else null. */
    static int[] functionEntries(Instruction[] code) {
        TreeSet<Integer> entries = new TreeSet<>();
        entries.add(0);
        boolean callbacks = false;
        for (int pc = 0; pc < code.length; pc++) {
            Instruction i = code[pc];
            if (i.opcode() == Opcodes.CALL && i.src() == Opcodes.CALL_LOCAL) {
                entries.add(pc + 1 + i.imm());
            } else if (i.opcode() == Opcodes.LDDW) {
                if (i.src() == Opcodes.PSEUDO_FUNC) {
                    entries.add(pc + 1 + i.imm());
                    callbacks = true;
                }
                pc++;
            }
        }
        return callbacks ? entries.stream().mapToInt(Integer::intValue).toArray() : null;
    }

    static void refuseUnmirrored(BpfMap m) {
        MapSpec spec = m.spec();
        if (spec.type().isPerCpuArrayOrHash() && m instanceof IterableMap it && hasNonZeroElement(it)) {
            throw new LoadException("kernel: per-CPU map " + spec.name()
                    + " holds elements, which are not mirrored into the kernel");
        }
    }

    private static boolean hasNonZeroElement(IterableMap map) {
        for (byte[] k = map.nextKey(null); k != null; k = map.nextKey(k)) {
            byte[] v = map.lookupValue(k);
            if (v != null && !allZero(v)) {
                return true;
            }
        }
        return false;
    }

    private static boolean allZero(byte[] bytes) {
        for (byte b : bytes) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Creates {@code map} in the kernel and copies its elements; read-only data is frozen, as
     * libbpf does. Program and perf event arrays are created empty: their slots hold kernel
     * objects, which the caller stores.
     */
    static int create(BpfMap map) {
        MapSpec spec = map.spec();
        if (holdsKernelObjects(spec)) {
            return createEmpty(spec);
        }
        int fd = BpfSyscall.createMap(spec.type().id(), kernelName(spec.name()), spec.keySize(), spec.valueSize(),
                spec.maxEntries(), spec.flags(), spec.mapExtra());
        try {
            if (map instanceof IterableMap it && !spec.type().isPerCpuArrayOrHash()) {
                for (byte[] k = it.nextKey(null); k != null; k = it.nextKey(k)) {
                    byte[] v = it.lookupValue(k);
                    // Array elements always exist in the kernel, as zeros.
                    if (v != null && !(spec.type() == MapType.ARRAY && allZero(v))) {
                        BpfSyscall.updateElement(fd, k, v, 0);
                    }
                }
            }
            if ((spec.flags() & MapFlags.BPF_F_RDONLY_PROG) != 0) {
                BpfSyscall.freezeMap(fd);
            }
            return fd;
        } catch (RuntimeException e) {
            BpfSyscall.close(fd);
            throw e;
        }
    }

    /** Program and perf event arrays: their slots hold programs and perf events, not bytes. */
    static boolean holdsKernelObjects(MapSpec spec) {
        return spec.type() == MapType.PROG_ARRAY || spec.type() == MapType.PERF_EVENT_ARRAY;
    }

    /** An empty map of {@code spec}'s type and sizes. */
    static int createEmpty(MapSpec spec) {
        int entries = spec.type() == MapType.PERF_EVENT_ARRAY ? perfEntries(spec) : spec.maxEntries();
        return BpfSyscall.createMap(spec.type().id(), kernelName(spec.name()), spec.keySize(), spec.valueSize(),
                entries, spec.flags(), spec.mapExtra());
    }

    /** The program with each map index of an {@code lddw} replaced by that map's fd (the kernel's own sources). */
    static Instruction[] withMapFds(Instruction[] code, int[] fds) {
        Instruction[] out = code.clone();
        for (int pc = 0; pc < out.length; pc++) {
            Instruction i = out[pc];
            if (i.opcode() != Opcodes.LDDW) {
                continue;
            }
            int src = i.src();
            if (src == Opcodes.PSEUDO_MAP_IDX || src == Opcodes.PSEUDO_MAP_IDX_VALUE) {
                int index = i.imm();
                if (index < 0 || index >= fds.length) {
                    throw new LoadException("kernel: lddw at pc " + pc + " names map " + index + " of "
                            + fds.length);
                }
                int kernelSrc = src == Opcodes.PSEUDO_MAP_IDX ? Opcodes.PSEUDO_MAP_FD : Opcodes.PSEUDO_MAP_VALUE;
                out[pc] = Instruction.of(i.opcode(), i.dst(), kernelSrc, i.offset(), fds[index]);
            }
            pc++;
        }
        return out;
    }

    /**
     * Runs the program {@code repeat} times on {@code packet} (at least 14 bytes: an Ethernet
     * header). A socket filter's test run shows it the packet from behind its Ethernet header;
     * the runtime's {@code __sk_buff} shows a socket filter the whole frame, as an
     * {@code AF_PACKET} socket does. So a socket filter's frame goes to the kernel behind one
     * more Ethernet header, to the loopback device's address (pkt_type host) and with the frame's
     * own EtherType (the same protocol): the program then sees what the engines show it.
     *
     * <p>The calling thread runs the test on the CPU the engines give it ({@code Cpus.current()},
     * which {@code --cpu} sets) when it may run there, so that per-CPU slots,
     * {@code bpf_perf_event_output}'s {@code BPF_F_CURRENT_CPU} and the CPU helper agree with
     * the engines; elsewhere it runs where the scheduler has it.
     */
    public Result run(byte[] packet, int repeat) {
        byte[] data = type == ProgramType.SOCKET_FILTER ? behindEthernetHeader(packet) : packet;
        BpfSyscall.TestRun r;
        try (CpuPin pin = CpuPin.to(Cpus.current())) {
            r = BpfSyscall.testRun(programFd, data, repeat);
        } catch (SyscallException e) {
            throw new IllegalArgumentException("kernel: test run of " + name + " on a " + packet.length
                    + "-byte packet: " + e.getMessage());
        }
        byte[] out = r.dataOut();
        if (type == ProgramType.SOCKET_FILTER && out.length >= ETH_HLEN) {
            // The kernel hands back the frame with the header it was sent behind.
            out = Arrays.copyOfRange(out, ETH_HLEN, out.length);
        }
        return new Result(Integer.toUnsignedLong(r.retval()), r.durationNanos(), out);
    }

    /** Whether {@link #run} can hold the calling thread on {@code cpu} (a CPU its affinity allows). */
    public static boolean runsOn(int cpu) {
        try (CpuPin pin = CpuPin.to(cpu)) {
            return pin != null;
        }
    }

    private static byte[] behindEthernetHeader(byte[] frame) {
        byte[] out = new byte[ETH_HLEN + frame.length];
        if (frame.length >= ETH_HLEN) {
            out[12] = frame[12];
            out[13] = frame[13];
        }
        System.arraycopy(frame, 0, out, ETH_HLEN, frame.length);
        return out;
    }

    private static final int ETH_HLEN = SkBuffContext.ETH_HLEN;

    /**
     * What the kernel copies out for one element: the value, or for a per-CPU map one value per
     * possible CPU, each rounded up to 8 bytes (a smaller buffer would be overrun).
     */
    private static int valueBytes(MapSpec spec) {
        return spec.type().isPerCpuArrayOrHash() ? Cpus.stride(spec.valueSize()) * BpfSyscall.possibleCpus() : spec.valueSize();
    }

    /**
     * The kernel map's value at {@code key} (for a per-CPU map, every possible CPU's, each
     * rounded up to 8 bytes), or null: what the program left there.
     */
    public byte[] lookup(String mapName, byte[] key) {
        int i = indexOf(mapName);
        return BpfSyscall.lookupElement(mapFds[i], key, valueBytes(maps.get(i).spec()));
    }

    /**
     * Every element of the kernel's copy of map {@code mapName}, in the kernel's order: what the
     * program left there, to compare with the runtime's map.
     */
    public Map<String, byte[]> elements(String mapName) {
        int i = indexOf(mapName);
        MapSpec spec = maps.get(i).spec();
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (byte[] k = BpfSyscall.nextKey(mapFds[i], null, spec.keySize()); k != null;
                k = BpfSyscall.nextKey(mapFds[i], k, spec.keySize())) {
            out.put(HexFormat.of().formatHex(k), BpfSyscall.lookupElement(mapFds[i], k, valueBytes(spec)));
        }
        return out;
    }

    private int indexOf(String mapName) {
        for (int i = 0; i < maps.size(); i++) {
            if (maps.get(i).spec().name().equals(mapName)) {
                return i;
            }
        }
        throw new IllegalArgumentException("no map named '" + mapName + "' in " + name);
    }

    /**
     * Writes what the kernel's maps hold into the runtime's maps this program was loaded with, so
     * they show the kernel's runs: elements the kernel deleted go, the others are overwritten.
     * Per-CPU maps are copied when the kernel has as many possible CPUs as the runtime has CPUs;
     * ring buffers, queues, stacks, bloom filters, program and perf event arrays are left as
     * they are.
     */
    public void copyMapsBack() {
        for (int i = 0; i < maps.size(); i++) {
            BpfMap m = maps.get(i);
            MapSpec spec = m.spec();
            boolean sameCpus = !spec.type().isPerCpuArrayOrHash() || BpfSyscall.possibleCpus() == Cpus.count();
            if (!(m instanceof IterableMap it) || spec.type() == MapType.RINGBUF || holdsKernelObjects(spec)
                    || !sameCpus) {
                continue;
            }
            Map<String, byte[]> kernel = elements(spec.name());
            List<byte[]> gone = new ArrayList<>();
            for (byte[] k = it.nextKey(null); k != null; k = it.nextKey(k)) {
                if (!kernel.containsKey(HexFormat.of().formatHex(k))) {
                    gone.add(k);
                }
            }
            gone.forEach(m::delete);
            kernel.forEach((key, value) -> m.update(HexFormat.of().parseHex(key), value, 0));
        }
    }

    int programFd() {
        return programFd;
    }

    /** The programs loaded into the kernel: this one first, then those its program arrays hold. */
    public List<BpfProgram> programs() {
        return programs;
    }

    /**
     * Hands the records the program committed to its ring buffers so far to {@code sink}, with
     * the map's name, oldest first, reading the kernel's ring buffers memory-mapped.
     */
    public void drainRingBuffers(BiConsumer<String, byte[]> sink) {
        for (int i = 0; i < maps.size(); i++) {
            MapSpec spec = maps.get(i).spec();
            if (spec.type() != MapType.RINGBUF) {
                continue;
            }
            RingBufferReader reader = readers.get(i);
            if (reader == null) {
                reader = new RingBufferReader(mapFds[i], spec.maxEntries());
                readers.put(i, reader);
            }
            String name = spec.name();
            while (reader.drain(data -> sink.accept(name, data), Integer.MAX_VALUE) > 0) {
                // until the ring buffer is empty
            }
        }
    }

    /**
     * Hands what the program sent to its perf event arrays so far to {@code sink}, ring by ring
     * (CPU order within a map), oldest first in each, and frees the rings' space.
     */
    public void drainPerfEvents(Consumer<PerfRecord> sink) {
        for (int i = 0; i < resources.rings.size(); i++) {
            PerfEventRing ring = resources.rings.get(i);
            String map = resources.ringMaps.get(i);
            ring.drain(new PerfEventRing.Sink() {
                @Override
                public void sample(byte[] data) {
                    sink.accept(new PerfRecord.Sample(map, ring.cpu(), data));
                }

                @Override
                public void lost(long count) {
                    sink.accept(new PerfRecord.Lost(map, ring.cpu(), count));
                }
            });
        }
    }

    /** Releases every kernel object of this program: rings, perf events, programs and maps. Idempotent. */
    @Override
    public void close() {
        readers.values().forEach(RingBufferReader::close);
        readers.clear();
        resources.close();
    }

    static void closeAll(int[] fds) {
        for (int fd : fds) {
            if (fd >= 0) {
                BpfSyscall.close(fd);
            }
        }
    }

    /** The verifier log's verdict (its last line before the statistics), after a colon; empty without a log. */
    private static String lastLine(String log) {
        String[] lines = log.strip().split("\n");
        for (int i = lines.length - 1; i >= 0; i--) {
            String line = lines[i].strip();
            if (!line.isEmpty() && !line.startsWith("processed ") && !line.startsWith("verification time")
                    && !line.startsWith("stack depth")) {
                return ": " + line;
            }
        }
        return "";
    }

    /** The kernel takes map names of letters, digits, '_' and '.' only. */
    static String kernelName(String name) {
        return name.replaceAll("[^A-Za-z0-9_.]", "_");
    }
}
