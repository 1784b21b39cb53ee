package dev.jvmbpf;

import dev.jvmbpf.helpers.TracePipeFormat;
import dev.jvmbpf.helpers.context.TracepointContext;
import dev.jvmbpf.internal.EventHelpers;
import dev.jvmbpf.kernel.KernelEvent;
import dev.jvmbpf.kernel.KernelTracer;
import dev.jvmbpf.kernel.TraceTarget;
import dev.jvmbpf.runtime.exec.HelperTable;
import dev.jvmbpf.runtime.maps.Cpus;
import dev.jvmbpf.runtime.memory.BpfFault;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Trace mode: the object's tracepoint and raw tracepoint programs run in the JVM on the running
 * kernel's real events. For each program a small forwarding program in the kernel copies every
 * occurrence of its event (the record, and what the task and time helpers return there) into a
 * ring buffer; a thread of this handle reads it and runs the program on each event on the spec's
 * engine, with {@code bpf_get_current_pid_tgid}, {@code bpf_get_current_comm},
 * {@code bpf_ktime_get_ns} and {@code bpf_get_smp_processor_id} returning the event's values and
 * {@code bpf_printk} lines in trace_pipe format with the event's task, CPU and time. The maps
 * live in the JVM across events.
 *
 * <pre>{@code
 * try (Trace t = Trace.attach(Bpf.open(Path.of("execve_trace.o")).engine(Bpf.jit()), e -> { })) {
 *     Thread.sleep(5_000);
 *     System.out.println(t.stats());
 * }
 * }</pre>
 *
 * <p>Needs root (bpf(2), perf_event_open) and tracefs for tracepoints. {@link #close()} stops the
 * thread and releases every kernel object; the loaded object stays readable (its maps) until
 * closed with it.
 */
public final class Trace implements AutoCloseable {
    private static final int POLL_MILLIS = 100;
    private static final int BATCH = 4096;

    private final LoadedObject object;
    private final List<Program> programs;
    private final KernelTracer tracer;
    private final EventHelpers helpers;
    private final Consumer<TraceEvent> onEvent;
    private final Thread worker;
    private volatile boolean stopping;
    private volatile long seen;
    private volatile long run;
    private volatile long faults;
    private volatile long cpuNanos;
    private volatile Throwable failure;
    private KernelEvent current;

    private Trace(LoadedObject object, List<Program> programs, KernelTracer tracer, EventHelpers helpers,
            Consumer<TraceEvent> onEvent) {
        this.object = object;
        this.programs = programs;
        this.tracer = tracer;
        this.helpers = helpers;
        this.onEvent = onEvent;
        this.worker = Thread.ofPlatform().name("jvmbpf-trace").daemon().unstarted(this::loop);
    }

    /** Traces every tracepoint and raw tracepoint program of the object. */
    public static Trace attach(ObjectSpec spec, Consumer<TraceEvent> onEvent) {
        return attach(spec, List.of(), onEvent);
    }

    /**
     * Traces the named programs (all traceable ones when {@code programNames} is empty), calling
     * {@code onEvent} on the trace's thread after each run. A program that is no tracepoint or
     * raw tracepoint program is an {@link IllegalArgumentException}; a kernel that cannot load or
     * attach the forwarders an {@link IllegalStateException} with one line saying why.
     */
    public static Trace attach(ObjectSpec spec, List<String> programNames, Consumer<TraceEvent> onEvent) {
        Objects.requireNonNull(onEvent, "onEvent");
        List<String> names = new ArrayList<>();
        List<TraceTarget> targets = new ArrayList<>();
        if (programNames.isEmpty()) {
            for (ProgramSpec p : spec.programs()) {
                try {
                    targets.add(TraceTarget.of(p.type(), p.section()));
                    names.add(p.name());
                } catch (IllegalArgumentException notTraceable) {
                    // only the traceable programs are chosen
                }
            }
            if (names.isEmpty()) {
                throw new IllegalArgumentException(spec.name() + ": no tracepoint or raw tracepoint program to trace"
                        + " (sections: " + spec.programs().stream().map(ProgramSpec::section).toList() + ")");
            }
        } else {
            for (String n : programNames) {
                ProgramSpec p = spec.program(n);
                try {
                    targets.add(TraceTarget.of(p.type(), p.section()));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("program '" + n + "': " + e.getMessage(), e);
                }
                names.add(n);
            }
        }
        EventHelpers helpers = new EventHelpers();
        HelperTable base = spec.helperTable();
        Consumer<String> printk = spec.printkSink();
        boolean tracePipe = spec.tracePipe();
        Trace[] self = new Trace[1];
        LoadedObject object;
        try {
            spec.helpers(helpers.table(base)).tracePipeFormat(false)
                    .onPrintk(line -> printk.accept(self[0].tracePipeLine(line)));
            object = spec.load(names.getFirst(), names.subList(1, names.size()).toArray(String[]::new));
        } finally {
            spec.helpers(base).onPrintk(printk).tracePipeFormat(tracePipe);
        }
        KernelTracer tracer;
        try {
            tracer = KernelTracer.attach(targets, KernelTracer.DEFAULT_RING_BUFFER_BYTES);
        } catch (RuntimeException e) {
            object.close();
            throw e;
        }
        List<Program> loaded = names.stream().map(object::program).toList();
        Trace t = new Trace(object, loaded, tracer, helpers, onEvent);
        self[0] = t;
        t.worker.start();
        return t;
    }

    private String tracePipeLine(String message) {
        KernelEvent e = current;
        if (e == null) {
            return TracePipeFormat.formatNow(message);
        }
        return TracePipeFormat.format(e.commText(), e.tid(), e.cpu(), TracePipeFormat.DEFAULT_FLAGS, e.ktimeNanos(),
                message);
    }

    private void loop() {
        try {
            while (!stopping) {
                if (tracer.await(POLL_MILLIS)) {
                    tracer.drain(BATCH, this::dispatch);
                }
            }
        } catch (Throwable t) {
            failure = t;
        } finally {
            cpuNanos = threadCpuNanos();
            tracer.close();
        }
    }

    /** The CPU time of the trace's thread so far (0 where the JVM does not measure it). */
    private long threadCpuNanos() {
        ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        long t = bean.isThreadCpuTimeSupported() ? bean.getThreadCpuTime(worker.threadId()) : -1;
        return t < 0 ? cpuNanos : t;
    }

    private void dispatch(KernelEvent e) {
        if (stopping) {
            return;
        }
        seen++;
        Program p = programs.get(e.target());
        current = e;
        helpers.set(e.pidTgid(), e.uidGid(), e.ktimeNanos(), e.cpu(), e.comm());
        Cpus.pin(Math.floorMod(e.cpu(), Cpus.count()));
        long r0 = 0;
        BpfFault fault = null;
        try {
            r0 = p.run(new TracepointContext(e.context()));
            run++;
        } catch (BpfFault f) {
            fault = f;
            faults++;
        }
        onEvent.accept(new TraceEvent(p.name(), e.tgid(), e.tid(), e.commText(), e.cpu(), e.ktimeNanos(), r0, fault));
    }

    /** The loaded object: its programs and maps (kept across events). */
    public LoadedObject object() {
        return object;
    }

    /** The traced programs. */
    public List<Program> programs() {
        return programs;
    }

    /** Counts so far. */
    public TraceStats stats() {
        return new TraceStats(seen, run, tracer.dropped(), faults, helpers.failedReads(),
                worker.isAlive() ? threadCpuNanos() : cpuNanos);
    }

    /** Asks the trace to stop after the current event (callable from {@code onEvent}); {@link #close()} still releases. */
    public void stop() {
        stopping = true;
    }

    /** Waits up to {@code millis} for the trace's thread to end; true when it has ended. */
    public boolean await(long millis) throws InterruptedException {
        worker.join(Math.max(1, millis));
        return !worker.isAlive();
    }

    /** Why the trace's thread ended early (the callback threw, the ring buffer failed), or null. */
    public Throwable failure() {
        return failure;
    }

    /**
     * Stops the trace, detaches and frees the kernel objects and closes the loaded object (read
     * its maps before). Idempotent.
     */
    @Override
    public void close() {
        stopping = true;
        if (Thread.currentThread() != worker) {
            try {
                worker.join(POLL_MILLIS * 20L);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (worker.isAlive()) {
                // A long run: stop it where it is.
                worker.interrupt();
                try {
                    worker.join(POLL_MILLIS * 20L);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        tracer.close();
        object.close();
    }
}
