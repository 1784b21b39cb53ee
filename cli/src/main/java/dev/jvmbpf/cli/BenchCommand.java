package dev.jvmbpf.cli;

import dev.jvmbpf.Bpf;
import dev.jvmbpf.LoadedObject;
import dev.jvmbpf.Program;
import dev.jvmbpf.cli.internal.RunTimer;
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
import dev.jvmbpf.runtime.memory.BpfFault;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.verifier.VerifiedProgram;
import dev.jvmbpf.workloads.Workloads;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
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

    @Option(names = "--batches", defaultValue = "10", paramLabel = "N",
            description = "Batches the measuring time is split into; the median batch is reported (default: ${DEFAULT-VALUE}).")
    int batches;

    @Spec
    CommandSpec spec;

    /** One engine's line of the table: a timing, or why there is none. */
    private record Row(String engine, RunTimer.Timing timing, long r0, String note) {
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
            throw new IllegalArgumentException("--warmup-ms must be >= 0, --time-ms and --batches >= 1; got "
                    + warmupMs + ", " + timeMs + ", " + batches);
        }
        List<String> names = engineNames();
        if (workload == null) {
            return bench(out, file.getFileName().toString(), null, names);
        }
        if (input.programName != null || input.type != null || !input.ctx.isEmpty() || input.mem != null
                || input.packet != null || input.packetHex != null || !input.mapUpdates.isEmpty()) {
            throw new IllegalArgumentException("--workload programs take no input options (--program, --type, --ctx, --mem,"
                    + " --packet, --packet-hex, --map-update)");
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
        int status = 0;
        for (int i = 0; i < chosen.size(); i++) {
            Workloads.Workload w = chosen.get(i);
            if (i > 0) {
                out.println();
            }
            status = Math.max(status, bench(out, w.name(), new Bare(BpfProgram.raw(w.name(), w.code()),
                    w.usesMemory() ? Workloads.packet() : new byte[0]), names));
        }
        return status;
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

    private int bench(PrintWriter out, String title, Bare bare, List<String> names) {
        List<Row> rows = new ArrayList<>();
        long executed = -1;
        int instructions = -1;
        String fault = null;
        Bare kernelProgram = bare != null ? bare : bareFile();
        for (String name : names) {
            if (name.equals(KERNEL)) {
                rows.add(kernelProgram == null && bare == null && isObjectFile() ? kernelObjectRow() : kernelRow(kernelProgram));
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
            try {
                // One counted run first: it gives the instruction count and finds faults before timing.
                object.budget(Long.MAX_VALUE);
                long r0 = loaded.run(context);
                executed = loaded.lastRunInstructions();
                object.budget(0);
                RunTimer.Timing t = RunTimer.time(() -> loaded.run(context), TimeUnit.MILLISECONDS.toNanos(warmupMs),
                        TimeUnit.MILLISECONDS.toNanos(timeMs), batches);
                rows.add(new Row(name, t, r0, null));
            } catch (BpfFault f) {
                String where = f.pc() >= 0 && loaded.objectProgram() != null ? ", in " + loaded.describe(f.pc()) : "";
                fault = loaded.name() + " faulted on the " + name + ": " + f.getMessage() + where;
                break;
            }
        }
        if (fault != null) {
            out.flush();
            return Failure.report(spec, fault);
        }
        String memory = kernelProgram != null && kernelProgram.memory().length > 0
                ? ", " + kernelProgram.memory().length + " bytes of memory" : "";
        out.println(title + ": " + (instructions < 0 ? "" : instructions + " instructions, ")
                + (executed < 0 ? "" : String.format(Locale.ROOT, "%,d executed per run", executed)) + memory);
        out.println(String.format(Locale.ROOT, "%-12s %12s %12s %9s %10s", "engine", "ns/run", "best ns/run",
                "ns/insn", "speed-up"));
        RunTimer.Timing base = null;
        List<String> disagreements = new ArrayList<>();
        Row reference = null;
        for (Row row : rows) {
            if (row.timing() == null) {
                out.println(String.format(Locale.ROOT, "%-12s %s", row.engine(), row.note()));
                continue;
            }
            if (base == null) {
                base = row.timing();
            }
            if (reference == null) {
                reference = row;
            } else if (reference.r0() != row.r0()) {
                disagreements.add(row.engine() + " " + row.r0());
            }
            RunTimer.Timing t = row.timing();
            out.println(String.format(Locale.ROOT, "%-12s %,12.1f %,12.1f %9.3f %9.2fx%s", row.engine(), t.medianNanos(),
                    t.bestNanos(), executed > 0 ? t.medianNanos() / executed : Double.NaN,
                    base.medianNanos() / t.medianNanos(), row.note() == null ? "" : "  " + row.note()));
        }
        if (!disagreements.isEmpty()) {
            out.println("note: the first runs returned different values: " + reference.engine() + " " + reference.r0()
                    + ", " + String.join(", ", disagreements));
        }
        out.flush();
        return 0;
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
    private Row kernelObjectRow() {
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
            try (KernelObjectProgram k = KernelObjectProgram.load(fresh.program().bpfProgram())) {
                long r0 = k.run(packet, 1).r0();
                RunTimer.Timing t = RunTimer.timeBatches(n -> n * k.run(packet, n).meanNanos(),
                        TimeUnit.MILLISECONDS.toNanos(warmupMs), TimeUnit.MILLISECONDS.toNanos(timeMs), batches);
                return new Row(KERNEL, t, r0, "(" + KernelBpf.kernelDescription() + ")");
            } catch (LoadException | IllegalArgumentException e) {
                why = e.getMessage().startsWith("kernel: ") ? e.getMessage().substring("kernel: ".length())
                        : e.getMessage();
            }
        }
        if (asked) {
            throw new IllegalArgumentException("kernel: " + why);
        }
        return new Row(KERNEL, null, 0, "not run: " + why);
    }

    /** The kernel's line: timed with BPF_PROG_TEST_RUN, or why it was not run. */
    private Row kernelRow(Bare bare) {
        boolean asked = engines != null;
        KernelAvailability a = KernelBpf.availability();
        if (!a.available()) {
            if (asked) {
                throw new IllegalArgumentException(a.refusal());
            }
            return new Row(KERNEL, null, 0, "not run: " + a.reason());
        }
        if (bare == null) {
            String why = "not run: the kernel engine runs bare programs with --mem only (r1 = it, r2 = its length),"
                    + " not --ctx or --packet input";
            if (asked) {
                throw new IllegalArgumentException("kernel: " + why.substring("not run: ".length()));
            }
            return new Row(KERNEL, null, 0, why);
        }
        try (KernelEngine engine = new KernelEngine();
                KernelExecutable exe = engine.load(VerifiedProgram.unverified(bare.program()), HelperTable.empty())) {
            byte[] memory = bare.memory();
            long r0 = exe.run(memory, true, memory.length).r0();
            RunTimer.Timing t = RunTimer.timeBatches(n -> n * exe.timeRuns(memory, true, memory.length, n),
                    TimeUnit.MILLISECONDS.toNanos(warmupMs), TimeUnit.MILLISECONDS.toNanos(timeMs), batches);
            return new Row(KERNEL, t, r0, "(" + KernelBpf.kernelDescription() + ")");
        } catch (KernelRejectedException e) {
            return new Row(KERNEL, null, 0, "not run: the kernel verifier refused it: " + e.reason());
        }
    }
}
