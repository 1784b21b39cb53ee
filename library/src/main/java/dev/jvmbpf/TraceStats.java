package dev.jvmbpf;

/**
 * What a {@link Trace} did so far.
 *
 * @param seen events read from the kernel
 * @param run runs that ended normally
 * @param dropped events the kernel could not forward because the ring buffer was full
 * @param faults runs that faulted
 * @param failedReads probe_read calls that returned an error (kernel or user memory the JVM cannot read)
 */
public record TraceStats(long seen, long run, long dropped, long faults, long failedReads) {
}
