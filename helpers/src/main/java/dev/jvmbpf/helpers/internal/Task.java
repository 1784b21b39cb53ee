package dev.jvmbpf.helpers.internal;

import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.exec.TaskSettings;
import dev.jvmbpf.runtime.maps.Cpus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/** Helpers about the current task and time: 5, 7, 8, 14-16, 35, 118, 125, 160, 208. */
public final class Task {
    private static final long PID = ProcessHandle.current().pid();
    private static final byte[] COMM = readComm();
    /** Jiffies tick at 250 Hz, the common kernel default; the counter starts 5 minutes before wrapping 32 bits. */
    private static final long HZ = 250;
    private static final long INITIAL_JIFFIES = (1L << 32) - 300 * HZ;

    private Task() {
    }

    private static byte[] readComm() {
        String name;
        try {
            name = Files.readString(Path.of("/proc/self/comm"), StandardCharsets.UTF_8).strip();
        } catch (IOException | RuntimeException e) {
            name = "java";
        }
        byte[] b = name.getBytes(StandardCharsets.UTF_8);
        return java.util.Arrays.copyOf(b, Math.min(b.length, TaskSettings.COMM_LEN - 1));
    }

    /** The process name as the kernel keeps it: at most 15 bytes. */
    public static String comm() {
        return new String(COMM, StandardCharsets.UTF_8);
    }

    public static long pidTgid(Machine m, long r1, long r2, long r3, long r4, long r5) {
        TaskSettings t = m.task();
        long tgid = t.effectiveTgid() != null ? t.effectiveTgid() & 0xffffffffL : PID;
        long pid = t.effectivePid() != null ? t.effectivePid() : Native.currentTid();
        return tgid << 32 | (pid & 0xffffffffL);
    }

    public static long uidGid(Machine m, long r1, long r2, long r3, long r4, long r5) {
        TaskSettings t = m.task();
        long uid = t.uid() != null ? t.uid() : Native.uid();
        long gid = t.gid() != null ? t.gid() : Native.gid();
        return (gid & 0xffffffffL) << 32 | (uid & 0xffffffffL);
    }

    /** Copies the comm, cut to {@code size - 1} bytes, NUL-padded to {@code size}. */
    public static long comm(Machine m, long buf, long size, long r3, long r4, long r5) {
        long len = Mem.u32(size);
        Mem.require(m.memory(), buf, len, true, "get_current_comm");
        int n = (int) len;
        if (n == 0) {
            return 0;
        }
        byte[] out = new byte[n];
        String given = m.task().comm();
        byte[] comm = given != null ? given.getBytes(StandardCharsets.UTF_8) : COMM;
        System.arraycopy(comm, 0, out, 0, Math.min(comm.length, n - 1));
        m.memory().write(buf, out, 0, n);
        return 0;
    }

    public static long ktimeNs(Machine m, long r1, long r2, long r3, long r4, long r5) {
        Long fixed = m.task().timeNanos();
        return fixed != null ? fixed : System.nanoTime();
    }

    public static long ktimeBootNs(Machine m, long r1, long r2, long r3, long r4, long r5) {
        Long fixed = m.task().timeNanos();
        return fixed != null ? fixed : Native.clockNanos(Native.CLOCK_BOOTTIME);
    }

    public static long ktimeCoarseNs(Machine m, long r1, long r2, long r3, long r4, long r5) {
        Long fixed = m.task().timeNanos();
        return fixed != null ? fixed : Native.clockNanos(Native.CLOCK_MONOTONIC_COARSE);
    }

    public static long ktimeTaiNs(Machine m, long r1, long r2, long r3, long r4, long r5) {
        Long fixed = m.task().timeNanos();
        return fixed != null ? fixed : Native.clockNanos(Native.CLOCK_TAI);
    }

    public static long jiffies64(Machine m, long r1, long r2, long r3, long r4, long r5) {
        return INITIAL_JIFFIES + Native.clockNanos(Native.CLOCK_BOOTTIME) / (1_000_000_000L / HZ);
    }

    public static long prandomU32(Machine m, long r1, long r2, long r3, long r4, long r5) {
        return ThreadLocalRandom.current().nextInt() & 0xffffffffL;
    }

    /** The calling thread's CPU as per-CPU maps see it ({@link Cpus}), or the one the run's task settings name. */
    public static long smpProcessorId(Machine m, long r1, long r2, long r3, long r4, long r5) {
        Integer cpu = m.task().cpu();
        return cpu != null ? cpu : Cpus.current();
    }

    /** No kernel task exists to point at: the helper reports NULL, which programs must handle. */
    public static long currentTask(Machine m, long r1, long r2, long r3, long r4, long r5) {
        return 0;
    }

    /** One NUMA node. */
    public static long numaNodeId(Machine m, long r1, long r2, long r3, long r4, long r5) {
        return 0;
    }

    /** No attachment carries a cookie here. */
    public static long attachCookie(Machine m, long r1, long r2, long r3, long r4, long r5) {
        return 0;
    }

    private static volatile long cgroupId = -1;

    /**
     * The id of the process's cgroup (v2): the inode number of its directory under
     * /sys/fs/cgroup, which is what the kernel reports. 0 when it cannot be found.
     */
    public static long cgroupId(Machine m, long r1, long r2, long r3, long r4, long r5) {
        long id = cgroupId;
        if (id < 0) {
            id = findCgroupId();
            cgroupId = id;
        }
        return id;
    }

    private static long findCgroupId() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
                if (line.startsWith("0::")) {
                    Object ino = Files.getAttribute(Path.of("/sys/fs/cgroup" + line.substring(3)), "unix:ino");
                    return ((Number) ino).longValue();
                }
            }
        } catch (IOException | RuntimeException e) {
            // no cgroup v2 here
        }
        return 0;
    }
}
