package dev.jvmbpf.cli;

import dev.jvmbpf.runtime.object.SectionType;
import dev.jvmbpf.runtime.program.ProgramType;
import java.util.Locale;

/**
 * The program types {@code --type} names: libbpf's section prefixes ({@code xdp}, {@code socket},
 * {@code tc}, {@code classifier}, {@code action}, {@code kprobe}, {@code tracepoint}/{@code tp},
 * {@code raw_tp}, {@code perf_event}, {@code fentry}, ...), the kernel's enum names without
 * {@code BPF_PROG_TYPE_} in either case ({@code sched_cls}, {@code socket_filter},
 * {@code raw_tracepoint}), and {@code raw} for r1 = input, r2 = length.
 */
final class ProgramTypes {
    static final String NAMES = "xdp, socket, tc (sched_cls), action (sched_act), kprobe, tracepoint (tp), raw_tp,"
            + " perf_event, fentry/tracing, syscall, raw";

    private ProgramTypes() {
    }

    /** The name {@code --type} takes for {@code type}: libbpf's section name where it has one, else the enum's. */
    static String name(ProgramType type) {
        return switch (type) {
            case RAW -> "raw";
            case SOCKET_FILTER -> "socket";
            case SCHED_CLS -> "tc";
            case SCHED_ACT -> "action";
            case TRACEPOINT -> "tracepoint";
            case RAW_TRACEPOINT -> "raw_tp";
            default -> type.name().toLowerCase(Locale.ROOT);
        };
    }

    /** The program type {@code name} names; an unknown name is a {@link UsageError} (the command line is wrong). */
    static ProgramType parse(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT);
        if (n.equals("raw")) {
            return ProgramType.RAW;
        }
        for (ProgramType t : ProgramType.values()) {
            if (t.name().toLowerCase(Locale.ROOT).equals(n)) {
                return t;
            }
        }
        if (!n.isEmpty() && !n.contains("/")) {
            SectionType s = SectionType.of(n);
            if (s.note() == null) {
                return s.type();
            }
        }
        throw new UsageError("--type " + name + ": not a program type; use one of " + NAMES);
    }
}
