package dev.jvmbpf.cli;

import dev.jvmbpf.Bpf;
import dev.jvmbpf.ContextBuilder;
import dev.jvmbpf.LoadedObject;
import dev.jvmbpf.ObjectSpec;
import dev.jvmbpf.Program;
import dev.jvmbpf.ProgramSpec;
import dev.jvmbpf.TypedMap;
import dev.jvmbpf.cli.internal.HexArgument;
import dev.jvmbpf.kernel.KernelObjectProgram;
import dev.jvmbpf.runtime.exec.Engine;
import dev.jvmbpf.runtime.exec.InputFiles;
import dev.jvmbpf.runtime.exec.LoadException;
import dev.jvmbpf.runtime.exec.TaskSettings;
import dev.jvmbpf.runtime.maps.Cpus;
import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.object.CoreTarget;
import dev.jvmbpf.runtime.object.SectionType;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.program.ProgramType;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import picocli.CommandLine.Option;

/**
 * The options that pick a program of a file and give it its input, shared by {@code run} and
 * {@code bench} so that both load and feed a program the same way.
 */
final class ProgramOptions {
    @Option(names = {"-p", "--program"}, paramLabel = "NAME",
            description = "Program of the object to run (needed when it has several).")
    String programName;

    @Option(names = "--type", paramLabel = "TYPE",
            description = "Runs the program as this type whatever its section says (libbpf's names: xdp, socket, tc,"
                + " kprobe, tracepoint, raw_tp, perf_event, ...; or sched_cls, raw).")
    String type;

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

    @Option(names = "--no-verify", description = "Runs the program without the verifier, every check at run time"
            + " instead (as ubpf does): for programs the verifier refuses. Faults stay faults; the JVM stays safe.")
    boolean noVerify;

    @Option(names = "--btf", paramLabel = "FILE",
            description = "Resolves CO-RE relocations against this BTF (raw, such as another kernel's vmlinux, or an"
                + " object's .BTF) instead of the running kernel's /sys/kernel/btf/vmlinux.")
    Path btf;

    @Option(names = "--map-update", paramLabel = "MAP:KEY[=VALUE]",
            description = "Before the first run, sets an element (value omitted: zeros). Key and value typed by BTF:"
                + " numbers, strings, structs {port=53,proto=17}, arrays [1,2]; or hex bytes of their sizes,"
                + " e.g. blocked:0a000001=5, rules:{port=53,proto=17}={mark=7,drop=1}.")
    List<String> mapUpdates = new ArrayList<>();

    @Option(names = "--user-ringbuf", paramLabel = "MAP=HEX",
            description = "Before the first run, submits a sample (hex bytes) to user ring buffer MAP, for"
                + " bpf_user_ringbuf_drain; repeat for more samples, drained oldest first, e.g."
                + " --user-ringbuf samples=0500000000000000.")
    List<String> userSamples = new ArrayList<>();

    @Option(names = "--set", paramLabel = "NAME=VALUE",
            description = "Sets a global variable (.rodata, .data, .bss, custom sections) before load, typed by BTF"
                + " as --map-update values are, e.g. --set default_mark=7 --set label=eth0.")
    List<String> sets = new ArrayList<>();

    @Option(names = "--pid", paramLabel = "N", description = "What bpf_get_current_pid_tgid reports as the thread id"
            + " (low half; default: the JVM thread's). Alone it sets the tgid too, as for a main thread.")
    Long pid;

    @Option(names = "--tgid", paramLabel = "N", description = "The process id (tgid, upper half of"
            + " bpf_get_current_pid_tgid; default: the JVM's). Alone it sets the pid too.")
    Long tgid;

    @Option(names = "--uid", paramLabel = "N", description = "What bpf_get_current_uid_gid reports as the uid.")
    Long uid;

    @Option(names = "--gid", paramLabel = "N", description = "What bpf_get_current_uid_gid reports as the gid.")
    Long gid;

    @Option(names = "--comm", paramLabel = "NAME", description = "What bpf_get_current_comm copies (at most 15 bytes).")
    String comm;

    @Option(names = "--cpu", paramLabel = "N", description = "The CPU the program runs on: bpf_get_smp_processor_id"
            + " and the slot of per-CPU maps.")
    Integer cpu;

    @Option(names = "--time", paramLabel = "NS", description = "A clock standing still at NS nanoseconds for"
            + " bpf_ktime_get_ns, _boot_ns, _coarse_ns and _tai_ns.")
    Long time;

    /** A loaded program with its object and the builder of its context, as the options set it. */
    record Prepared(LoadedObject object, Program program, ContextBuilder context, boolean fromObject) {
    }

    /**
     * Loads the program of {@code file} (only it, and the programs its tail calls need) on
     * {@code engine} and builds its context. {@code configure} sets up the spec (printk output)
     * before the program loads; notes of the loader about the chosen program go to {@code err}.
     * Wrong arguments are {@link IllegalArgumentException}s.
     */
    Prepared prepare(Path file, Engine engine, long budget, Consumer<ObjectSpec> configure, PrintWriter err) {
        if (packet != null && packetHex != null) {
            throw new IllegalArgumentException("give --packet or --packet-hex, not both");
        }
        byte[] bytes = read(file, "program");
        boolean elf = isElf(bytes);
        ObjectSpec spec;
        String chosen;
        if (elf) {
            spec = Bpf.open(file, coreTarget(btf));
            chosen = programName != null ? spec.program(programName).name() : onlyProgram(spec);
            if (type != null) {
                spec.programType(chosen, ProgramTypes.parse(type));
            }
            // Only what concerns the chosen program (a section loaded as RAW changes its context),
            // and not what its section implies when --type overrides that.
            String prefix = "program " + chosen + ": ";
            String sectionNote = prefix + SectionType.of(spec.program(chosen).section()).note();
            for (String note : spec.notes()) {
                if (note.startsWith(prefix) && !(type != null && note.equals(sectionNote))) {
                    err.println("jvmbpf: note: " + Failure.oneLine(note));
                }
            }
        } else {
            if (programName != null) {
                throw new IllegalArgumentException(file + " is no object file; it has one program, --program does not apply");
            }
            if (!mapUpdates.isEmpty()) {
                throw new IllegalArgumentException(file + " is no object file; it has no maps");
            }
            if (!sets.isEmpty()) {
                throw new IllegalArgumentException(file + " is no object file; it has no global variables");
            }
            if (!userSamples.isEmpty()) {
                throw new IllegalArgumentException(file + " is no object file; it has no maps");
            }
            if (type != null && ProgramTypes.parse(type) != ProgramType.RAW) {
                throw new IllegalArgumentException(file + " is no object file; its program is raw, --type does not apply");
            }
            Instruction[] insns = ProgramFiles.instructions(file);
            spec = Bpf.of(BpfProgram.raw(file.getFileName().toString(), insns));
            chosen = spec.programs().getFirst().name();
        }
        spec.engine(engine).budget(budget).verify(!noVerify).task(task());
        configure.accept(spec);
        for (String assignment : sets) {
            int eq = assignment.indexOf('=');
            if (eq <= 0) {
                throw new UsageError("--set " + assignment + ": expected NAME=VALUE");
            }
            try {
                spec.variable(assignment.substring(0, eq).strip()).setText(assignment.substring(eq + 1));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--set " + assignment + ": " + e.getMessage(), e);
            }
        }
        LoadedObject object = spec.load(chosen);
        for (String u : mapUpdates) {
            applyUpdate(object, u);
        }
        for (String sample : userSamples) {
            submitSample(object, sample);
        }
        Program loaded = object.program(chosen);
        return new Prepared(object, loaded, context(loaded), elf);
    }

    /** The CO-RE target {@code --btf} names, or the running kernel's BTF. */
    static CoreTarget coreTarget(Path btf) {
        if (btf == null) {
            return CoreTarget.host();
        }
        try {
            return CoreTarget.file(btf);
        } catch (NoSuchFileException e) {
            throw new LoadException(btf + ": no such file (--btf)", e);
        } catch (IOException e) {
            throw new LoadException(btf + ": cannot read (--btf): " + e.getMessage(), e);
        }
    }

    /** The object's only program; a {@link LoadException} naming them when it has several. */
    private static String onlyProgram(ObjectSpec spec) {
        List<ProgramSpec> programs = spec.programs();
        if (programs.size() != 1) {
            throw new LoadException(spec.name() + ": " + (programs.isEmpty() ? "has no programs"
                    : "has " + programs.size() + " programs " + programs.stream().map(ProgramSpec::name).toList()
                    + "; choose one"));
        }
        return programs.getFirst().name();
    }

    /** Why the kernel's test run cannot take these options (it takes a packet only), or null. */
    String kernelRefusal() {
        if (pid != null || tgid != null || uid != null || gid != null || comm != null || time != null) {
            return "the kernel's test run reports its own task and clock; --pid, --tgid, --uid, --gid, --comm"
                    + " and --time apply to the interpreter and the JIT";
        }
        if (cpu != null && !KernelObjectProgram.runsOn(cpu)) {
            return "this thread may not run on CPU " + cpu + " (--cpu): the kernel's test run would run elsewhere";
        }
        return ctx.isEmpty() && mem == null ? null
                : "the kernel's test run takes a packet only; --ctx and --mem are not passed to it";
    }

    /**
     * {@code action} on the CPU {@code --cpu} names (the engines' CPU of this thread, on which a
     * kernel test run is held), then back on the thread's own; without --cpu, as it is.
     */
    <T> T onCpu(Supplier<T> action) {
        if (cpu == null) {
            return action.get();
        }
        int home = Cpus.current();
        Cpus.pin(cpu);
        try {
            return action.get();
        } finally {
            Cpus.pin(home);
        }
    }

    /** The task and clock the options give the helpers (none given: the JVM's own). */
    TaskSettings task() {
        TaskSettings t = TaskSettings.HOST;
        if (pid != null) {
            t = t.withPid(u32("--pid", pid));
        }
        if (tgid != null) {
            t = t.withTgid(u32("--tgid", tgid));
        }
        if (uid != null) {
            t = t.withUid(u32("--uid", uid));
        }
        if (gid != null) {
            t = t.withGid(u32("--gid", gid));
        }
        if (comm != null) {
            try {
                t = t.withComm(comm);
            } catch (IllegalArgumentException e) {
                throw new UsageError("--comm: " + e.getMessage(), e);
            }
        }
        if (cpu != null) {
            if (cpu < 0) {
                throw new UsageError("--cpu must not be negative, got " + cpu);
            }
            t = t.withCpu(cpu);
        }
        if (time != null) {
            t = t.withTimeNanos(time);
        }
        return t;
    }

    private static int u32(String option, long value) {
        if (value < 0 || value > 0xffff_ffffL) {
            throw new UsageError(option + " must be in [0, 4294967295], got " + value);
        }
        return (int) value;
    }

    /** The packet --packet or --packet-hex gives, or no bytes. */
    byte[] packetBytes() {
        if (packet != null) {
            return read(packet, "packet");
        }
        return packetHex != null ? HexArgument.parse(packetHex) : new byte[0];
    }

    private ContextBuilder context(Program loaded) {
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
                throw new UsageError("--ctx " + assignment + ": expected FIELD=VALUE");
            }
            context.set(assignment.substring(0, eq), assignment.substring(eq + 1));
        }
        return context;
    }

    private static void submitSample(LoadedObject object, String spec) {
        int eq = spec.indexOf('=');
        if (eq <= 0) {
            throw new UsageError("--user-ringbuf " + spec + ": expected MAP=HEX");
        }
        byte[] sample;
        try {
            sample = HexArgument.parse(spec.substring(eq + 1));
        } catch (IllegalArgumentException e) {
            throw new UsageError("--user-ringbuf " + spec + ": " + e.getMessage());
        }
        try {
            object.submitUserSample(spec.substring(0, eq).strip(), sample);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IllegalArgumentException("--user-ringbuf " + spec + ": " + e.getMessage(), e);
        }
    }

    private static void applyUpdate(LoadedObject object, String spec) {
        int colon = spec.indexOf(':');
        if (colon <= 0) {
            throw new UsageError("--map-update " + spec + ": expected MAP:KEY[=VALUE]");
        }
        String map = spec.substring(0, colon);
        String rest = spec.substring(colon + 1);
        int eq = topLevelEquals(rest);
        TypedMap typed = object.map(map);
        try {
            typed.putText(eq < 0 ? rest : rest.substring(0, eq), eq < 0 ? null : rest.substring(eq + 1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--map-update " + spec + ": " + e.getMessage(), e);
        }
    }

    /** The first '=' outside braces, brackets and quotes: the one between key and value; -1 when none. */
    static int topLevelEquals(String text) {
        int depth = 0;
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    quoted = false;
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                depth--;
            } else if (c == '=' && depth == 0) {
                return i;
            }
        }
        return -1;
    }

    /** True for an ELF file's bytes (an object clang wrote), false for a bare program's. */
    static boolean isElf(byte[] bytes) {
        return bytes.length >= 4 && bytes[0] == 0x7f && bytes[1] == 'E' && bytes[2] == 'L' && bytes[3] == 'F';
    }

    static byte[] read(Path path, String what) {
        try {
            return InputFiles.read(path);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(path + ": no such file (" + what + ")");
        } catch (IOException e) {
            throw new IllegalArgumentException(path + ": cannot read the " + what + ": " + e.getMessage());
        }
    }
}
