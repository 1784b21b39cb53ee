package dev.jvmbpf.runtime.exec;

import java.nio.charset.StandardCharsets;

/**
 * What the task and clock helpers report for a run, in place of the JVM's own: the pid (thread
 * id) and tgid of {@code bpf_get_current_pid_tgid}, the uid and gid of
 * {@code bpf_get_current_uid_gid}, the comm of {@code bpf_get_current_comm}, the CPU of
 * {@code bpf_get_smp_processor_id} (and of per-CPU map slots), and a clock standing still at
 * {@code timeNanos} for the {@code bpf_ktime_get_*ns} helpers. A null field keeps the real
 * value. Setting only one of pid and tgid sets both, as for a process's main thread.
 */
public record TaskSettings(Integer pid, Integer tgid, Integer uid, Integer gid, String comm, Integer cpu,
        Long timeNanos) {
    /** The kernel's TASK_COMM_LEN: 15 bytes and a NUL. */
    public static final int COMM_LEN = 16;

    /** Nothing replaced: the JVM's own task, CPU and clock. */
    public static final TaskSettings HOST = new TaskSettings(null, null, null, null, null, null, null);

    public TaskSettings {
        if (comm != null && comm.getBytes(StandardCharsets.UTF_8).length >= COMM_LEN) {
            throw new IllegalArgumentException("a comm holds at most " + (COMM_LEN - 1) + " bytes; '" + comm + "' has "
                    + comm.getBytes(StandardCharsets.UTF_8).length);
        }
        if (cpu != null && cpu < 0) {
            throw new IllegalArgumentException("cpu must not be negative, got " + cpu);
        }
    }

    public TaskSettings withPid(int value) {
        return new TaskSettings(value, tgid, uid, gid, comm, cpu, timeNanos);
    }

    public TaskSettings withTgid(int value) {
        return new TaskSettings(pid, value, uid, gid, comm, cpu, timeNanos);
    }

    public TaskSettings withUid(int value) {
        return new TaskSettings(pid, tgid, value, gid, comm, cpu, timeNanos);
    }

    public TaskSettings withGid(int value) {
        return new TaskSettings(pid, tgid, uid, value, comm, cpu, timeNanos);
    }

    public TaskSettings withComm(String value) {
        return new TaskSettings(pid, tgid, uid, gid, value, cpu, timeNanos);
    }

    public TaskSettings withCpu(int value) {
        return new TaskSettings(pid, tgid, uid, gid, comm, value, timeNanos);
    }

    public TaskSettings withTimeNanos(long value) {
        return new TaskSettings(pid, tgid, uid, gid, comm, cpu, value);
    }

    /** Whether every field keeps the real value. */
    public boolean isHost() {
        return equals(HOST);
    }

    /** The pid the helpers report: this pid, else the tgid (a main thread), else null (the real one). */
    public Integer effectivePid() {
        return pid != null ? pid : tgid;
    }

    /** The tgid the helpers report: this tgid, else the pid, else null (the real one). */
    public Integer effectiveTgid() {
        return tgid != null ? tgid : pid;
    }
}
