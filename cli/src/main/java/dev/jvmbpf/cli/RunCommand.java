package dev.jvmbpf.cli;

import dev.jvmbpf.cli.internal.HexArgument;
import dev.jvmbpf.cli.internal.RunReport;
import dev.jvmbpf.helpers.run.BpfRuntime;
import dev.jvmbpf.helpers.run.ContextBuilder;
import dev.jvmbpf.helpers.run.LoadedProgram;
import dev.jvmbpf.jit.JitEngine;
import dev.jvmbpf.runtime.exec.Engine;
import dev.jvmbpf.runtime.exec.LoadException;
import dev.jvmbpf.runtime.interp.Interpreter;
import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.maps.MapType;
import dev.jvmbpf.runtime.memory.BpfFault;
import dev.jvmbpf.runtime.object.ObjectMap;
import dev.jvmbpf.runtime.program.BpfProgram;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
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

    @Option(names = {"-p", "--program"}, paramLabel = "NAME",
            description = "Program of the object to run (needed when it has several).")
    String programName;

    @Option(names = "--engine", defaultValue = JitEngine.NAME, paramLabel = "NAME",
            description = "interpreter or jit (default: ${DEFAULT-VALUE}).")
    String engineName;

    @Option(names = "--ctx", paramLabel = "FIELD=VALUE",
            description = "Sets a context field: by BTF name for tracepoints, kprobes... (id=59, args[0]=0x1234);"
                + " ingress_ifindex... for XDP; mark, priority, cb[0], protocol... for socket and tc programs.")
    List<String> ctx = new ArrayList<>();

    @Option(names = "--mem", paramLabel = "FILE",
            description = "Raw programs: input memory (r1, r2 = length). Tracepoints etc.: the context record's bytes.")
    Path mem;

    @Option(names = "--packet", paramLabel = "FILE", description = "XDP, socket and tc programs: the packet.")
    Path packet;

    @Option(names = "--packet-hex", paramLabel = "HEX", description = "The packet as hex bytes (spaces and colons allowed).")
    String packetHex;

    @Option(names = "--map-update", paramLabel = "MAP:KEY[=VALUE]",
            description = "Before the first run, sets an element: key and value as hex bytes of the map's sizes"
                + " (value omitted: zeros), e.g. blocked:0a000001=0000000000000000.")
    List<String> mapUpdates = new ArrayList<>();

    @Option(names = "--repeat", defaultValue = "1", paramLabel = "N", description = "Runs N times on the same maps.")
    long repeat;

    @Option(names = "--trace-pipe", description = "Prints printk lines in the kernel's trace_pipe format.")
    boolean tracePipe;

    @Option(names = "--dump-maps", description = "After the runs, prints every map's entries (typed by BTF when known).")
    boolean dumpMaps;

    @Option(names = "--budget", defaultValue = "" + DEFAULT_BUDGET, paramLabel = "N",
            description = "Instructions one run may execute (0: unlimited; default: ${DEFAULT-VALUE}).")
    long budget;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try {
            return execute(out);
        } catch (LoadException | IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
            out.flush();
            if (spec.root().userObject() instanceof Main m && m.debug) {
                e.printStackTrace(spec.commandLine().getErr());
            }
            return Failure.report(spec, e.getMessage());
        }
    }

    private int execute(PrintWriter out) {
        if (repeat < 1) {
            throw new IllegalArgumentException("--repeat must be at least 1, got " + repeat);
        }
        if (packet != null && packetHex != null) {
            throw new IllegalArgumentException("give --packet or --packet-hex, not both");
        }
        Engine engine = engine(engineName);
        byte[] program = read(file, "program");
        boolean elf = program.length >= 4 && program[0] == 0x7f && program[1] == 'E' && program[2] == 'L'
                && program[3] == 'F';
        BpfRuntime runtime;
        LoadedProgram loaded;
        RunReport report = new RunReport(out);
        if (elf) {
            runtime = BpfRuntime.open(file);
            runtime.engine(engine).budget(budget).tracePipeFormat(tracePipe).onPrintk(report::printk);
            for (ObjectMap m : runtime.maps()) {
                if (m.spec().type() == MapType.RINGBUF) {
                    runtime.onRingBuffer(m.name(), data -> report.record(m.name(), data));
                } else if (m.spec().type() == MapType.PERF_EVENT_ARRAY) {
                    runtime.onPerfEvent(m.name(), (slot, data) -> report.record(m.name() + "[" + slot + "]", data));
                }
            }
            loaded = programName == null ? runtime.load() : runtime.load(programName);
            // Only what concerns the chosen program (a section loaded as RAW changes its context).
            String prefix = "program " + loaded.name() + ": ";
            for (String note : runtime.object().notes()) {
                if (note.startsWith(prefix)) {
                    spec.commandLine().getErr().println("jvmbpf: note: " + note);
                }
            }
            for (String u : mapUpdates) {
                applyUpdate(runtime, u);
            }
        } else {
            if (programName != null) {
                throw new IllegalArgumentException(file + " is no object file; it has one program, --program does not apply");
            }
            if (!mapUpdates.isEmpty() || dumpMaps) {
                throw new IllegalArgumentException(file + " is no object file; it has no maps");
            }
            Instruction[] insns = ProgramFiles.instructions(file);
            runtime = BpfRuntime.standalone().engine(engine).budget(budget).tracePipeFormat(tracePipe)
                    .onPrintk(report::printk);
            loaded = runtime.load(BpfProgram.raw(file.getFileName().toString(), insns));
        }
        ContextBuilder context = loaded.context();
        if (mem != null) {
            context.memory(read(mem, "memory"));
        }
        if (packet != null) {
            context.packet(read(packet, "packet"));
        } else if (packetHex != null) {
            context.packet(HexArgument.parse(packetHex));
        }
        for (String assignment : ctx) {
            int eq = assignment.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--ctx " + assignment + ": expected FIELD=VALUE");
            }
            context.set(assignment.substring(0, eq), assignment.substring(eq + 1));
        }
        for (long run = 1; run <= repeat; run++) {
            long r0;
            try {
                r0 = loaded.run(context.build());
            } catch (BpfFault f) {
                out.flush();
                String where = f.pc() >= 0 && loaded.objectProgram() != null ? ", in " + loaded.describe(f.pc()) : "";
                return Failure.report(spec, loaded.name() + " faulted" + (repeat > 1 ? " in run " + run : "") + ": "
                        + f.getMessage() + where);
            }
            report.result(r0, loaded.type());
        }
        report.returnValue(repeat);
        if (dumpMaps) {
            report.maps(runtime);
        }
        out.flush();
        return 0;
    }

    private static Engine engine(String name) {
        return switch (name) {
            case Interpreter.NAME -> new Interpreter();
            case JitEngine.NAME -> new JitEngine();
            default -> throw new IllegalArgumentException("unknown engine '" + name + "' for run (interpreter, jit)");
        };
    }

    private static void applyUpdate(BpfRuntime runtime, String spec) {
        int colon = spec.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("--map-update " + spec + ": expected MAP:KEYHEX[=VALUEHEX]");
        }
        String map = spec.substring(0, colon);
        String rest = spec.substring(colon + 1);
        int eq = rest.indexOf('=');
        String keyText = eq < 0 ? rest : rest.substring(0, eq);
        int valueSize = runtime.object().map(map).spec().valueSize();
        try {
            byte[] key = HexArgument.parse(keyText);
            byte[] value = eq < 0 ? new byte[valueSize] : HexArgument.parse(rest.substring(eq + 1));
            runtime.update(map, key, value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--map-update " + spec + ": " + e.getMessage());
        }
    }

    private static byte[] read(Path path, String what) {
        try (InputStream in = Files.newInputStream(path)) {
            return in.readAllBytes();
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(path + ": no such file (" + what + ")");
        } catch (IOException e) {
            throw new IllegalArgumentException(path + ": cannot read the " + what + ": " + e.getMessage());
        }
    }
}
