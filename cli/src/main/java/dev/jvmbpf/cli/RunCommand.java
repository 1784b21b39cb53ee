package dev.jvmbpf.cli;

import dev.jvmbpf.Bpf;
import dev.jvmbpf.ContextBuilder;
import dev.jvmbpf.LoadedObject;
import dev.jvmbpf.Program;
import dev.jvmbpf.TypedMap;
import dev.jvmbpf.cli.internal.RunReport;
import dev.jvmbpf.helpers.StandardHelpers;
import dev.jvmbpf.jit.JitEngine;
import dev.jvmbpf.kernel.KernelAvailability;
import dev.jvmbpf.kernel.KernelBpf;
import dev.jvmbpf.kernel.KernelEngine;
import dev.jvmbpf.kernel.KernelObjectProgram;
import dev.jvmbpf.runtime.exec.Engine;
import dev.jvmbpf.runtime.exec.LoadException;
import dev.jvmbpf.runtime.interp.Interpreter;
import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.isa.Opcodes;
import dev.jvmbpf.runtime.maps.MapType;
import dev.jvmbpf.runtime.memory.BpfFault;
import dev.jvmbpf.helpers.context.ProgramContext;
import dev.jvmbpf.runtime.program.ProgramType;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jvmbpf run PROG [options]}: loads one program, runs it, prints what it printed and its return value. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Verifies and runs one BPF program. Prints its bpf_printk lines and ring-buffer records as they"
            + " come, then 'return value: N'.",
            "PROG is a clang-compiled object (.o), or raw bytes, hex text, assembly (.s/.asm) or a .data vector"
            + " (a raw program: r1 = --mem, r2 = its length).",
            "Exits with 0 after the runs, 1 when an argument is wrong, the verifier refuses the program or it faults."})
final class RunCommand implements Callable<Integer> {
    /** The default instruction budget of one run: stops runaway loops within seconds. */
    static final long DEFAULT_BUDGET = 100_000_000L;

    @Parameters(paramLabel = "PROG", description = "object file (.o), or raw/hex/assembly/.data program")
    Path file;

    @Mixin
    ProgramOptions input;

    @Option(names = "--engine", defaultValue = JitEngine.NAME, paramLabel = "NAME",
            description = "interpreter, jit or kernel (default: ${DEFAULT-VALUE}). The kernel runs bare programs"
                    + " (r1 = --mem) and the XDP, socket filter and tc programs of object files on --packet, with"
                    + " their maps created in the kernel.")
    String engineName;

    @Option(names = "--repeat", defaultValue = "1", paramLabel = "N", description = "Runs N times on the same maps.")
    long repeat;

    @Option(names = "--trace-pipe", description = "Prints printk lines in the kernel's trace_pipe format.")
    boolean tracePipe;

    @Option(names = "--dump-maps", description = "After the runs, prints every map's entries (typed by BTF when known).")
    boolean dumpMaps;

    @Option(names = "--all", description = "With --dump-maps: arrays' all-zero entries too (left out by default).")
    boolean allEntries;

    @Option(names = "--data-out", paramLabel = "FILE",
            description = "Writes the packet (raw programs: the memory) as the last run left it, as bpftool's data_out.")
    Path dataOut;

    @Option(names = "--ctx-out", paramLabel = "FILE",
            description = "Writes the context as the last run left it (xdp_md, __sk_buff, the tracepoint record),"
                + " as bpftool's ctx_out.")
    Path ctxOut;

    @Option(names = {"-j", "--json"}, description = "Prints one JSON object instead of text (schema in the README).")
    boolean json;

    @Option(names = "--pretty", description = "With --json: indented JSON (bpftool's -p; here -p is --program).")
    boolean pretty;

    @Option(names = "--budget", defaultValue = "" + DEFAULT_BUDGET, paramLabel = "N",
            description = "Instructions one run may execute (0: unlimited; default: ${DEFAULT-VALUE}).")
    long budget;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return Failure.guarded(spec, () -> execute(spec.commandLine().getOut()));
    }

    private int execute(PrintWriter out) {
        if (repeat < 1) {
            throw new UsageError("--repeat must be at least 1, got " + repeat);
        }
        if (budget < 0) {
            throw new UsageError("--budget must be at least 0, got " + budget);
        }
        if (engineName.equals(KERNEL) && ProgramOptions.isElf(ProgramOptions.read(file, "program"))) {
            return runInKernel(out);
        }
        Engine engine = engine(engineName);
        RunReport report = new RunReport(out, json || pretty, pretty);
        ProgramOptions.Prepared prepared = input.prepare(file, engine, budget,
                objectSpec -> objectSpec.tracePipeFormat(tracePipe).onPrintk(report::printk), spec.commandLine().getErr());
        if (!prepared.fromObject() && dumpMaps) {
            throw new IllegalArgumentException(file + " is no object file; it has no maps");
        }
        LoadedObject object = prepared.object();
        for (TypedMap m : object.maps()) {
            if (m.type() == MapType.RINGBUF) {
                object.onRingBuffer(m.name(), data -> report.record(m.name(), data));
            } else if (m.type() == MapType.PERF_EVENT_ARRAY) {
                object.onPerfEvent(m.name(), (slot, data) -> report.record(m.name() + "[" + slot + "]", data));
            }
        }
        Program loaded = prepared.program();
        report.program(loaded.name(), ProgramTypes.name(loaded.type()), engine.name());
        ContextBuilder context = prepared.context();
        ProgramContext ctx = null;
        byte[] dataBefore = null;
        Map<String, Object> fieldsBefore = null;
        for (long run = 1; run <= repeat; run++) {
            long r0;
            ctx = context.build();
            if (run == repeat) {
                dataBefore = context.dataOf(ctx);
                fieldsBefore = context.fieldsOf(ctx);
            }
            try {
                r0 = loaded.run(ctx);
            } catch (BpfFault f) {
                out.flush();
                String where = f.pc() >= 0 && loaded.objectProgram() != null ? ", in " + loaded.describe(f.pc()) : "";
                return Failure.report(spec, loaded.name() + " faulted" + (repeat > 1 ? " in run " + run : "") + ": "
                        + f.getMessage() + where);
            }
            report.result(r0, loaded.type(), dataBefore == null ? 0 : dataBefore.length);
        }
        report.returnValue(repeat);
        byte[] dataAfter = context.dataOf(ctx);
        if (dataAfter != null) {
            report.data(loaded.type() == ProgramType.RAW ? "memory" : "packet", dataBefore, dataAfter);
        }
        report.context(fieldsBefore, context.fieldsOf(ctx));
        writeOut(dataOut, dataAfter, "--data-out", "it has no packet or memory");
        writeOut(ctxOut, context.contextBytesOf(ctx), "--ctx-out", "its context is its memory (use --data-out)");
        if (dumpMaps) {
            report.maps(object, allEntries);
        }
        report.finish();
        return 0;
    }

    private void writeOut(Path path, byte[] bytes, String option, String whyNot) {
        if (path == null) {
            return;
        }
        if (bytes == null) {
            throw new IllegalArgumentException(option + ": " + file.getFileName() + "'s program has nothing to write: "
                    + whyNot);
        }
        try {
            Files.write(path, bytes);
        } catch (IOException e) {
            throw new IllegalArgumentException(path + ": cannot write (" + option + "): " + Failure.reason(e));
        }
    }

    private static Engine engine(String name) {
        return switch (name) {
            case Interpreter.NAME, JitEngine.NAME -> Bpf.engine(name);
            case KERNEL -> {
                requireKernel();
                yield new KernelEngine();
            }
            default -> throw new UsageError("unknown engine '" + name + "' for run (interpreter, jit, kernel)");
        };
    }

    private static final String KERNEL = "kernel";

    private static void requireKernel() {
        KernelAvailability a = KernelBpf.availability();
        if (!a.available()) {
            throw new IllegalArgumentException(a.refusal());
        }
    }

    /** Whether the program calls bpf_trace_printk or bpf_trace_vprintk. */
    private static boolean printsToTracePipe(Instruction[] code) {
        for (Instruction insn : code) {
            if (insn.opcode() == Opcodes.CALL && insn.src() == Opcodes.CALL_HELPER
                    && (insn.imm() == StandardHelpers.TRACE_PRINTK || insn.imm() == StandardHelpers.TRACE_VPRINTK)) {
                return true;
            }
        }
        return false;
    }

    /**
     * An object program in the kernel: its maps created there as the options set them, each run
     * a BPF_PROG_TEST_RUN on the packet; the maps are read back for --dump-maps.
     */
    private int runInKernel(PrintWriter out) {
        requireKernel();
        String refusal = input.kernelRefusal();
        if (refusal != null) {
            throw new IllegalArgumentException("kernel: " + refusal);
        }
        if (ctxOut != null) {
            throw new IllegalArgumentException("kernel: --ctx-out is not read back from the kernel's test run here;"
                    + " use --engine interpreter or jit");
        }
        RunReport report = new RunReport(out, json || pretty, pretty);
        ProgramOptions.Prepared prepared = input.prepare(file, Bpf.interpreter(), 0,
                objectSpec -> objectSpec.onPrintk(report::printk), spec.commandLine().getErr());
        Program loaded = prepared.program();
        report.program(loaded.name(), ProgramTypes.name(loaded.type()), KERNEL);
        byte[] packet = input.packetBytes();
        try (KernelObjectProgram k = KernelObjectProgram.load(loaded.bpfProgram())) {
            if (k.programs().stream().anyMatch(p -> printsToTracePipe(p.instructionsView()))) {
                spec.commandLine().getErr().println("jvmbpf: note: in the kernel, bpf_printk writes to"
                        + " /sys/kernel/tracing/trace_pipe");
            }
            byte[] after = packet;
            for (long run = 1; run <= repeat; run++) {
                // --cpu: the test runs on that CPU, as the engines' runs do.
                KernelObjectProgram.Result r = input.onCpu(() -> k.run(packet, 1));
                report.result(r.r0(), loaded.type(), packet.length);
                after = r.packet();
                // Records the run committed, as the engines deliver them after each run.
                drainRecords(k, report, spec.commandLine().getErr());
            }
            report.returnValue(repeat);
            report.data("packet", packet, after);
            // The test run here passes no context in or out: no field is known to have changed.
            report.context(Map.of(), Map.of());
            writeOut(dataOut, after, "--data-out", "");
            if (dumpMaps) {
                k.copyMapsBack();
                report.maps(prepared.object(), allEntries);
            }
        } catch (LoadException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        report.finish();
        return 0;
    }

    /**
     * Reports what a program in the kernel committed to its ring buffers and sent to its perf
     * event arrays, as the engines' records are reported ({@code MAP[CPU]} for a perf sample);
     * samples the kernel lost for want of room are a note on {@code err}.
     */
    static void drainRecords(KernelObjectProgram k, RunReport report, PrintWriter err) {
        k.drainRingBuffers(report::record);
        k.drainPerfEvents(r -> {
            String source = r.map() + "[" + r.cpu() + "]";
            switch (r) {
                case KernelObjectProgram.PerfRecord.Sample s -> report.record(source, s.data());
                case KernelObjectProgram.PerfRecord.Lost l -> {
                    err.println("jvmbpf: note: the kernel lost " + l.count() + " samples of " + source
                            + " (its ring was full)");
                    err.flush();
                }
            }
        });
    }
}
