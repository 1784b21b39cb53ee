package dev.jvmbpf.kernel;

import dev.jvmbpf.runtime.program.ProgramType;

/**
 * A kernel event a program of an object is written for, from its section: a tracepoint
 * ({@code tp/syscalls/sys_enter_execve}: category {@code syscalls}, name {@code sys_enter_execve})
 * or a raw tracepoint ({@code raw_tp/sys_enter}: no category).
 */
public record TraceTarget(ProgramType type, String category, String name) {
    /** The event of a program of {@code type} in {@code section}; an {@link IllegalArgumentException} saying why not. */
    public static TraceTarget of(ProgramType type, String section) {
        String s = section == null ? "" : section;
        int slash = s.indexOf('/');
        String prefix = slash < 0 ? s : s.substring(0, slash);
        String rest = slash < 0 ? "" : s.substring(slash + 1);
        switch (prefix) {
            case "tp", "tracepoint" -> {
                int sep = rest.indexOf('/');
                if (sep <= 0 || sep == rest.length() - 1 || rest.indexOf('/', sep + 1) >= 0) {
                    throw new IllegalArgumentException("section '" + s + "' names no tracepoint (tp/CATEGORY/NAME)");
                }
                return new TraceTarget(ProgramType.TRACEPOINT, rest.substring(0, sep), rest.substring(sep + 1));
            }
            case "raw_tp", "raw_tracepoint" -> {
                if (rest.isEmpty() || rest.contains("/")) {
                    throw new IllegalArgumentException("section '" + s + "' names no raw tracepoint (raw_tp/NAME)");
                }
                return new TraceTarget(ProgramType.RAW_TRACEPOINT, "", rest);
            }
            case "kprobe", "kretprobe" -> throw new IllegalArgumentException("section '" + s
                    + "': kprobes are not traced yet (tracepoints and raw tracepoints are)");
            default -> throw new IllegalArgumentException("section '" + s + "' (" + type
                    + ") is no event trace mode can attach to (tp/CATEGORY/NAME or raw_tp/NAME)");
        }
    }

    @Override
    public String toString() {
        return category.isEmpty() ? "raw_tp:" + name : category + ":" + name;
    }
}
