package dev.jvmbpf;

/**
 * What a {@link Trace} did so far.
 *
 * @param seen events read from the kernel
 * @param run runs that ended normally
 * @param dropped events the kernel could not forward because the ring buffer was full
 * @param faults runs that faulted
 * @param failedReads probe_read calls that returned an error (kernel or user memory the JVM cannot read)
 * @param cpuNanos CPU time of the trace's thread (reading events, running programs), 0 when unknown
 */
public record TraceStats(long seen, long run, long dropped, long faults, long failedReads, long cpuNanos) {
    /**
     * Events per second of the trace thread's CPU time: what it sustains with a core of its own
     * when events never stop coming, whatever else the machine runs; 0 when unknown.
     */
    public double capacity() {
        return cpuNanos == 0 ? 0 : seen * 1e9 / cpuNanos;
    }
}
