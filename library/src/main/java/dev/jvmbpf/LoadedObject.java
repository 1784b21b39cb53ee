package dev.jvmbpf;

import dev.jvmbpf.helpers.TracePipeFormat;
import dev.jvmbpf.runtime.exec.Engine;
import dev.jvmbpf.runtime.exec.Executable;
import dev.jvmbpf.runtime.exec.HelperTable;
import dev.jvmbpf.runtime.exec.LoadException;
import dev.jvmbpf.runtime.exec.Output;
import dev.jvmbpf.runtime.exec.TaskSettings;
import dev.jvmbpf.runtime.maps.BpfMap;
import dev.jvmbpf.runtime.maps.Errno;
import dev.jvmbpf.runtime.maps.PerfEventArrayMap;
import dev.jvmbpf.runtime.maps.RingBufferMap;
import dev.jvmbpf.runtime.maps.UserRingBufferMap;
import dev.jvmbpf.runtime.object.BpfObject;
import dev.jvmbpf.runtime.object.ObjectMap;
import dev.jvmbpf.runtime.object.ObjectProgram;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.verifier.VerifiedProgram;
import dev.jvmbpf.runtime.verifier.Verifier;
import dev.jvmbpf.runtime.verifier.VerifierException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The programs of an object, verified and loaded on an engine, with their maps and global
 * variables (cilium/ebpf's {@code Collection}, a loaded libbpf {@code bpf_object}). Made by
 * {@link ObjectSpec#load()}. Every program shares the object's maps; program arrays the object
 * fills declaratively ({@code .values = { [0] = &prog }}) hold programs loaded on the same engine,
 * so tail calls work.
 *
 * <p>{@link #close()} ends the object's life: later runs, map accesses and variable accesses
 * throw {@link IllegalStateException} naming the object, and the ring-buffer and perf handlers are
 * dropped. The engines hold nothing outside the Java heap, so closing is about using a
 * finished object by mistake; unreferenced objects are collected either way.
 */
public final class LoadedObject implements AutoCloseable {
    private final String name;
    private final BpfObject object;
    private final ObjectSpec.Settings settings;
    private final Engine engine;
    private final Map<String, Program> programs = new LinkedHashMap<>();
    private final Map<String, TypedMap> typedMaps = new HashMap<>();
    private final Map<String, RingBufferHandler> ringBuffers = new LinkedHashMap<>();
    /** What every run drains, copied on each change so that runs read it without a lock. */
    private volatile List<RingBufferHandler> ringBufferHandlers = List.of();
    private final List<PerfEventArrayMap> subscribed = new ArrayList<>();
    private final Output output;
    /** Programs loaded for program array slots (and the chosen ones), by name: each loaded once. */
    private final Map<String, Executable> slotPrograms = new HashMap<>();
    private final HelperTable helpers;
    private final boolean verify;
    private volatile boolean closed;

    private record RingBufferHandler(RingBufferMap map, Consumer<byte[]> handler) {
    }

    LoadedObject(String name, BpfObject object, ObjectSpec.Settings settings, Engine engine, HelperTable helpers,
            boolean verify, List<BpfProgram> all, Set<String> chosen) {
        this.name = name;
        this.object = object;
        this.settings = settings;
        this.engine = engine;
        Output plain = line -> settings.printk.accept(line);
        this.output = settings.tracePipe ? TracePipeFormat.decorate(plain) : plain;
        this.helpers = helpers;
        this.verify = verify;
        Map<String, Executable> loaded = slotPrograms;
        for (BpfProgram p : all) {
            if (!chosen.contains(p.name())) {
                continue;
            }
            ObjectProgram described = object == null ? null : object.program(p.name());
            VerifiedProgram verified = verify(p, described, helpers, verify);
            Executable exe = engine.load(verified, helpers);
            loaded.put(p.name(), exe);
            programs.put(p.name(), new Program(this, described, verified, exe));
        }
        if (object != null) {
            object.fillProgramArrays(prog -> loaded.computeIfAbsent(prog.name(),
                    n -> engine.load(verify(prog, object.program(n), helpers, verify), helpers)));
        }
    }

    /**
     * Program {@code programName} of the object loaded on its engine, for a program array's slot:
     * the loaded one when it was chosen or is in a slot already, else verified and loaded now.
     */
    synchronized Executable executableForSlot(String programName) {
        checkOpen();
        if (object == null) {
            throw new LoadException(name + " is a bare program; it has no program named '" + programName + "'");
        }
        Executable e = slotPrograms.get(programName);
        if (e == null) {
            ObjectProgram described = object.program(programName);
            e = engine.load(verify(described.program(), described, helpers, verify), helpers);
            slotPrograms.put(programName, e);
        }
        return e;
    }

    /** Runs the verifier; a refusal is a {@link LoadException} naming the program and, when known, the source line. */
    private static VerifiedProgram verify(BpfProgram program, ObjectProgram described, HelperTable helpers,
            boolean verify) {
        if (!verify) {
            return VerifiedProgram.unverified(program);
        }
        try {
            return Verifier.verify(program, helpers);
        } catch (VerifierException e) {
            String where = described != null && e.pc() >= 0 ? " [at " + described.describe(e.pc()) + "]" : "";
            throw new LoadException("program '" + program.name() + "' rejected by the verifier: " + e.getMessage()
                    + where, e);
        }
    }

    /** The object's name (a bare program's name). */
    public String name() {
        return name;
    }

    /** The engine its programs run on. */
    public Engine engine() {
        return engine;
    }

    /** The loaded programs, in file order. */
    public List<Program> programs() {
        return List.copyOf(programs.values());
    }

    /** Loaded program {@code programName}; a {@link LoadException} naming the loaded ones when it is not one. */
    public Program program(String programName) {
        Program p = programs.get(programName);
        if (p == null) {
            boolean exists = object != null && object.programs().stream().anyMatch(o -> o.name().equals(programName));
            throw new LoadException(name + ": " + (exists ? "program '" + programName + "' was not loaded"
                    : "no program named '" + programName + "'") + "; loaded: " + programs.keySet());
        }
        return p;
    }

    /** The only loaded program; a {@link LoadException} naming them when there are several. */
    public Program program() {
        if (programs.size() != 1) {
            throw new LoadException(name + ": " + (programs.isEmpty() ? "has no programs"
                    : "has " + programs.size() + " programs " + programs.keySet() + "; choose one"));
        }
        return programs.values().iterator().next();
    }

    /**
     * Map {@code mapName} with typed access to its elements; global data maps answer to their
     * section name ({@code .rodata}) too. A {@link LoadException} listing the maps when there is none.
     */
    public synchronized TypedMap map(String mapName) {
        checkOpen();
        if (object == null) {
            throw new LoadException(name + " is a bare program; it has no map named '" + mapName + "'");
        }
        ObjectMap m = object.map(mapName);
        return typedMaps.computeIfAbsent(m.name(), n -> new TypedMap(this, m, object.btf()));
    }

    /** Every map, in declaration order. */
    public List<TypedMap> maps() {
        List<TypedMap> out = new ArrayList<>();
        if (object != null) {
            for (ObjectMap m : object.maps()) {
                out.add(map(m.name()));
            }
        }
        return out;
    }

    /**
     * Global variable {@code variableName} (BTF-described, in {@code .data}, {@code .bss},
     * {@code .rodata}...); a {@link LoadException} listing them when there is none.
     */
    public Variable variable(String variableName) {
        checkOpen();
        if (object == null) {
            throw new LoadException(name + " is a bare program; it has no global variable '" + variableName + "'");
        }
        return Variable.find(this, object, variableName);
    }

    /** Changes the instruction budget of later runs (0: unlimited). */
    public LoadedObject budget(long instructions) {
        settings.budget = ObjectSpec.Settings.checkedBudget(instructions);
        return this;
    }

    /** Changes the time limit of later runs (null: none); see {@link ObjectSpec#deadline}. */
    public LoadedObject deadline(Duration perRun) {
        settings.deadline = ObjectSpec.Settings.checkedDeadline(perRun);
        return this;
    }

    /** Changes what the task and clock helpers report in later runs; see {@link ObjectSpec#task}. */
    public LoadedObject task(TaskSettings task) {
        settings.task = ObjectSpec.Settings.checkedTask(task);
        return this;
    }

    /** What the task and clock helpers report. */
    public TaskSettings task() {
        return settings.task;
    }

    long budget() {
        return settings.budget;
    }

    Duration deadline() {
        return settings.deadline;
    }

    /**
     * Hands each record the programs commit to ring buffer {@code mapName} to {@code handler} (a
     * copy of its bytes), on the thread that ran the program, at the end of each run; records
     * waiting from earlier runs come with the next run.
     */
    public synchronized LoadedObject onRingBuffer(String mapName, Consumer<byte[]> handler) {
        BpfMap map = map(mapName).raw();
        if (!(map instanceof RingBufferMap rb)) {
            throw new IllegalArgumentException("map '" + mapName + "' is a " + map.spec().type() + " map, not a ring buffer");
        }
        ringBuffers.put(mapName, new RingBufferHandler(rb, Objects.requireNonNull(handler)));
        ringBufferHandlers = List.copyOf(ringBuffers.values());
        return this;
    }

    /**
     * Submits {@code sample} to user ring buffer {@code mapName}, as libbpf's
     * {@code user_ring_buffer__reserve} and {@code __submit} do, for programs to drain with
     * {@code bpf_user_ringbuf_drain}, each sample once, oldest first. Throws
     * {@link IllegalStateException} when the ring has no room left (drain it by running a
     * program) or the sample can never fit it.
     */
    public LoadedObject submitUserSample(String mapName, byte[] sample) {
        BpfMap map = map(mapName).raw();
        if (!(map instanceof UserRingBufferMap ring)) {
            throw new IllegalArgumentException("map '" + mapName + "' is a " + map.spec().type()
                    + " map, not a user ring buffer");
        }
        int rc = ring.submit(Objects.requireNonNull(sample));
        if (rc != 0) {
            throw new IllegalStateException("user ring buffer '" + mapName + "' (" + ring.spec().maxEntries()
                    + " bytes): " + (rc == -Errno.E2BIG ? "a sample of " + sample.length + " bytes never fits"
                    : "no room for " + sample.length + " more bytes until programs drain it"));
        }
        return this;
    }

    /**
     * Opens every slot of perf event array {@code mapName} and hands each sample to
     * {@code handler} with its slot (the CPU by convention), as {@code bpf_perf_event_output} sends it.
     */
    public synchronized LoadedObject onPerfEvent(String mapName, BiConsumer<Integer, byte[]> handler) {
        BpfMap map = map(mapName).raw();
        if (!(map instanceof PerfEventArrayMap perf)) {
            throw new IllegalArgumentException("map '" + mapName + "' is a " + map.spec().type()
                    + " map, not a perf event array");
        }
        Objects.requireNonNull(handler);
        for (int slot = 0; slot < perf.spec().maxEntries(); slot++) {
            int s = slot;
            perf.subscribe(slot, data -> handler.accept(s, data));
        }
        subscribed.add(perf);
        return this;
    }

    /** The runtime's object behind this one: its BTF, maps and programs as the loader made them; null for a bare program. */
    public BpfObject object() {
        return object;
    }

    /** Ends this object's use: later runs and accesses throw {@link IllegalStateException}. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        ringBuffers.clear();
        ringBufferHandlers = List.of();
        for (PerfEventArrayMap perf : subscribed) {
            for (int slot = 0; slot < perf.spec().maxEntries(); slot++) {
                perf.close(slot);
            }
        }
        subscribed.clear();
    }

    public boolean isClosed() {
        return closed;
    }

    void checkOpen() {
        if (closed) {
            throw new IllegalStateException("object '" + name + "' is closed");
        }
    }

    Output output() {
        return output;
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
