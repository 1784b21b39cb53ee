package dev.jvmbpf.kernel.internal;

/**
 * The calling thread held on one CPU while it test-runs a program, so that the kernel runs the
 * program there: on the CPU the engines' per-CPU maps, perf event slots and
 * {@code bpf_get_smp_processor_id} use for the same thread. {@link #close()} gives the thread
 * back the CPUs it had.
 */
public final class CpuPin implements AutoCloseable {
    private final byte[] previous;

    private CpuPin(byte[] previous) {
        this.previous = previous;
    }

    /**
     * Pins the calling thread to {@code cpu}; null, leaving the thread where it is, when the
     * thread may not run there (a CPU outside its cgroup's set, or offline) or its affinity
     * cannot be read or set: the run then goes ahead unpinned rather than failing.
     */
    public static CpuPin to(int cpu) {
        if (cpu < 0 || cpu >= Libc.CPU_SET_BYTES * 8) {
            return null;
        }
        byte[] previous;
        try {
            previous = Libc.threadAffinity();
        } catch (SyscallException e) {
            return null;
        }
        if ((previous[cpu / 8] & 1 << cpu % 8) == 0) {
            return null;
        }
        byte[] only = new byte[Libc.CPU_SET_BYTES];
        only[cpu / 8] = (byte) (1 << cpu % 8);
        try {
            Libc.setThreadAffinity(only);
        } catch (SyscallException e) {
            return null;
        }
        return new CpuPin(previous);
    }

    /**
     * Gives the thread back its CPUs. A failed restore must not turn a finished test run into a
     * failure: the thread then stays on the one CPU, which it may run on, and the next pin
     * starts from there.
     */
    @Override
    public void close() {
        try {
            Libc.setThreadAffinity(previous);
        } catch (SyscallException e) {
            // Nothing useful to do: the run's result stands.
        }
    }
}
