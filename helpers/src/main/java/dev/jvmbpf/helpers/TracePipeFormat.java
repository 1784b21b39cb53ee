package dev.jvmbpf.helpers;

import dev.jvmbpf.helpers.internal.Native;
import dev.jvmbpf.helpers.internal.Task;
import dev.jvmbpf.runtime.exec.Output;
import dev.jvmbpf.runtime.maps.Cpus;
import java.util.Locale;

/**
 * Lines as {@code /sys/kernel/tracing/trace_pipe} shows {@code bpf_trace_printk} output:
 * {@code "            java-12345   [003] d..31  1234.567890: bpf_trace_printk: message"}
 * (task name right-aligned in 16 columns, thread id left-aligned in 7, CPU, the irq/preempt flags
 * the kernel shows for BPF programs, seconds.microseconds of the monotonic clock).
 */
public final class TracePipeFormat {
    /** The flags column trace_pipe typically shows for a tracing program. */
    public static final String DEFAULT_FLAGS = "d..31";

    private TracePipeFormat() {
    }

    /** One trace_pipe line. */
    public static String format(String comm, long tid, int cpu, String flags, long timestampNanos, String message) {
        long micros = timestampNanos / 1_000;
        return String.format(Locale.ROOT, "%16s-%-7d [%03d] %s %5d.%06d: bpf_trace_printk: %s", comm, tid, cpu,
                flags, micros / 1_000_000, micros % 1_000_000, message);
    }

    /** One trace_pipe line for a message printed now by the calling thread. */
    public static String formatNow(String message) {
        return format(Task.comm(), Native.currentTid(), Cpus.current(), DEFAULT_FLAGS, System.nanoTime(), message);
    }

    /** An output that decorates every line like trace_pipe before passing it to {@code delegate}. */
    public static Output decorate(Output delegate) {
        return line -> delegate.printk(formatNow(line));
    }
}
