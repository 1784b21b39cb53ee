package dev.jvmbpf.runtime.exec;

/**
 * Control-flow signal of {@code bpf_tail_call} (helper 12): the current program is replaced by
 * {@link #target()}, which starts with r1 = {@link #context()} and never returns to the caller.
 *
 * <p>The helper throws it ({@link Machine#tailCall}) only when the jump really happens: the slot
 * holds a program and the run has made fewer than {@link Machine#MAX_TAIL_CALLS} tail calls
 * ({@link Machine#admitTailCall()}).
 * Otherwise the helper returns a negative errno and the program continues after the call, as in
 * the kernel.
 *
 * <p>Engine contract: {@link Executable#execute} catches it around the run and returns
 * {@code signal.target().execute(machine, signal.context(), 0, 0, 0, 0)}, on the same machine
 * and without calling {@code beginRun()} again, so the context and every region of the run stay
 * valid. The target shares the machine, so it must use the same map list as the machine's program
 * (one object's programs do); the helper checks that before throwing. A tail call made inside a
 * bpf-to-bpf function unwinds the whole chain: the target's r0 becomes the result of the run.
 * The signal carries no stack trace. An engine may instead arm the call
 * ({@link Machine#armTailCall()}) and end the program itself, without unwinding.
 */
public final class TailCall extends RuntimeException {
    private final transient Executable target;
    private final long context;

    public TailCall(Executable target, long context) {
        super(null, null, false, false);
        this.target = target;
        this.context = context;
    }

    /** Built only when asked: the signal is thrown on the hot path. */
    @Override
    public String getMessage() {
        return "tail call to " + target.program().name();
    }

    public Executable target() {
        return target;
    }

    public long context() {
        return context;
    }
}
