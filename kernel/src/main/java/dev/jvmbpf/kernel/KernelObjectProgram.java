package dev.jvmbpf.kernel;

import dev.jvmbpf.helpers.context.SkBuffContext;
import dev.jvmbpf.kernel.internal.BpfSyscall;
import dev.jvmbpf.kernel.internal.FunctionBtf;
import dev.jvmbpf.kernel.internal.RingBufferReader;
import dev.jvmbpf.kernel.internal.SyscallException;
import dev.jvmbpf.kernel.internal.VerifierRejection;
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
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.program.ProgramType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.BiConsumer;

/**
 * A program of an object file loaded into the running kernel, so that it can be timed and
 * compared on the same packets as the engines. Every map the program references is created in
 * the kernel with the same type and sizes and filled with what the runtime's map holds when the
 * program is loaded (the {@code --map-update} elements, global data), as libbpf would create and
 * initialise them; the program's map references become the new maps' fds. Runs go through
 * {@code BPF_PROG_TEST_RUN} with the packet as data.
 *
 * <p>Only program types the kernel can test-run with a packet are accepted (XDP, socket filter,
 * tc classifier and action). Program arrays and perf event arrays are refused (the kernel would
 * need the programs and the perf events), and so are per-CPU maps that hold elements (their
 * syscall layout depends on the kernel's count of possible CPUs). Each refusal is a
 * {@link LoadException} that says which and why.
 */
public final class KernelObjectProgram implements AutoCloseable {
    private final String name;
    private final ProgramType type;
    private final List<BpfMap> maps;
    private final int[] mapFds;
    private final int programFd;
    private final Map<Integer, RingBufferReader> readers = new HashMap<>();

    private KernelObjectProgram(String name, ProgramType type, List<BpfMap> maps, int[] mapFds, int programFd) {
        this.name = name;
        this.type = type;
        this.maps = maps;
        this.mapFds = mapFds;
        this.programFd = programFd;
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
        List<BpfMap> maps = program.maps();
        for (BpfMap m : maps) {
            refuseUnmirrored(m);
        }
        int[] fds = new int[maps.size()];
        Arrays.fill(fds, -1);
        try {
            for (int i = 0; i < maps.size(); i++) {
                fds[i] = create(maps.get(i));
            }
            byte[] code = Instruction.encode(withMapFds(program.instructionsView(), fds));
            int progFd = loadWithFunctions(type, program, code);
            return new KernelObjectProgram(program.name(), program.type(), maps, fds, progFd);
        } catch (VerifierRejection r) {
            closeAll(fds);
            throw new LoadException("kernel: the verifier refused " + program.name() + " (" + Errno.name(r.errno())
                    + ")" + lastLine(r.log()));
        } catch (SyscallException e) {
            closeAll(fds);
            throw new LoadException("kernel: loading " + program.name() + ": " + e.getMessage());
        } catch (RuntimeException e) {
            closeAll(fds);
            throw e;
        }
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
        if (spec.type() == MapType.PROG_ARRAY || spec.type() == MapType.PERF_EVENT_ARRAY) {
            throw new LoadException("kernel: map " + spec.name() + " is a " + spec.type()
                    + ", which is not mirrored into the kernel");
        }
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

    /** Creates {@code map} in the kernel and copies its elements; read-only data is frozen, as libbpf does. */
    static int create(BpfMap map) {
        MapSpec spec = map.spec();
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
     */
    public Result run(byte[] packet, int repeat) {
        try {
            byte[] data = type == ProgramType.SOCKET_FILTER ? behindEthernetHeader(packet) : packet;
            BpfSyscall.TestRun r = BpfSyscall.testRun(programFd, data, repeat);
            byte[] out = r.dataOut();
            if (type == ProgramType.SOCKET_FILTER && out.length >= ETH_HLEN) {
                // The kernel hands back the frame with the header it was sent behind.
                out = Arrays.copyOfRange(out, ETH_HLEN, out.length);
            }
            return new Result(Integer.toUnsignedLong(r.retval()), r.durationNanos(), out);
        } catch (SyscallException e) {
            throw new IllegalArgumentException("kernel: test run of " + name + " on a " + packet.length
                    + "-byte packet: " + e.getMessage());
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
     * ring buffers, queues, stacks and bloom filters are left as they are.
     */
    public void copyMapsBack() {
        for (int i = 0; i < maps.size(); i++) {
            BpfMap m = maps.get(i);
            MapSpec spec = m.spec();
            boolean sameCpus = !spec.type().isPerCpuArrayOrHash() || BpfSyscall.possibleCpus() == Cpus.count();
            if (!(m instanceof IterableMap it) || spec.type() == MapType.RINGBUF || !sameCpus) {
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

    @Override
    public void close() {
        readers.values().forEach(RingBufferReader::close);
        readers.clear();
        BpfSyscall.close(programFd);
        closeAll(mapFds);
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
