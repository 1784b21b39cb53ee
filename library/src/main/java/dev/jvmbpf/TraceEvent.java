package dev.jvmbpf;

import dev.jvmbpf.runtime.memory.BpfFault;

/**
 * One kernel event a traced program ran on: where it happened (what the task and time helpers
 * returned to the program) and how the run ended.
 *
 * @param program the program that ran
 * @param tgid the process id ({@code bpf_get_current_pid_tgid() >> 32})
 * @param tid the thread id (its low 32 bits)
 * @param comm the task's name
 * @param cpu the CPU the event happened on
 * @param ktimeNanos {@code bpf_ktime_get_ns()} at the event
 * @param returnValue r0 at the end of the run (0 when it faulted)
 * @param fault how the run faulted, or null
 */
public record TraceEvent(String program, int tgid, int tid, String comm, int cpu, long ktimeNanos, long returnValue,
        BpfFault fault) {
}
