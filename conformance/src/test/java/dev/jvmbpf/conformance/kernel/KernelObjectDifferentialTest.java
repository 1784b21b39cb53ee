package dev.jvmbpf.conformance.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.Bpf;
import dev.jvmbpf.LoadedObject;
import dev.jvmbpf.ObjectSpec;
import dev.jvmbpf.Program;
import dev.jvmbpf.TypedMap;
import dev.jvmbpf.helpers.context.ProgramContext;
import dev.jvmbpf.helpers.context.SkBuffContext;
import dev.jvmbpf.helpers.context.XdpContext;
import dev.jvmbpf.jit.JitEngine;
import dev.jvmbpf.kernel.KernelObjectProgram;
import dev.jvmbpf.kernel.testing.KernelRequired;
import dev.jvmbpf.runtime.exec.Engine;
import dev.jvmbpf.runtime.exec.LoadException;
import dev.jvmbpf.runtime.interp.Interpreter;
import dev.jvmbpf.runtime.maps.BpfMap;
import dev.jvmbpf.runtime.maps.Cpus;
import dev.jvmbpf.runtime.maps.IterableMap;
import dev.jvmbpf.runtime.maps.MapType;
import dev.jvmbpf.runtime.program.ProgramType;
import dev.jvmbpf.testing.SharedData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every XDP, tc and socket filter program of the clang-compiled fixtures and examples, on the
 * interpreter, the JIT and the running kernel, on the same packets from the same initial maps:
 * the same return values, and the same map contents afterwards; program arrays hold the same
 * programs on both sides, and perf event arrays have every CPU's slot open. Programs left out are
 * named.
 */
class KernelObjectDifferentialTest {
    private static final Path ROOT = Path.of(System.getProperty("jvmbpf.root", "..")).normalize();
    private static final HexFormat HEX = HexFormat.of();
    /** Every frame for XDP; skb test runs leave out the bare Ethernet header, which the kernel refuses. */
    private static final List<byte[]> PACKETS = Stream.concat(TestPackets.FRAMES.stream(),
            Stream.of(TestPackets.ETHERNET_ONLY)).toList();

    @BeforeAll
    static void kernelAvailable() {
        KernelRequired.assume("kernel object differential tests");
    }

    private static List<byte[]> packetsFor(ProgramType type) {
        return type == ProgramType.XDP ? PACKETS : TestPackets.FRAMES;
    }

    private record Case(Path file, String program) {
        @Override
        public String toString() {
            return file.getFileName() + ":" + program;
        }
    }

    private static List<Case> cases(List<String> excluded) {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> fixtures = Files.list(ROOT.resolve("runtime/src/test/resources/elf"));
                Stream<Path> examples = Files.list(ROOT.resolve("examples"))) {
            Stream.concat(fixtures, examples).filter(p -> p.toString().endsWith(".o")).sorted().forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return cases(files, null, excluded);
    }

    /** The packet programs of {@code files} ({@code only}: those of each file to take, null for all). */
    private static List<Case> cases(List<Path> files, Map<Path, List<String>> only, List<String> excluded) {
        List<Case> out = new ArrayList<>();
        for (Path f : files) {
            ObjectSpec spec;
            try {
                spec = Bpf.open(f);
            } catch (RuntimeException e) {
                // Fixtures of refusals (maps without BTF and the like).
                excluded.add(f.getFileName() + " (does not open: " + e.getMessage() + ")");
                continue;
            }
            for (Program p : spec.load().programs()) {
                String name = p.name();
                if (KernelObjectProgram.kernelType(p.type()) < 0 || only != null && !only.get(f).contains(name)) {
                    continue;
                }
                // huge.o's maps: the kernel allocates a hash table's buckets (2 GiB at 2^27
                // entries) and an array (16 GiB at 2^31) whole, on a machine others share.
                boolean huge = p.bpfProgram().maps().stream().anyMatch(m -> m.spec().maxEntriesUnsigned() > 1 << 20);
                if (huge) {
                    excluded.add(f.getFileName() + ":" + name + " (maps of more than 2^20 entries)");
                } else {
                    out.add(new Case(f, name));
                }
            }
        }
        return out;
    }

    /** r0 of each packet (low 32 bits: the kernel reports no more), then each map's elements. */
    private static List<String> onEngine(Case c, Engine engine) {
        LoadedObject o = Bpf.open(c.file()).engine(engine).onPrintk(line -> { }).load(c.program());
        // The kernel side has a perf event open on every CPU's slot, as a reader would.
        for (TypedMap m : o.maps()) {
            if (m.type() == MapType.PERF_EVENT_ARRAY) {
                o.onPerfEvent(m.name(), (slot, data) -> { });
            }
        }
        Program p = o.program(c.program());
        List<String> out = new ArrayList<>();
        for (byte[] packet : packetsFor(p.type())) {
            ProgramContext context = p.context().packet(packet).build();
            long r0 = p.run(context);
            byte[] after = context instanceof XdpContext x ? x.packet() : ((SkBuffContext) context).packet();
            out.add("r0 " + Integer.toUnsignedString((int) r0) + " packet " + HEX.formatHex(after));
        }
        for (BpfMap m : p.bpfProgram().maps()) {
            if (m instanceof IterableMap it && compared(m)) {
                Map<String, String> elements = new TreeMap<>();
                for (byte[] k = it.nextKey(null); k != null; k = it.nextKey(k)) {
                    elements.put(HEX.formatHex(k), shown(m, it.lookupValue(k)));
                }
                out.add(m.spec().name() + " " + elements);
            }
        }
        return out;
    }

    /** Maps whose elements both sides can list: not ring buffers, nor kernel-object maps (devmap, sockmap, ...). */
    private static boolean compared(BpfMap m) {
        return switch (m.spec().type()) {
            case HASH, ARRAY, PERCPU_HASH, PERCPU_ARRAY, LRU_HASH, LRU_PERCPU_HASH -> true;
            default -> false;
        };
    }

    /**
     * A value as compared: its bytes, or for a per-CPU map the sum over CPUs of each 8-byte word
     * (which CPU a run lands on differs between the kernel and the runtime; the totals do not).
     */
    private static String shown(BpfMap m, byte[] value) {
        MapType t = m.spec().type();
        if (t != MapType.PERCPU_ARRAY && t != MapType.PERCPU_HASH && t != MapType.LRU_PERCPU_HASH) {
            return HEX.formatHex(value);
        }
        int stride = Cpus.stride(m.spec().valueSize());
        ByteBuffer b = ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN);
        long[] sums = new long[stride / 8];
        for (int cpu = 0; cpu < value.length / stride; cpu++) {
            for (int w = 0; w < sums.length; w++) {
                sums[w] += b.getLong(cpu * stride + 8 * w);
            }
        }
        return "per-CPU sums " + Arrays.toString(sums);
    }

    private static List<String> onKernel(Case c) {
        Program p = Bpf.open(c.file()).load(c.program()).program(c.program());
        List<String> out = new ArrayList<>();
        try (KernelObjectProgram k = KernelObjectProgram.load(p.bpfProgram())) {
            for (byte[] packet : packetsFor(p.type())) {
                KernelObjectProgram.Result r = k.run(packet, 1);
                out.add("r0 " + r.r0() + " packet " + HEX.formatHex(r.packet()));
            }
            for (BpfMap m : p.bpfProgram().maps()) {
                if (m instanceof IterableMap && compared(m)) {
                    Map<String, String> elements = new TreeMap<>();
                    k.elements(m.spec().name()).forEach((key, v) -> elements.put(key, shown(m, v)));
                    out.add(m.spec().name() + " " + elements);
                }
            }
        }
        return out;
    }

    @Test
    void everyPacketProgramAgreesWithTheKernel() {
        List<String> excluded = new ArrayList<>();
        List<Case> cases = cases(excluded);
        System.out.println("kernel object differential: " + cases.size() + " programs " + cases
                + "; left out: " + excluded);
        assertTrue(cases.size() >= 8, "programs found: " + cases);
        Comparison c = compare(cases, false);
        System.out.println("kernel object differential: " + c.compared() + " compared; the kernel refused "
                + c.refused() + "; return values only (they read stack they did not write): " + c.r0Only());
        assertEquals(List.of(), c.refused(), "the kernel must load every program");
        assertTrue(c.compared() >= 29, "compared only " + c.compared());
        assertEquals(List.of(), c.mismatches());
    }

    /** What comparing programs with the kernel found. */
    private record Comparison(int compared, List<String> refused, List<String> r0Only, List<String> randomR0,
            List<String> mismatches) {
    }

    /**
     * Runs each case on the kernel, the interpreter and the JIT and compares their accounts. A
     * program that reads stack it never wrote has only its return values compared (it may store
     * whatever the kernel's stack held; the engines give zeros); with {@code packetsOnlyWhenRandom},
     * one whose r0 may come from a random number or the clock has only its packets and maps compared.
     */
    private static Comparison compare(List<Case> cases, boolean packetsOnlyWhenRandom) {
        List<String> refused = new ArrayList<>();
        List<String> r0Only = new ArrayList<>();
        List<String> randomR0 = new ArrayList<>();
        List<String> mismatches = new ArrayList<>();
        int compared = 0;
        for (Case c : cases) {
            List<String> kernel;
            try {
                kernel = onKernel(c);
            } catch (RuntimeException e) {
                refused.add(c + ": " + e.getMessage());
                continue;
            }
            compared++;
            Program loaded = Bpf.open(c.file()).load(c.program()).program(c.program());
            boolean undefinedBytes = loaded.verified().readsUnwrittenStack();
            if (undefinedBytes) {
                r0Only.add(c.toString());
            }
            boolean random = packetsOnlyWhenRandom && Arrays.stream(loaded.bpfProgram().instructionsView())
                    .anyMatch(i -> i.opcode() == 0x85 && i.src() == 0 && NONDETERMINISTIC.contains(i.imm()));
            if (random) {
                randomR0.add(c.toString());
            }
            List<String> want = comparable(kernel, undefinedBytes, random);
            for (Engine e : List.of(new Interpreter(), new JitEngine())) {
                List<String> engine = comparable(onEngine(c, e), undefinedBytes, random);
                if (!engine.equals(want)) {
                    mismatches.add(c + " on the " + e.name() + ": " + firstDifference(engine, want));
                }
            }
        }
        return new Comparison(compared, refused, r0Only, randomR0, mismatches);
    }

    /** The first line where the engine's account differs from the kernel's, both sides. */
    private static String firstDifference(List<String> engine, List<String> kernel) {
        for (int i = 0; i < Math.max(engine.size(), kernel.size()); i++) {
            String a = i < engine.size() ? engine.get(i) : "(nothing)";
            String b = i < kernel.size() ? kernel.get(i) : "(nothing)";
            if (!a.equals(b)) {
                return a + " vs the kernel's " + b;
            }
        }
        return "(equal)";
    }

    /** ktime_get_ns, get_prandom_u32, jiffies64, ktime_get_boot_ns, ktime_get_coarse_ns, ktime_get_tai_ns. */
    private static final Set<Integer> NONDETERMINISTIC = Set.of(5, 7, 118, 125, 160, 208);

    /** What of a run's account is compared: without map contents after reads of unwritten stack, without r0 when random. */
    private static List<String> comparable(List<String> lines, boolean undefinedBytes, boolean random) {
        List<String> out = undefinedBytes ? returnValues(lines) : lines;
        return random ? out.stream().map(l -> l.startsWith("r0 ") ? l.substring(l.indexOf(" packet ") + 1) : l).toList()
                : out;
    }

    private static List<String> returnValues(List<String> lines) {
        return lines.stream().filter(l -> l.startsWith("r0 ")).toList();
    }

    /**
     * The XDP, tc and socket filter programs of the real-world corpus that the kernel accepts (see
     * ../shared/corpora/realworld/kernel-verdicts.tsv), compared as the fixtures are.
     */
    @Test
    void realWorldPacketProgramsAgreeWithTheKernel() throws IOException {
        Path corpus = SharedData.CORPORA.require("realworld");
        Map<Path, List<String>> accepted = new TreeMap<>();
        for (String line : Files.readAllLines(corpus.resolve("kernel-verdicts.tsv"))) {
            String[] f = line.split("\t", -1);
            if (f.length >= 3 && f[2].equals("accept")) {
                accepted.computeIfAbsent(corpus.resolve(f[0]), k -> new ArrayList<>()).add(f[1]);
            }
        }
        List<String> excluded = new ArrayList<>();
        List<Case> cases = cases(new ArrayList<>(accepted.keySet()), accepted, excluded);
        Comparison c = compare(cases, true);
        System.out.println("real-world kernel differential: " + cases.size() + " packet programs the kernel accepts, "
                + c.compared() + " compared with the kernel, " + c.mismatches().size() + " differ; packets only (r0"
                + " from prandom or the clock): " + c.randomR0() + "; not mirrored into the kernel: " + c.refused()
                + "; left out: " + excluded);
        c.mismatches().forEach(m -> System.out.println("  differs: " + m));
        assertEquals(List.of(), c.mismatches());
    }

    @Test
    void xdpTcAndSocketProgramsAreAmongThem() {
        List<Case> cases = cases(new ArrayList<>());
        for (ProgramType t : List.of(ProgramType.XDP, ProgramType.SCHED_CLS, ProgramType.SCHED_ACT,
                ProgramType.SOCKET_FILTER)) {
            boolean found = cases.stream().anyMatch(c -> Bpf.open(c.file()).program(c.program()).type() == t);
            assertTrue(found, "no " + t + " program among " + cases);
        }
    }
}
