package dev.jvmbpf.runtime.program;

/** What a program is attached to, which decides its context and the helpers it may call. */
public enum ProgramType {
    /** Raw code: r1 points at input memory, r2 holds its length (conformance vectors). */
    RAW,
    SOCKET_FILTER,
    KPROBE,
    SCHED_CLS,
    SCHED_ACT,
    TRACEPOINT,
    XDP,
    PERF_EVENT,
    RAW_TRACEPOINT,
    TRACING,
    SYSCALL
}
