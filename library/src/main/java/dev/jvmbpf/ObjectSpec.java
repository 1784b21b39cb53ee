package dev.jvmbpf;

import dev.jvmbpf.helpers.StandardHelpers;
import dev.jvmbpf.internal.BtfCodec;
import dev.jvmbpf.runtime.btf.Btf;
import dev.jvmbpf.runtime.btf.BtfType;
import dev.jvmbpf.runtime.exec.Engine;
import dev.jvmbpf.runtime.exec.HelperTable;
import dev.jvmbpf.runtime.exec.LoadException;
import dev.jvmbpf.runtime.exec.TaskSettings;
import dev.jvmbpf.runtime.maps.Cpus;
import dev.jvmbpf.runtime.interp.Interpreter;
import dev.jvmbpf.runtime.object.BpfObject;
import dev.jvmbpf.runtime.object.MapKind;
import dev.jvmbpf.runtime.object.ObjectMap;
import dev.jvmbpf.runtime.object.ObjectProgram;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.program.ProgramType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * An object file opened by {@link Bpf#open}, not loaded yet (cilium/ebpf's {@code CollectionSpec},
 * libbpf's opened {@code bpf_object}): what it declares ({@link #programs}, {@link #maps},
 * {@link #variables}), the values its global variables will start with
 * ({@link VariableSpec#set}), and the settings of the load:
 * <ul>
 * <li>{@link #engine}: {@link Bpf#interpreter()} (default) or {@link Bpf#jit()};
 * <li>{@link #helpers}: the helper functions programs may call (default: the standard ones);
 * <li>{@link #onPrintk}, {@link #tracePipeFormat}: where {@code bpf_printk} lines go and how;
 * <li>{@link #budget}: instructions per run (0, the default: unlimited);
 * <li>{@link #deadline}: time per run (null, the default: unlimited); interrupting the running
 *     thread stops a run as well, deadline or not;
 * <li>{@link #verify}/{@link #noVerify}: whether programs pass the verifier before they load
 *     (default on); without it they load as {@code VerifiedProgram.unverified} and run with every
 *     run-time check on;
 * <li>{@link #programType}: a program's type whatever its section says (libbpf's
 *     {@code bpf_program__set_type}).
 * </ul>
 * {@link #load()} verifies and loads every program into a {@link LoadedObject} with maps of its
 * own; {@link #load(String, String...)} only the named ones (libbpf's autoload). A spec may be
 * loaded several times: each load gets fresh maps and the variables' values as set then.
 * Configure a spec on one thread.
 */
public final class ObjectSpec {
    private final String name;
    private final Supplier<BpfObject> reopen;
    private final BpfProgram bare;
    private BpfObject unused;
    private final List<ProgramSpec> programs = new ArrayList<>();
    private final List<MapDeclaration> maps = new ArrayList<>();
    private final Map<String, VariableSpec> variables = new LinkedHashMap<>();
    private final Map<String, ProgramType> types = new LinkedHashMap<>();
    private final List<String> notes;
    private Engine engine = new Interpreter();
    private HelperTable helpers = StandardHelpers.table();
    private Consumer<String> printk = System.out::println;
    private boolean tracePipe;
    private long budget;
    private Duration deadline;
    private TaskSettings task = TaskSettings.HOST;
    private boolean verify = true;

    ObjectSpec(BpfObject object, Supplier<BpfObject> reopen) {
        this.name = object.name();
        this.unused = object;
        this.reopen = reopen;
        this.bare = null;
        this.notes = object.notes();
        for (ObjectProgram p : object.programs()) {
            programs.add(new ProgramSpec(p.name(), p.section(), p.type(), p.program().length()));
        }
        Btf btf = object.btf();
        for (ObjectMap m : object.maps()) {
            maps.add(new MapDeclaration(m.name(), m.section(), m.spec().type(), m.spec().keySize(),
                    m.spec().valueSize(), m.spec().maxEntriesUnsigned(), m.spec().flags(), describe(btf, m.keyType()),
                    describe(btf, m.valueType()), m.readOnly()));
            if (m.kind() == MapKind.GLOBAL_DATA && btf != null && m.valueType() != 0
                    && btf.type(m.valueType()) instanceof BtfType.Datasec d) {
                byte[] initial = m.map().lookupValue(new byte[4]);
                BtfCodec codec = new BtfCodec(btf);
                for (BtfType.SectionVar v : d.vars()) {
                    if (!(btf.type(v.type()) instanceof BtfType.Var var) || v.offset() + v.size() > initial.length) {
                        continue;
                    }
                    byte[] bytes = java.util.Arrays.copyOfRange(initial, v.offset(), v.offset() + v.size());
                    variables.putIfAbsent(var.name(), new VariableSpec(var.name(), m.name(), btf.describe(var.type()),
                            var.type(), v.offset(), v.size(), codec, bytes));
                }
            }
        }
    }

    ObjectSpec(BpfProgram program) {
        this.name = program.name();
        this.bare = program;
        this.reopen = null;
        this.notes = List.of();
        programs.add(new ProgramSpec(program.name(), program.section(), program.type(), program.length()));
    }

    private static String describe(Btf btf, int type) {
        return btf == null || type == 0 ? null : btf.describe(type);
    }

    /** The object's name: its file name up to the first dot, as libbpf derives it (a bare program's name). */
    public String name() {
        return name;
    }

    /** Its programs, in file order. */
    public List<ProgramSpec> programs() {
        return List.copyOf(programs);
    }

    /** Program {@code programName}; a {@link LoadException} listing the programs when there is none. */
    public ProgramSpec program(String programName) {
        for (ProgramSpec p : programs) {
            if (p.name().equals(programName)) {
                return p;
            }
        }
        throw new LoadException(name + ": no program named '" + programName + "'; it has " + programNames());
    }

    List<String> programNames() {
        return programs.stream().map(ProgramSpec::name).toList();
    }

    /** Its maps, global data ({@code .data}, {@code .rodata}, {@code .bss}) included. */
    public List<MapDeclaration> maps() {
        return List.copyOf(maps);
    }

    /** Its global variables (those BTF describes), section by section. */
    public List<VariableSpec> variables() {
        return List.copyOf(variables.values());
    }

    /** Global variable {@code variableName}; a {@link LoadException} listing them when there is none. */
    public VariableSpec variable(String variableName) {
        VariableSpec v = variables.get(variableName);
        if (v == null) {
            throw new LoadException(name + ": no global variable named '" + variableName + "'; it has "
                    + variables.keySet());
        }
        return v;
    }

    /** What the loader accepted but wants the user to know (unknown section names, ignored data). */
    public List<String> notes() {
        return notes;
    }

    /** The engine programs load on: {@link Bpf#interpreter()} (default), {@link Bpf#jit()}, or any {@link Engine}. */
    public ObjectSpec engine(Engine engine) {
        this.engine = Objects.requireNonNull(engine);
        return this;
    }

    public Engine engine() {
        return engine;
    }

    /** The helpers programs may call; default {@link StandardHelpers#table()}. */
    public ObjectSpec helpers(HelperTable helpers) {
        this.helpers = Objects.requireNonNull(helpers);
        return this;
    }

    HelperTable helperTable() {
        return helpers;
    }

    Consumer<String> printkSink() {
        return printk;
    }

    boolean tracePipe() {
        return tracePipe;
    }

    /** Where {@code bpf_printk} lines go, one call per line; default {@code System.out.println}. */
    public ObjectSpec onPrintk(Consumer<String> sink) {
        this.printk = Objects.requireNonNull(sink);
        return this;
    }

    /** Formats printk lines like the kernel's {@code trace_pipe}; default off. */
    public ObjectSpec tracePipeFormat(boolean on) {
        this.tracePipe = on;
        return this;
    }

    /** At most this many instructions per run (0, the default: unlimited); more faults the run. */
    public ObjectSpec budget(long instructions) {
        this.budget = Settings.checkedBudget(instructions);
        return this;
    }

    /**
     * At most this long per run (null, the default: no limit); a run past it stops with a
     * {@code DEADLINE_EXCEEDED} fault naming the pc. Interrupting the thread that runs a program
     * stops it the same way ({@code INTERRUPTED}), deadline or not.
     */
    public ObjectSpec deadline(Duration perRun) {
        this.deadline = Settings.checkedDeadline(perRun);
        return this;
    }

    /**
     * What the task and clock helpers report to the programs (default {@link TaskSettings#HOST}:
     * the JVM's own pid, uid, comm, CPU and clock): {@code bpf_get_current_pid_tgid},
     * {@code bpf_get_current_uid_gid}, {@code bpf_get_current_comm}, {@code bpf_get_smp_processor_id}
     * (and the slot of per-CPU maps, as the run happens on that CPU), {@code bpf_ktime_get_*ns}.
     * A CPU outside the machine's ({@code Cpus.count()}) is an {@link IllegalArgumentException}.
     */
    public ObjectSpec task(TaskSettings settings) {
        this.task = Settings.checkedTask(settings);
        return this;
    }

    /**
     * Whether programs pass the verifier before they load (default true). False loads them as
     * {@code VerifiedProgram.unverified}: nothing is proven, so the engines check every access,
     * zero every frame and count every instruction as reachable at run time.
     */
    public ObjectSpec verify(boolean on) {
        this.verify = on;
        return this;
    }

    /** {@code verify(false)}. */
    public ObjectSpec noVerify() {
        return verify(false);
    }

    /**
     * Loads program {@code programName} as a program of {@code type}, whatever its section says
     * (libbpf's {@code bpf_program__set_type}): for sections named by another loader's convention
     * ({@code tc filter ... sec from-netdev}), or to run a program as another type. Its context
     * and helpers are then those of {@code type}. A {@link LoadException} listing the programs
     * when there is none of that name.
     */
    public ObjectSpec programType(String programName, ProgramType type) {
        Objects.requireNonNull(type, "program type");
        ProgramSpec p = program(programName);
        if (bare != null && type != p.type()) {
            throw new LoadException(name + " is a bare program; its type is " + p.type() + " and cannot change");
        }
        types.put(programName, type);
        programs.set(programs.indexOf(p), new ProgramSpec(p.name(), p.section(), type, p.instructionCount()));
        return this;
    }

    /**
     * Verifies and loads every program (cilium/ebpf's {@code NewCollection}). A program the
     * verifier refuses is a {@link LoadException} naming it and, when known, its source line, with
     * the verifier's exception as its cause.
     */
    public LoadedObject load() {
        return load(programNames());
    }

    /**
     * Verifies and loads only the named programs (and those the object's program arrays name,
     * which tail calls need); the others are not verified.
     */
    public LoadedObject load(String first, String... more) {
        List<String> names = new ArrayList<>();
        names.add(first);
        names.addAll(List.of(more));
        for (String n : names) {
            program(n);
        }
        return load(names);
    }

    private LoadedObject load(List<String> names) {
        Set<String> chosen = new LinkedHashSet<>(names);
        Settings settings = new Settings(printk, tracePipe, budget, deadline, task);
        if (bare != null) {
            return new LoadedObject(name, null, settings, engine, helpers, verify, List.of(bare), chosen);
        }
        BpfObject object;
        if (unused != null) {
            object = unused;
            unused = null;
        } else {
            object = reopen.get();
        }
        types.forEach(object::setProgramType);
        for (VariableSpec v : variables.values()) {
            byte[] value = v.pending();
            if (value != null) {
                var region = object.map(v.section()).map().lookup(new byte[4]);
                System.arraycopy(value, 0, region.data(), region.base() + v.offset(), value.length);
            }
        }
        List<BpfProgram> all = object.programs().stream().map(ObjectProgram::program).toList();
        return new LoadedObject(name, object, settings, engine, helpers, verify, all, chosen);
    }

    /** The settings of runs, shared by a loaded object and its programs; budget and deadline may change after load. */
    static final class Settings {
        final Consumer<String> printk;
        final boolean tracePipe;
        volatile long budget;
        volatile Duration deadline;
        volatile TaskSettings task;

        Settings(Consumer<String> printk, boolean tracePipe, long budget, Duration deadline, TaskSettings task) {
            this.printk = printk;
            this.tracePipe = tracePipe;
            this.budget = budget;
            this.deadline = deadline;
            this.task = task;
        }

        static TaskSettings checkedTask(TaskSettings task) {
            TaskSettings t = Objects.requireNonNull(task, "task settings");
            if (t.cpu() != null && t.cpu() >= Cpus.count()) {
                throw new IllegalArgumentException("cpu " + t.cpu() + " is not one of this machine's " + Cpus.count()
                        + " CPUs (0 to " + (Cpus.count() - 1) + ")");
            }
            return t;
        }

        static long checkedBudget(long instructions) {
            if (instructions < 0) {
                throw new IllegalArgumentException("the budget must be >= 0, got " + instructions);
            }
            return instructions;
        }

        static Duration checkedDeadline(Duration perRun) {
            if (perRun != null && perRun.isNegative()) {
                throw new IllegalArgumentException("the deadline must not be negative, got " + perRun);
            }
            return perRun;
        }
    }
}
