package dev.jvmbpf.cli;

import dev.jvmbpf.Bpf;
import dev.jvmbpf.LoadedObject;
import dev.jvmbpf.ObjectSpec;
import dev.jvmbpf.Program;
import dev.jvmbpf.ProgramSpec;
import dev.jvmbpf.Trace;
import dev.jvmbpf.TraceEvent;
import dev.jvmbpf.TraceStats;
import dev.jvmbpf.TypedMap;
import dev.jvmbpf.cli.internal.RunReport;
import dev.jvmbpf.jit.JitEngine;
import dev.jvmbpf.kernel.KernelAvailability;
import dev.jvmbpf.kernel.KernelBpf;
import dev.jvmbpf.kernel.KernelObjectProgram;
import dev.jvmbpf.kernel.KernelTracer;
import dev.jvmbpf.kernel.TraceTarget;
import dev.jvmbpf.runtime.exec.Engine;
import dev.jvmbpf.runtime.exec.LoadException;
import dev.jvmbpf.runtime.interp.Interpreter;
import dev.jvmbpf.runtime.maps.MapType;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code jvmbpf trace PROG.o}: runs the object's tracepoint programs in the JVM on the running
 * kernel's events ({@link Trace}) until Ctrl-C, {@code --count} or {@code --duration}.
 */
@Command(name = "trace", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs an object's tracepoint and raw tracepoint programs in the JVM on the running kernel's real"
            + " events: a forwarding program in the kernel copies each event into a ring buffer the JVM reads.",
            "Prints bpf_printk lines in trace_pipe format (the event's task, CPU and time) and ring-buffer records"
            + " as they come, a live summary on stderr, and the maps at the end with --dump-maps.",
            "Needs root and tracefs. Stops on Ctrl-C, --count or --duration; exits with 0 then, 1 when the"
            + " kernel cannot load or attach."})
final class TraceCommand implements java.util.concurrent.Callable<Integer> {
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)?");

    @Parameters(paramLabel = "PROG.o", description = "object file with tracepoint (tp/CATEGORY/NAME) or raw"
            + " tracepoint (raw_tp/NAME) programs")
    Path file;

    @Option(names = {"--program", "-p"}, paramLabel = "NAME", description = "Traces only this program (repeatable;"
            + " default: every traceable program).")
    List<String> programs = List.of();

    @Option(names = "--count", paramLabel = "N", description = "Stops after N events.")
    long count;

    @Option(names = "--duration", paramLabel = "D", description = "Stops after D (10s, 500ms, 2m; a bare number is"
            + " seconds).")
    String duration;

    @Option(names = "--dump-maps", description = "At the end, prints every map's entries (typed by BTF when known).")
    boolean dumpMaps;

    @Option(names = "--all", description = "With --dump-maps: arrays' all-zero entries too (left out by default).")
    boolean allEntries;

    @Option(names = "--engine", defaultValue = JitEngine.NAME, paramLabel = "NAME",
            description = "interpreter, jit or kernel (default: ${DEFAULT-VALUE}). The kernel runs the programs"
                    + " themselves in the kernel on the same events, with their maps there, read back at the end.")
    String engineName;

    @Option(names = "--budget", defaultValue = "" + RunCommand.DEFAULT_BUDGET, paramLabel = "N",
            description = "Instructions one run may execute (0: unlimited; default: ${DEFAULT-VALUE}).")
    long budget;

    @Option(names = "--quiet", description = "No live summary on stderr (the final one is still printed).")
    boolean quiet;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return Failure.guarded(spec, this::execute);
    }

    static Duration parseDuration(String text) {
        Matcher m = DURATION.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new UsageError("--duration: '" + text + "' is no duration (10s, 500ms, 2m, 1h)");
        }
        double n = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        double millis = n * switch (unit) {
            case "ms" -> 1;
            case "m" -> 60_000;
            case "h" -> 3_600_000;
            default -> 1_000;
        };
        if (millis < 1) {
            throw new UsageError("--duration must be at least 1ms, got '" + text + "'");
        }
        return Duration.ofMillis((long) millis);
    }

    private int execute() {
        if (count < 0) {
            throw new UsageError("--count must be at least 1 (0: no limit), got " + count);
        }
        if (budget < 0) {
            throw new UsageError("--budget must be at least 0, got " + budget);
        }
        Duration limit = duration == null ? null : parseDuration(duration);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        RunReport report = new RunReport(out, false, false);
        if (engineName.equals(KERNEL)) {
            if (count > 0) {
                throw new UsageError("--count needs an engine in the JVM, which sees each event; the kernel engine"
                        + " stops on --duration or Ctrl-C");
            }
            return traceInKernel(limit, report, err);
        }
        Engine engine = switch (engineName) {
            case Interpreter.NAME, JitEngine.NAME -> Bpf.engine(engineName);
            default -> throw new UsageError("unknown engine '" + engineName + "' for trace (interpreter, jit, kernel)");
        };
        ObjectSpec objectSpec = Bpf.open(file).engine(engine).budget(budget).onPrintk(report::printk);
        AtomicLong events = new AtomicLong();
        CountDownLatch enough = new CountDownLatch(1);
        Trace[] handle = new Trace[1];
        Trace trace = Trace.attach(objectSpec, programs, e -> {
            long n = events.incrementAndGet();
            if (e.fault() != null) {
                // The trace goes on: one event's fault is reported, counted, and the next event runs.
                synchronized (err) {
                    err.println("jvmbpf: " + e.program() + " faulted on an event of " + e.comm() + "-" + e.tid()
                            + ": " + e.fault().getMessage());
                    err.flush();
                }
            }
            if (count > 0 && n >= count) {
                handle[0].stop();
                enough.countDown();
            }
        });
        handle[0] = trace;
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = stopHook(enough, finished);
        boolean hooked = addHook(hook);
        try {
            for (TypedMap m : trace.object().maps()) {
                if (m.type() == MapType.RINGBUF) {
                    trace.object().onRingBuffer(m.name(), data -> report.record(m.name(), data));
                } else if (m.type() == MapType.PERF_EVENT_ARRAY) {
                    trace.object().onPerfEvent(m.name(), (slot, data) -> report.record(m.name() + "[" + slot + "]",
                            data));
                }
            }
            err.println("jvmbpf: tracing " + trace.programs().stream().map(p -> p.name() + " (" + p.section() + ")")
                    .collect(Collectors.joining(", ")) + " on the " + engine.name() + "; Ctrl-C to stop");
            err.flush();
            long start = System.nanoTime();
            boolean live = !quiet && System.console() != null && System.console().isTerminal();
            while (true) {
                long waitMillis = 1000;
                if (limit != null) {
                    long left = limit.toMillis() - (System.nanoTime() - start) / 1_000_000;
                    if (left <= 0) {
                        break;
                    }
                    waitMillis = Math.min(waitMillis, left);
                }
                if (enough.await(waitMillis, TimeUnit.MILLISECONDS) || trace.await(1)) {
                    break;
                }
                if (live) {
                    err.print("\r" + summary(trace.stats(), System.nanoTime() - start));
                    err.flush();
                }
            }
            trace.stop();
            trace.await(2000);
            long elapsed = System.nanoTime() - start;
            if (live) {
                err.print("\r");
            }
            err.println("jvmbpf: " + summary(trace.stats(), elapsed));
            err.flush();
            if (dumpMaps) {
                report.maps(trace.object(), allEntries);
            }
            out.flush();
            Throwable failure = trace.failure();
            if (failure != null) {
                return Failure.report(spec, "trace stopped: " + failure);
            }
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Failure.report(spec, "trace interrupted");
        } finally {
            trace.close();
            finished.countDown();
            removeHook(hook, hooked);
        }
    }

    private static final String KERNEL = "kernel";

    /**
     * The programs themselves in the kernel, attached to their events, their maps created there:
     * what the JVM's results are compared with. Ring-buffer records and perf samples are read as
     * they come; the maps are read back at the end for --dump-maps.
     */
    private int traceInKernel(Duration limit, RunReport report, PrintWriter err) {
        KernelAvailability a = KernelBpf.availability();
        if (!a.available()) {
            throw new IllegalStateException("trace: " + a.refusal());
        }
        ObjectSpec objectSpec = Bpf.open(file).engine(Bpf.interpreter());
        List<String> names = programs.isEmpty() ? objectSpec.programs().stream().filter(p -> traceable(p))
                .map(ProgramSpec::name).toList() : programs;
        if (names.isEmpty()) {
            throw new IllegalArgumentException(file + ": no tracepoint or raw tracepoint program to trace");
        }
        LoadedObject object = objectSpec.load(names.getFirst(), names.subList(1, names.size()).toArray(String[]::new));
        List<KernelObjectProgram> loaded = new ArrayList<>();
        List<KernelTracer.Attachment> attached = new ArrayList<>();
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = stopHook(stop, finished);
        boolean hooked = addHook(hook);
        try {
            for (String n : names) {
                Program p = object.program(n);
                TraceTarget target;
                try {
                    target = TraceTarget.of(p.type(), p.section());
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("program '" + n + "': " + e.getMessage(), e);
                }
                KernelObjectProgram k = KernelObjectProgram.loadForTracing(p.bpfProgram());
                loaded.add(k);
                attached.add(KernelTracer.attachProgram(k, target));
            }
            err.println("jvmbpf: tracing " + String.join(", ", names) + " in the kernel; Ctrl-C to stop"
                    + (loaded.size() > 1 ? " (each program has maps of its own there)" : ""));
            err.flush();
            long start = System.nanoTime();
            while (true) {
                long waitMillis = 200;
                if (limit != null) {
                    long left = limit.toMillis() - (System.nanoTime() - start) / 1_000_000;
                    if (left <= 0) {
                        break;
                    }
                    waitMillis = Math.min(waitMillis, left);
                }
                if (stop.await(waitMillis, TimeUnit.MILLISECONDS)) {
                    break;
                }
                loaded.forEach(k -> RunCommand.drainRecords(k, report, err));
            }
            attached.forEach(KernelTracer.Attachment::close);
            attached.clear();
            loaded.forEach(k -> RunCommand.drainRecords(k, report, err));
            err.println(String.format(Locale.ROOT, "jvmbpf: ran in the kernel for %.1f s",
                    (System.nanoTime() - start) / 1e9));
            err.flush();
            if (dumpMaps) {
                loaded.forEach(KernelObjectProgram::copyMapsBack);
                report.maps(object, allEntries);
            }
            spec.commandLine().getOut().flush();
            return 0;
        } catch (LoadException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Failure.report(spec, "trace interrupted");
        } finally {
            attached.forEach(KernelTracer.Attachment::close);
            loaded.forEach(KernelObjectProgram::close);
            finished.countDown();
            removeHook(hook, hooked);
        }
    }

    private static boolean traceable(ProgramSpec p) {
        try {
            TraceTarget.of(p.type(), p.section());
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** On Ctrl-C: tells the main thread to stop, then gives it time to print and release the kernel objects. */
    private static Thread stopHook(CountDownLatch stop, CountDownLatch finished) {
        return new Thread(() -> {
            stop.countDown();
            try {
                finished.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "jvmbpf-trace-stop");
    }

    private static void removeHook(Thread hook, boolean hooked) {
        if (hooked) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: Ctrl-C
            }
        }
    }

    private static boolean addHook(Thread hook) {
        try {
            Runtime.getRuntime().addShutdownHook(hook);
            return true;
        } catch (IllegalStateException shuttingDown) {
            return false;
        }
    }

    static String summary(TraceStats s, long nanos) {
        double seconds = Math.max(1e-9, nanos / 1e9);
        return String.format(Locale.ROOT, "%d events seen, %d run, %d dropped, %d faults, %d failed probe reads;"
                + " %.0f events/s over %.1f s, %.0f events/s per CPU second", s.seen(), s.run(), s.dropped(),
                s.faults(), s.failedReads(), s.seen() / seconds, seconds, s.capacity());
    }
}
