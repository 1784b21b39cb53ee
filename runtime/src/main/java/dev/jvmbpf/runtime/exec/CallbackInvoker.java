package dev.jvmbpf.runtime.exec;

/**
 * How helpers such as {@code bpf_loop} (181) and {@code bpf_for_each_map_elem} (164) call back
 * into the running program. Each engine installs one on the machine
 * ({@link Machine#setCallbackInvoker}) before a run; a machine without one makes those helpers
 * fault with {@code FaultKind.HELPER}.
 *
 * <p>{@code function} is exactly the value the program passed as the helper's {@code PTR_TO_FUNC}
 * argument, that is what its {@code lddw} with source {@code PSEUDO_FUNC} (4) loaded. The engine
 * chooses that encoding (the instruction index of the callee's first slot is the obvious one);
 * helpers never interpret it. The callee runs as a bpf-to-bpf call one frame deeper than the
 * helper's caller, with r1-r5 as given, and its r0 is returned. Faults inside the callee propagate
 * as {@link dev.jvmbpf.runtime.memory.BpfFault}.
 */
@FunctionalInterface
public interface CallbackInvoker {
    long invoke(Machine machine, long function, long r1, long r2, long r3, long r4, long r5);
}
