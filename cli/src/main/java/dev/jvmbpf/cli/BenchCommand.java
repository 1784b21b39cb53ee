package dev.jvmbpf.cli;

import dev.jvmbpf.Bpf;
import dev.jvmbpf.LoadedObject;
import dev.jvmbpf.Program;
import dev.jvmbpf.TypedMap;
import dev.jvmbpf.cli.internal.BenchChart;
import dev.jvmbpf.cli.internal.Json;
import dev.jvmbpf.cli.internal.Machine;
import dev.jvmbpf.cli.internal.Progress;
import dev.jvmbpf.cli.internal.RunTimer;
import dev.jvmbpf.cli.internal.Summary;
import dev.jvmbpf.helpers.context.ProgramContext;
import dev.jvmbpf.jit.JitEngine;
import dev.jvmbpf.kernel.KernelAvailability;
import dev.jvmbpf.kernel.KernelBpf;
import dev.jvmbpf.kernel.KernelEngine;
import dev.jvmbpf.kernel.KernelExecutable;
import dev.jvmbpf.kernel.KernelObjectProgram;
import dev.jvmbpf.kernel.KernelRejectedException;
import dev.jvmbpf.runtime.exec.Engine;
import dev.jvmbpf.runtime.exec.HelperTable;
import dev.jvmbpf.runtime.exec.LoadException;
import dev.jvmbpf.runtime.interp.Interpreter;
import dev.jvmbpf.runtime.maps.MapType;
import dev.jvmbpf.runtime.memory.BpfFault;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.verifier.VerifiedProgram;
import dev.jvmbpf.workloads.Workloads;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.IntToLongFunction;
import java.util.function.LongSupplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code jvmbpf bench PROG | --workload NAME}: the same program, run again and again on each
 * engine, timed per run. The kernel is timed by its own test-run clock, as {@code bpftool prog
 * run ... repeat N} reports it.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Times one program on each engine: runs it repeatedly after a warm-up and prints the median"
            + " time per run, the time per executed instruction and the speed-up over the first engine.",
            "PROG is what 'jvmbpf run' takes, with the same input options; --workload runs a built-in"
            + " benchmark program instead (" + BenchCommand.WORKLOAD_NAMES + ", or all).",
            "The kernel (bpf(2), BPF_PROG_TEST_RUN) times bare programs (raw, hex, assembly or .data, with"
            + " --mem), the workloads, and the XDP, socket filter and tc programs of object files on --packet:"
            + " their maps are created in the kernel and filled as --map-update and global data set them.",
            "Exits with 0 after the table, 1 when an argument is wrong or the program faults or is refused."})
final class BenchCommand implements Callable<Integer> {
    static final String WORKLOAD_NAMES = "compute-loop, compute-lanes, siphash, memory-loop, memory-index, fnv-hash";
    private static final String KERNEL = "kernel";

    @Parameters(paramLabel = "PROG", arity = "0..1", description = "object file (.o), or raw/hex/assembly/.data program")
    Path file;

    @Option(names = "--workload", paramLabel = "NAME",
            description = "A built-in workload instead of PROG: " + WORKLOAD_NAMES + ", or all.")
    String workload;

    @Mixin
    ProgramOptions input;

    @Option(names = "--engines", paramLabel = "A,B,...",
            description = "Engines to time, the first being the baseline (default: interpreter,jit and, for bare"
                + " programs where bpf(2) works, kernel).")
    String engines;

    @Option(names = "--warmup-ms", defaultValue = "1000", paramLabel = "MS",
            description = "Warm-up per engine before measuring (default: ${DEFAULT-VALUE}).")
    long warmupMs;

    @Option(names = "--time-ms", defaultValue = "2000", paramLabel = "MS",
            description = "Measuring time per engine (default: ${DEFAULT-VALUE}).")
    long timeMs;

    @Option(names = {"--rounds", "--batches"}, defaultValue = "10", paramLabel = "N",
            description = "Rounds the measuring time is split into; each round times one batch of every engine, in"
                + " turn, so that the machine's ups and downs reach all of them alike (default: ${DEFAULT-VALUE}).")
    int batches;

    @Option(names = "--clock", defaultValue = "cpu", paramLabel = "cpu|wall",
            description = "What times the JVM engines' batches: the measuring thread's CPU time (default: waiting for a"
                + " core on a busy machine is left out, as the kernel's test-run clock leaves it out) or the wall clock.")
    String clock;

    @Option(names = {"-j", "--json"}, description = "Print the results as one JSON object instead of the table.")
    boolean json;

    @Option(names = "--csv", description = "Print the results as CSV, one line per engine and program, instead of the table.")
    boolean csv;

    @Option(names = "--chart", paramLabel = "FILE.svg",
            description = "Also write an SVG chart: the engines side by side for each program, median and p10 to p90.")
    Path chart;

    @Spec
    CommandSpec spec;

    /** The clock the JVM engines' batches are timed with, and its name for the reports. */
    private LongSupplier timer = System::nanoTime;
    private String clockUsed = "wall clock";

    /**
     * One engine in a benchmark: a runner ({@code n} runs, their time in nanoseconds) with the
     * result of a first run, or why the engine does not run ({@code runs} null). {@code resource}
     * is closed when the benchmark is done.
     */
    private static final class Contestant {
        final String engine;
        final IntToLongFunction runs;
        final long r0;
        final String note;
        final AutoCloseable resource;
        final List<Double> samples = new ArrayList<>();
        int batch;

        Contestant(String engine, IntToLongFunction runs, long r0, String note, AutoCloseable resource) {
            this.engine = engine;
            this.runs = runs;
            this.r0 = r0;
            this.note = note;
            this.resource = resource;
        }

        static Contestant notRun(String engine, String why) {
            return new Contestant(engine, null, 0, why, null);
        }
    }

    /** One engine's result: its summary (null when it did not run) and speed-up over the first engine. */
    private record Entry(String engine, Summary summary, long r0, String note, double speedup) {
    }

    /** One program's (or workload's) results. */
    private record Result(String title, int instructions, long executed, int memory, List<Entry> entries,
            List<String> disagreements) {
    }

    /** A bare program and its memory: what every engine, the kernel included, can run. */
    private record Bare(BpfProgram program, byte[] memory) {
    }

    @Override
    public Integer call() {
        return Failure.guarded(spec, () -> execute(spec.commandLine().getOut()));
    }

    private int execute(PrintWriter out) {
        if ((file == null) == (workload == null)) {
            throw new IllegalArgumentException("give a program file or --workload NAME, one of the two");
        }
        if (warmupMs < 0 || timeMs < 1 || batches < 1) {
            throw new IllegalArgumentException("--warmup-ms must be >= 0, --time-ms and --rounds (--batches) >= 1; got "
                    + warmupMs + ", " + timeMs + ", " + batches);
        }
        if (json && csv) {
            throw new UsageError("--json and --csv both choose the output; give one");
        }
        if (!clock.equals("cpu") && !clock.equals("wall")) {
            throw new UsageError("unknown --clock '" + clock + "' (cpu, wall)");
        }
        LongSupplier cpu = clock.equals("cpu") ? RunTimer.threadCpuClock() : null;
        timer = cpu != null ? cpu : System::nanoTime;
        clockUsed = cpu != null ? "thread CPU time" : "wall clock";
        List<String> names = engineNames();
        Machine machine = Machine.current();
        Progress progress = Progress.to(spec.commandLine().getErr(), Progress.stderrIsTerminal());
        List<Result> results = new ArrayList<>();
        if (workload == null) {
            Result r = bench(file.getFileName().toString(), null, names, progress);
            if (r == null) {
                return Failure.EXIT;
            }
            results.add(r);
            if (!json && !csv) {
                table(out, r);
            }
        } else {
            if (input.programName != null || input.type != null || !input.ctx.isEmpty() || input.mem != null
                    || input.packet != null || input.packetHex != null || !input.mapUpdates.isEmpty()) {
                throw new IllegalArgumentException("--workload programs take no input options (--program, --type, --ctx,"
                        + " --mem, --packet, --packet-hex, --map-update)");
            }
            List<Workloads.Workload> chosen = new ArrayList<>();
            if (workload.equals("all")) {
                chosen.addAll(Workloads.all());
            } else {
                Workloads.Workload w = Workloads.named(workload);
                if (w == null) {
                    throw new UsageError("unknown workload '" + workload + "' (" + WORKLOAD_NAMES + ", all)");
                }
                chosen.add(w);
            }
            for (Workloads.Workload w : chosen) {
                Result r = bench(w.name(), new Bare(BpfProgram.raw(w.name(), w.code()),
                        w.usesMemory() ? Workloads.packet() : new byte[0]), names, progress);
                if (r == null) {
                    return Failure.EXIT;
                }
                if (!json && !csv) {
                    if (!results.isEmpty()) {
                        out.println();
                    }
                    table(out, r);
                }
                results.add(r);
            }
        }
        if (json) {
            out.println(Json.pretty(json(results, machine)));
        } else if (csv) {
            csv(out, results);
        } else {
            out.println("machine: " + machine.describe());
        }
        out.flush();
        if (chart != null) {
            writeChart(results, machine);
        }
        return 0;
    }

    private List<String> engineNames() {
        if (engines == null) {
            return List.of(Interpreter.NAME, JitEngine.NAME, KERNEL);
        }
        Set<String> names = new LinkedHashSet<>();
        for (String n : engines.split(",", -1)) {
            String name = n.strip();
            if (!name.equals(Interpreter.NAME) && !name.equals(JitEngine.NAME) && !name.equals(KERNEL)) {
                throw new UsageError("unknown engine '" + name + "' for bench (interpreter, jit, kernel)");
            }
            if (!names.add(name)) {
                throw new UsageError("engine " + name + " is named twice in --engines " + engines);
            }
        }
        return List.copyOf(names);
    }

    /**
     * Times one program on every engine: each is loaded and run once (its result, its instruction
     * count, a fault before any timing), warmed up, and then the engines take turns, one batch
     * each per round, the order rotating from round to round. Returns null after reporting a fault.
     */
    private Result bench(String title, Bare bare, List<String> names, Progress progress) {
        List<Contestant> contestants = new ArrayList<>();
        long executed = -1;
        int instructions = -1;
        Bare kernelProgram = bare != null ? bare : bareFile();
        try {
            for (String name : names) {
                if (name.equals(KERNEL)) {
                    contestants.add(kernelProgram == null && bare == null && isObjectFile() ? kernelObjectRow()
                            : kernelRow(kernelProgram));
                    continue;
                }
                Engine engine = Bpf.engine(name);
                ProgramOptions.Prepared prepared = bare != null ? standalone(bare, engine)
                        : input.prepare(file, engine, 0, objectSpec -> objectSpec.onPrintk(line -> { }),
                                spec.commandLine().getErr());
                Program loaded = prepared.program();
                ProgramContext context = prepared.context().build();
                instructions = loaded.bpfProgram().instructionsView().length;
                LoadedObject object = prepared.object();
                // Every CPU's perf event slot has a reader, as in the kernel's line and in run:
                // bpf_perf_event_output then succeeds and costs its copy on every engine.
                for (TypedMap m : object.maps()) {
                    if (m.type() == MapType.PERF_EVENT_ARRAY) {
                        object.onPerfEvent(m.name(), (slot, data) -> { });
                    }
                }
                try {
                    // One counted run first: it gives the instruction count and finds faults before timing.
                    object.budget(Long.MAX_VALUE);
                    long r0 = loaded.run(context);
                    executed = loaded.lastRunInstructions();
                    object.budget(0);
                    contestants.add(new Contestant(name, RunTimer.runner(() -> loaded.run(context), timer), r0, null, object));
                } catch (BpfFault f) {
                    object.close();
                    String where = f.pc() >= 0 && loaded.objectProgram() != null ? ", in " + loaded.describe(f.pc()) : "";
                    spec.commandLine().getOut().flush();
                    Failure.report(spec, loaded.name() + " faulted on the " + name + ": " + f.getMessage() + where);
                    return null;
                }
            }
            measure(title, contestants, progress);
        } finally {
            progress.clear();
            for (Contestant c : contestants) {
                if (c.resource != null) {
                    try {
                        c.resource.close();
                    } catch (Exception e) {
                        // a benchmark's engine that cannot be closed changes none of its figures
                    }
                }
            }
        }
        int memory = kernelProgram != null ? kernelProgram.memory().length : 0;
        List<Entry> entries = new ArrayList<>();
        List<String> disagreements = new ArrayList<>();
        Summary base = null;
        Contestant reference = null;
        for (Contestant c : contestants) {
            if (c.runs == null) {
                entries.add(new Entry(c.engine, null, 0, c.note, Double.NaN));
                continue;
            }
            Summary summary = Summary.of(c.samples.stream().mapToDouble(Double::doubleValue).toArray());
            if (base == null) {
                base = summary;
            }
            if (reference == null) {
                reference = c;
            } else if (reference.r0 != c.r0) {
                disagreements.add(c.engine + " " + c.r0);
            }
            entries.add(new Entry(c.engine, summary, c.r0, c.note, base.median() / summary.median()));
        }
        if (!disagreements.isEmpty()) {
            disagreements.addFirst(reference.engine + " " + reference.r0);
        }
        return new Result(title, instructions, executed, memory, entries, disagreements);
    }

    private void measure(String title, List<Contestant> contestants, Progress progress) {
        List<Contestant> running = contestants.stream().filter(c -> c.runs != null).toList();
        long batchNanos = Math.max(1, TimeUnit.MILLISECONDS.toNanos(timeMs) / batches);
        for (int i = 0; i < running.size(); i++) {
            Contestant c = running.get(i);
            progress.show("bench " + title + ": warming up " + c.engine + " (" + (i + 1) + " of " + running.size() + ")");
            c.batch = RunTimer.calibrate(c.runs, TimeUnit.MILLISECONDS.toNanos(warmupMs), batchNanos);
        }
        int[] sizes = running.stream().mapToInt(c -> c.batch).toArray();
        double[][] samples = RunTimer.interleave(running.stream().map(c -> c.runs).toList(), sizes, batches,
                round -> progress.show("bench " + title + ": round " + (round + 1) + " of " + batches));
        for (int i = 0; i < running.size(); i++) {
            for (double v : samples[i]) {
                running.get(i).samples.add(v);
            }
        }
    }

    private void table(PrintWriter out, Result r) {
        String memory = r.memory() > 0 ? ", " + r.memory() + " bytes of memory" : "";
        out.println(r.title() + ": " + (r.instructions() < 0 ? "" : r.instructions() + " instructions, ")
                + (r.executed() < 0 ? "" : String.format(Locale.ROOT, "%,d executed per run", r.executed())) + memory
                + "; " + batches + " rounds, engines interleaved, timed by " + clockUsed);
        out.println(String.format(Locale.ROOT, "%-12s %12s %12s %12s %12s %25s %9s %9s", "engine", "median ns/run",
                "min", "p10", "p90", "95% CI of the median", "ns/insn", "speed-up"));
        List<String> warnings = new ArrayList<>();
        for (Entry e : r.entries()) {
            if (e.summary() == null) {
                out.println(String.format(Locale.ROOT, "%-12s %s", e.engine(), e.note()));
                continue;
            }
            Summary m = e.summary();
            out.println(String.format(Locale.ROOT, "%-12s %,12.1f %,12.1f %,12.1f %,12.1f %25s %9.3f %8.2fx%s", e.engine(),
                    m.median(), m.min(), m.p10(), m.p90(), String.format(Locale.ROOT, "%,.1f .. %,.1f", m.ciLow(),
                            m.ciHigh()), r.executed() > 0 ? m.median() / r.executed() : Double.NaN, e.speedup(),
                    e.note() == null ? "" : "  " + e.note()));
            if (m.wide()) {
                warnings.add(String.format(Locale.ROOT, "warning: %s: p10 to p90 spans %.0f%% of the median; the machine"
                        + " is busy or the runs differ (more --rounds, a longer --time-ms or a quieter machine steady it)",
                        e.engine(), 100 * m.relativeSpread()));
            }
        }
        for (String w : warnings) {
            out.println(w);
        }
        if (!r.disagreements().isEmpty()) {
            out.println("note: the first runs returned different values: " + String.join(", ", r.disagreements()));
        }
    }

    private Map<String, Object> json(List<Result> results, Machine machine) {
        Map<String, Object> root = Json.object();
        Map<String, Object> m = Json.object();
        m.put("cpu", machine.cpu());
        m.put("cores", machine.cores());
        m.put("os", machine.os());
        m.put("jdk", machine.jdk());
        m.put("load_average", machine.loadAverage() >= 0 ? machine.loadAverage() : null);
        m.put("date", machine.date());
        root.put("machine", m);
        root.put("rounds", batches);
        root.put("clock", clockUsed.equals("wall clock") ? "wall" : "cpu");
        root.put("warmup_ms", warmupMs);
        root.put("time_ms", timeMs);
        List<Object> programs = Json.array();
        for (Result r : results) {
            Map<String, Object> p = Json.object();
            p.put("name", r.title());
            p.put("instructions", r.instructions() < 0 ? null : r.instructions());
            p.put("executed_per_run", r.executed() < 0 ? null : r.executed());
            p.put("memory_bytes", r.memory());
            List<Object> engines = Json.array();
            for (Entry e : r.entries()) {
                Map<String, Object> o = Json.object();
                o.put("engine", e.engine());
                Summary s = e.summary();
                o.put("ran", s != null);
                o.put("note", e.note());
                o.put("r0", s == null ? null : Json.unsigned(e.r0()));
                o.put("median_ns", s == null ? null : s.median());
                o.put("min_ns", s == null ? null : s.min());
                o.put("p10_ns", s == null ? null : s.p10());
                o.put("p90_ns", s == null ? null : s.p90());
                o.put("max_ns", s == null ? null : s.max());
                o.put("mean_ns", s == null ? null : s.mean());
                o.put("ci_low_ns", s == null ? null : s.ciLow());
                o.put("ci_high_ns", s == null ? null : s.ciHigh());
                o.put("ci_confidence", s == null ? null : s.confidence());
                o.put("ns_per_insn", s == null || r.executed() <= 0 ? null : s.median() / r.executed());
                o.put("speedup", s == null ? null : e.speedup());
                o.put("wide_spread", s != null && s.wide());
                engines.add(o);
            }
            p.put("engines", engines);
            p.put("results_differ", !r.disagreements().isEmpty());
            programs.add(p);
        }
        root.put("programs", programs);
        return root;
    }

    private static final String CSV_HEADER = "program,engine,median_ns,min_ns,p10_ns,p90_ns,max_ns,mean_ns,ci_low_ns,"
            + "ci_high_ns,ns_per_insn,speedup,rounds,note";

    private void csv(PrintWriter out, List<Result> results) {
        out.println(CSV_HEADER);
        for (Result r : results) {
            for (Entry e : r.entries()) {
                Summary s = e.summary();
                List<String> cells = new ArrayList<>(List.of(csvCell(r.title()), csvCell(e.engine())));
                if (s == null) {
                    cells.addAll(List.of("", "", "", "", "", "", "", "", "", "", ""));
                } else {
                    for (double v : new double[] {s.median(), s.min(), s.p10(), s.p90(), s.max(), s.mean(), s.ciLow(),
                        s.ciHigh()}) {
                        cells.add(String.format(Locale.ROOT, "%.1f", v));
                    }
                    cells.add(r.executed() > 0 ? String.format(Locale.ROOT, "%.4f", s.median() / r.executed()) : "");
                    cells.add(String.format(Locale.ROOT, "%.3f", e.speedup()));
                    cells.add(Integer.toString(s.samples()));
                }
                cells.add(csvCell(e.note() == null ? "" : e.note()));
                out.println(String.join(",", cells));
            }
        }
    }

    /** RFC 4180: a cell with a comma, quote or line break is quoted, its quotes doubled. */
    static String csvCell(String text) {
        if (text.indexOf(',') < 0 && text.indexOf('"') < 0 && text.indexOf('\n') < 0 && text.indexOf('\r') < 0) {
            return text;
        }
        return '"' + text.replace("\"", "\"\"") + '"';
    }

    private void writeChart(List<Result> results, Machine machine) {
        List<BenchChart.Group> groups = new ArrayList<>();
        for (Result r : results) {
            groups.add(new BenchChart.Group(r.title(), r.entries().stream()
                    .map(e -> new BenchChart.Bar(e.engine(), e.summary(), e.note())).toList()));
        }
        String subtitle = batches + " rounds of " + BenchChart.duration(TimeUnit.MILLISECONDS.toNanos(timeMs) / (double) batches)
                .replace(" ", "\u00a0") + " per engine, interleaved; JVM engines timed by " + clockUsed
                + ", kernel by its test-run clock";
        try {
            Files.writeString(chart, BenchChart.svg(groups, subtitle, "measured on " + machine.describe()));
        } catch (IOException e) {
            throw new IllegalArgumentException(chart + ": cannot write the chart: " + Failure.reason(e), e);
        }
    }

    /**
     * The program file as the kernel engine can run it: a bare program with its --mem, or null for
     * an object file or input only a context can carry (--ctx, --packet).
     */
    private Bare bareFile() {
        if (ProgramOptions.isElf(ProgramOptions.read(file, "program")) || !input.ctx.isEmpty() || input.packet != null || input.packetHex != null) {
            return null;
        }
        return new Bare(BpfProgram.raw(file.getFileName().toString(), ProgramFiles.instructions(file)),
                input.mem == null ? new byte[0] : ProgramOptions.read(input.mem, "memory"));
    }

    private static ProgramOptions.Prepared standalone(Bare bare, Engine engine) {
        LoadedObject object = Bpf.of(bare.program()).engine(engine).budget(0).onPrintk(line -> { }).load();
        Program loaded = object.program();
        return new ProgramOptions.Prepared(object, loaded, loaded.context().memory(bare.memory().clone()), false);
    }

    private boolean isObjectFile() {
        return ProgramOptions.isElf(ProgramOptions.read(file, "program"));
    }

    /**
     * The kernel's line for a program of an object file: loaded with its maps mirrored (the
     * elements --map-update set, global data) and timed with BPF_PROG_TEST_RUN on the packet.
     */
    private Contestant kernelObjectRow() {
        boolean asked = engines != null;
        KernelAvailability a = KernelBpf.availability();
        String why = null;
        if (!a.available()) {
            why = a.reason();
        } else {
            why = input.kernelRefusal();
        }
        if (why == null) {
            // A runtime of its own: the maps as the options set them, before any engine's runs.
            ProgramOptions.Prepared fresh = input.prepare(file, Bpf.interpreter(), 0,
                    objectSpec -> objectSpec.onPrintk(line -> { }), new PrintWriter(Writer.nullWriter()));
            byte[] packet = input.packetBytes();
            KernelObjectProgram k = null;
            try {
                k = KernelObjectProgram.load(fresh.program().bpfProgram());
                KernelObjectProgram loaded = k;
                long r0 = input.onCpu(() -> loaded.run(packet, 1)).r0();
                loaded.drainPerfEvents(sample -> { });
                // Each batch's samples are dropped after it, outside the kernel's clock; within one
                // batch a perf ring holds what it holds, then the kernel's output returns -ENOSPC.
                return new Contestant(KERNEL, n -> {
                    long nanos = n * input.onCpu(() -> loaded.run(packet, n)).meanNanos();
                    loaded.drainPerfEvents(sample -> { });
                    return nanos;
                }, r0,
                        "(" + KernelBpf.kernelDescription() + ")", () -> {
                            loaded.close();
                            fresh.object().close();
                        });
            } catch (LoadException | IllegalArgumentException e) {
                if (k != null) {
                    k.close();
                }
                fresh.object().close();
                why = e.getMessage().startsWith("kernel: ") ? e.getMessage().substring("kernel: ".length())
                        : e.getMessage();
            }
        }
        if (asked) {
            throw new IllegalArgumentException("kernel: " + why);
        }
        return Contestant.notRun(KERNEL, "not run: " + why);
    }

    /** The kernel's line: timed with BPF_PROG_TEST_RUN, or why it was not run. */
    private Contestant kernelRow(Bare bare) {
        boolean asked = engines != null;
        KernelAvailability a = KernelBpf.availability();
        if (!a.available()) {
            if (asked) {
                throw new IllegalArgumentException(a.refusal());
            }
            return Contestant.notRun(KERNEL, "not run: " + a.reason());
        }
        if (bare == null) {
            String why = "not run: the kernel engine runs bare programs with --mem only (r1 = it, r2 = its length),"
                    + " not --ctx or --packet input";
            if (asked) {
                throw new IllegalArgumentException("kernel: " + why.substring("not run: ".length()));
            }
            return Contestant.notRun(KERNEL, why);
        }
        KernelEngine engine = new KernelEngine();
        try {
            KernelExecutable exe = engine.load(VerifiedProgram.unverified(bare.program()), HelperTable.empty());
            byte[] memory = bare.memory();
            long r0 = exe.run(memory, true, memory.length).r0();
            return new Contestant(KERNEL, n -> n * exe.timeRuns(memory, true, memory.length, n), r0,
                    "(" + KernelBpf.kernelDescription() + ")", () -> {
                        exe.close();
                        engine.close();
                    });
        } catch (KernelRejectedException e) {
            engine.close();
            return Contestant.notRun(KERNEL, "not run: the kernel verifier refused it: " + e.reason());
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
    }
}
