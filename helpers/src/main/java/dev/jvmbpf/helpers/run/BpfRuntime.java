package dev.jvmbpf.helpers.run;

import dev.jvmbpf.helpers.StandardHelpers;
import dev.jvmbpf.helpers.TracePipeFormat;
import dev.jvmbpf.runtime.exec.Engine;
import dev.jvmbpf.runtime.exec.Executable;
import dev.jvmbpf.runtime.exec.HelperTable;
import dev.jvmbpf.runtime.exec.LoadException;
import dev.jvmbpf.runtime.exec.Output;
import dev.jvmbpf.runtime.interp.Interpreter;
import dev.jvmbpf.runtime.maps.BpfMap;
import dev.jvmbpf.runtime.maps.PerfEventArrayMap;
import dev.jvmbpf.runtime.maps.RingBufferMap;
import dev.jvmbpf.runtime.object.BpfObject;
import dev.jvmbpf.runtime.object.ObjectMap;
import dev.jvmbpf.runtime.object.ObjectProgram;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.verifier.VerifiedProgram;
import dev.jvmbpf.runtime.verifier.Verifier;
import dev.jvmbpf.runtime.verifier.VerifierException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Runs the programs of one BPF object from Java: open it, pick a program, load it on an engine
 * (the {@link Verifier} checks it first), run it with a context, read its maps, receive what it
 * prints and what it sends through ring buffers and perf event arrays.
 *
 * <pre>{@code
 * BpfRuntime rt = BpfRuntime.open(Path.of("counter.o"))
 *         .engine(new JitEngine())                  // default: the interpreter
 *         .onPrintk(line -> log.info(line));        // default: System.out
 * LoadedProgram p = rt.load("count_syscalls");
 * long r0 = p.run(p.context().set("id", 59).build());
 * System.out.print(rt.dump("counts"));
 * }</pre>
 *
 * <p>Settings apply to programs loaded afterwards (the engine, the helpers) or to every later run
 * (output, ring-buffer and perf handlers, budget, deadline). Every program of the object shares
 * its maps; program arrays the object fills declaratively ({@code .values = { [0] = &prog }})
 * are filled with programs loaded on the same engine when the first program is loaded, so tail
 * calls work.
 * Errors in what the caller gives (names, files) are {@link LoadException}s or
 * {@link IllegalArgumentException}s with one line naming what is wrong.
 */
public final class BpfRuntime {
    private final BpfObject object;
    private Engine engine = new Interpreter();
    private HelperTable helpers = StandardHelpers.table();
    private volatile Consumer<String> printk = System.out::println;
    private volatile boolean tracePipe;
    private volatile long budget;
    private volatile Duration deadline;
    private final Map<String, RingBufferHandler> ringBuffers = new LinkedHashMap<>();
    /** What every run drains, copied on each change so that runs read it without a lock. */
    private volatile List<RingBufferHandler> ringBufferHandlers = List.of();
    private Engine arraysFilledWith;
    private HelperTable arraysFilledHelpers;

    private record RingBufferHandler(RingBufferMap map, Consumer<byte[]> handler) {
    }

    private BpfRuntime(BpfObject object) {
        this.object = object;
    }

    /** Opens an object file; a missing or malformed file is a {@link LoadException} naming it. */
    public static BpfRuntime open(Path file) {
        try {
            return new BpfRuntime(BpfObject.open(file));
        } catch (NoSuchFileException e) {
            throw new LoadException(file + ": no such file", e);
        } catch (IOException e) {
            throw new LoadException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    public static BpfRuntime of(BpfObject object) {
        return new BpfRuntime(Objects.requireNonNull(object));
    }

    /** A runtime for bare programs ({@link #load(BpfProgram)}), without an object file. */
    public static BpfRuntime standalone() {
        return new BpfRuntime(null);
    }

    /** The engine programs are loaded on from now on: {@code new Interpreter()} (default) or {@code new JitEngine()}. */
    public synchronized BpfRuntime engine(Engine engine) {
        this.engine = Objects.requireNonNull(engine);
        return this;
    }

    public synchronized Engine engine() {
        return engine;
    }

    /** The helpers programs loaded from now on may call; default {@link StandardHelpers#table()}. */
    public synchronized BpfRuntime helpers(HelperTable helpers) {
        this.helpers = Objects.requireNonNull(helpers);
        return this;
    }

    /** Where {@code bpf_printk} lines go, one call per line; default {@code System.out.println}. */
    public BpfRuntime onPrintk(Consumer<String> sink) {
        this.printk = Objects.requireNonNull(sink);
        return this;
    }

    /** Formats printk lines like the kernel's {@code trace_pipe} ({@link TracePipeFormat}); default off. */
    public BpfRuntime tracePipeFormat(boolean on) {
        this.tracePipe = on;
        return this;
    }

    /** At most this many instructions per run (0, the default: unlimited); more faults the run. */
    public BpfRuntime budget(long instructions) {
        if (instructions < 0) {
            throw new IllegalArgumentException("the budget must be >= 0, got " + instructions);
        }
        this.budget = instructions;
        return this;
    }

    long budget() {
        return budget;
    }

    /**
     * At most this long per run (null or zero, the default: no limit); a run past it stops with a
     * {@code DEADLINE_EXCEEDED} fault naming the pc. Interrupting the thread running a program
     * stops it the same way ({@code INTERRUPTED}), deadline or not.
     */
    public BpfRuntime deadline(Duration perRun) {
        if (perRun != null && perRun.isNegative()) {
            throw new IllegalArgumentException("the deadline must not be negative, got " + perRun);
        }
        this.deadline = perRun;
        return this;
    }

    Duration deadline() {
        return deadline;
    }

    /**
     * Hands each record the programs commit to ring buffer {@code mapName} to {@code handler} (a
     * copy of its bytes), on the thread that ran the program, at the end of each run.
     */
    public synchronized BpfRuntime onRingBuffer(String mapName, Consumer<byte[]> handler) {
        BpfMap map = map(mapName);
        if (!(map instanceof RingBufferMap rb)) {
            throw new IllegalArgumentException("map '" + mapName + "' is a " + map.spec().type() + " map, not a ring buffer");
        }
        ringBuffers.put(mapName, new RingBufferHandler(rb, Objects.requireNonNull(handler)));
        ringBufferHandlers = List.copyOf(ringBuffers.values());
        return this;
    }

    /**
     * Opens every slot of perf event array {@code mapName} and hands each sample to
     * {@code handler} with its slot (the CPU by convention), as {@code bpf_perf_event_output} sends it.
     */
    public BpfRuntime onPerfEvent(String mapName, BiConsumer<Integer, byte[]> handler) {
        BpfMap map = map(mapName);
        if (!(map instanceof PerfEventArrayMap perf)) {
            throw new IllegalArgumentException("map '" + mapName + "' is a " + map.spec().type()
                    + " map, not a perf event array");
        }
        Objects.requireNonNull(handler);
        for (int slot = 0; slot < perf.spec().maxEntries(); slot++) {
            int s = slot;
            perf.subscribe(slot, data -> handler.accept(s, data));
        }
        return this;
    }

    /** The object, or null for a {@link #standalone()} runtime. */
    public BpfObject object() {
        return object;
    }

    /** The names of the object's programs, in file order. */
    public List<String> programNames() {
        List<String> names = new ArrayList<>();
        if (object != null) {
            object.programs().forEach(p -> names.add(p.name()));
        }
        return names;
    }

    /** Verifies and loads program {@code name} of the object. */
    public LoadedProgram load(String name) {
        ObjectProgram p = requireObject().program(name);
        return loadObjectProgram(p);
    }

    /** Verifies and loads the object's only program; a {@link LoadException} naming them when there are several. */
    public LoadedProgram load() {
        List<ObjectProgram> programs = requireObject().programs();
        if (programs.size() != 1) {
            throw new LoadException(object.name() + ": " + (programs.isEmpty() ? "has no programs"
                    : "has " + programs.size() + " programs " + programNames() + "; choose one"));
        }
        return loadObjectProgram(programs.getFirst());
    }

    /** Verifies and loads a bare program (for example assembled or decoded instructions). */
    public synchronized LoadedProgram load(BpfProgram program) {
        VerifiedProgram verified = verify(program, null);
        return new LoadedProgram(this, null, verified, engine.load(program, helpers));
    }

    private synchronized LoadedProgram loadObjectProgram(ObjectProgram p) {
        VerifiedProgram verified = verify(p.program(), p);
        Executable exe = engine.load(p.program(), helpers);
        if (arraysFilledWith != engine || arraysFilledHelpers != helpers) {
            object.fillProgramArrays(prog -> {
                verify(prog, find(prog.name()));
                return engine.load(prog, helpers);
            });
            arraysFilledWith = engine;
            arraysFilledHelpers = helpers;
        }
        return new LoadedProgram(this, p, verified, exe);
    }

    private ObjectProgram find(String name) {
        for (ObjectProgram p : object.programs()) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        return null;
    }

    /** Runs the verifier; a refusal becomes a {@link LoadException} naming the program and, when known, the source line. */
    private VerifiedProgram verify(BpfProgram program, ObjectProgram described) {
        try {
            return Verifier.verify(program, helpers);
        } catch (VerifierException e) {
            String where = described != null && e.pc() >= 0 ? " [at " + described.describe(e.pc()) + "]" : "";
            throw new LoadException("program '" + program.name() + "' rejected by the verifier: " + e.getMessage()
                    + where, e);
        }
    }

    /** The map named {@code mapName} (global data maps also by section name, {@code .rodata}). */
    public BpfMap map(String mapName) {
        return requireObject().map(mapName).map();
    }

    /**
     * Sets one element of map {@code mapName} as {@code bpf_map_update_elem(BPF_ANY)} from user
     * space does; sizes must be the map's. Throws {@link IllegalArgumentException} naming the map
     * when the sizes are wrong or the map refuses (full, wrong type).
     */
    public void update(String mapName, byte[] key, byte[] value) {
        BpfMap map = map(mapName);
        int keySize = map.spec().keySize();
        if (key.length != keySize) {
            throw new IllegalArgumentException("map '" + mapName + "' has " + keySize + "-byte keys; got "
                    + key.length + " bytes");
        }
        int valueSize = map.spec().valueSize();
        if (value.length != valueSize) {
            throw new IllegalArgumentException("map '" + mapName + "' has " + valueSize + "-byte values; got "
                    + value.length + " bytes");
        }
        int rc = map.update(key, value, 0);
        if (rc != 0) {
            throw new IllegalArgumentException("map '" + mapName + "' (" + map.spec().type() + ") refused the update: "
                    + errno(rc));
        }
    }

    private static String errno(int rc) {
        return switch (-rc) {
            case 2 -> "ENOENT";
            case 7 -> "E2BIG";
            case 17 -> "EEXIST";
            case 22 -> "EINVAL";
            case 28 -> "ENOSPC";
            case 95, 524 -> "not supported for this map type";
            default -> "error " + rc;
        };
    }

    /** The entries of map {@code mapName}, one per line, typed by BTF when the object has it ({@link BpfObject#dump}). */
    public String dump(String mapName) {
        return requireObject().dump(mapName);
    }

    /** The object's maps. */
    public List<ObjectMap> maps() {
        return object == null ? List.of() : object.maps();
    }

    private BpfObject requireObject() {
        if (object == null) {
            throw new IllegalStateException("this runtime has no object file");
        }
        return object;
    }

    /** The output machines print to: follows later {@link #onPrintk}/{@link #tracePipeFormat} changes. */
    Output output() {
        Output plain = line -> printk.accept(line);
        Output decorated = TracePipeFormat.decorate(plain);
        return line -> (tracePipe ? decorated : plain).printk(line);
    }

    /** Hands the records committed so far to their handlers. */
    void drainRingBuffers() {
        for (RingBufferHandler h : ringBufferHandlers) {
            h.map().consume(data -> {
                h.handler().accept(data);
                return 0;
            });
        }
    }
}
