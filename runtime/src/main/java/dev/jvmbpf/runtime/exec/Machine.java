package dev.jvmbpf.runtime.exec;

import dev.jvmbpf.runtime.maps.BpfMap;
import dev.jvmbpf.runtime.memory.AddressSpace;
import dev.jvmbpf.runtime.memory.BpfFault;
import dev.jvmbpf.runtime.memory.FaultKind;
import dev.jvmbpf.runtime.memory.Region;
import dev.jvmbpf.runtime.program.BpfProgram;
import java.time.Duration;
import java.util.List;

/**
 * The state of runs of one program on one thread: its address space (stack frames, the program's
 * global data, the regions of the current run), the helpers and where their output goes. A
 * machine is reused run after run; {@link #beginRun()} forgets the previous run's regions.
 */
public final class Machine {
    /** Map handles live far above every region id, so dereferencing one faults. */
    private static final long MAP_HANDLE_BASE = 0x7ff0_0000L << 32;
    /** The kernel's limit of tail calls in one run ({@code MAX_TAIL_CALL_CNT}). */
    public static final int MAX_TAIL_CALLS = 33;
    /**
     * About how many instructions a run executes between two checks for {@link Thread#interrupt()}
     * and the deadline ({@link #poll()}): a fraction of a millisecond on the interpreter, less on
     * the JIT. Engines count them down in {@link #countdown()}: the interpreter one per instruction,
     * compiled code the length of the loop body at each backward jump and at each loop iteration
     * through a callback; straight-line code needs no check, its length bounds it.
     */
    public static final int POLL_INTERVAL = 1 << 17;

    private final BpfProgram program;
    private final HelperTable helpers;
    private final Output output;
    private final AddressSpace memory = new AddressSpace();
    private final long[] mapValueAddress;
    private long budget;
    private long remaining;
    private Object attachment;
    private TaskSettings task = TaskSettings.HOST;
    private long packetAddress;
    private long packetLength;
    private long entryR1;
    private CallbackInvoker callbackInvoker;
    private final java.util.ArrayList<Deferred> deferred = new java.util.ArrayList<>();
    private int tailCalls;
    /** Set while an engine takes a tail call as a return ({@link #armTailCall()}); the jump it recorded. */
    private boolean tailCallArmed;
    private Executable tailCallTarget;
    private long tailCallContext;
    private boolean contextPacket;
    private int countdown = POLL_INTERVAL;
    private long timeoutNanos;
    private boolean hasDeadline;
    private long deadline;
    private int notedPc = -1;

    public Machine(BpfProgram program, HelperTable helpers, Output output) {
        this.program = program;
        this.helpers = helpers;
        this.output = output;
        List<BpfMap> maps = program.maps();
        this.mapValueAddress = new long[maps.size()];
        for (int i = 0; i < maps.size(); i++) {
            Region value = directValue(maps.get(i));
            mapValueAddress[i] = value == null ? 0 : memory.addStatic(value);
        }
    }

    /** Global data sections are single-entry array maps whose value the code addresses directly. */
    private static Region directValue(BpfMap map) {
        if (map.spec().maxEntries() != 1 || map.spec().keySize() != 4) {
            return null;
        }
        try {
            return map.lookup(new byte[4]);
        } catch (RuntimeException e) {
            return null;
        }
    }

    public BpfProgram program() {
        return program;
    }

    public HelperTable helpers() {
        return helpers;
    }

    public Output output() {
        return output;
    }

    public AddressSpace memory() {
        return memory;
    }

    /** Forgets the last run's regions and clears the entry frame; call before setting up a run. */
    public void beginRun() {
        beginRun(true);
    }

    /**
     * As {@link #beginRun()}; {@code zeroStack} false leaves the entry frame as the last run left
     * it, which is only right for a program whose verifier found no read of unwritten stack
     * ({@code VerifiedProgram.readsUnwrittenStack()} false): no run of it can tell the difference.
     */
    public void beginRun(boolean zeroStack) {
        memory.reset();
        if (zeroStack) {
            memory.clearFrame(0);
        }
        remaining = budget;
        countdown = POLL_INTERVAL;
        if (timeoutNanos != 0) {
            deadline = System.nanoTime() + timeoutNanos;
            hasDeadline = true;
        }
        tailCalls = 0;
        tailCallArmed = false;
        tailCallTarget = null;
        notedPc = -1;
        deferred.clear();
        packetAddress = 0;
        packetLength = 0;
        contextPacket = false;
        entryR1 = 0;
    }

    /**
     * Names the packet that the legacy {@code LD_ABS}/{@code LD_IND} instructions read: for RAW
     * programs the input memory, for socket filters the packet data. A run without one reads
     * nothing: every such load is out of bounds.
     */
    public void setPacket(long address, long length) {
        this.packetAddress = address;
        this.packetLength = length;
    }

    /**
     * As {@link #setPacket}, for a context whose packet fields ({@code data}, {@code data_end} of
     * {@code xdp_md} or {@code __sk_buff}) point into this packet: the facts the verifier proves
     * about packet pointers then hold for this region, which compiled code may rely on.
     */
    public void setContextPacket(long address, long length) {
        setPacket(address, length);
        contextPacket = true;
    }

    /** Whether the run's packet came from {@link #setContextPacket} (forgotten by {@link #beginRun}). */
    public boolean hasContextPacket() {
        return contextPacket;
    }

    public long packetAddress() {
        return packetAddress;
    }

    /**
     * Records the r1 the program was entered with; the JIT's executable calls this as a run or a
     * tail call starts. For a RAW program it is the input memory, where the verifier's input
     * accesses go when no packet is set, and the JIT holds that region for them.
     */
    public void setEntryR1(long r1) {
        this.entryR1 = r1;
    }

    /** The r1 of the run's latest entry, or 0 before any. */
    public long entryR1() {
        return entryR1;
    }

    public long packetLength() {
        return packetLength;
    }

    /**
     * The load of {@code LD_ABS}/{@code LD_IND}: {@code width} (1, 2 or 4) bytes at packet offset
     * {@code offset} (the kernel computes it in 32 bits and treats it as signed), converted from
     * network byte order. Returns -1 when the bytes lie outside the packet; the kernel then ends
     * the program with r0 = 0, and so must every engine.
     */
    public long loadPacket(int offset, int width) {
        if (offset < 0 || offset + (long) width > packetLength) {
            return -1;
        }
        long v = memory.load(packetAddress + offset, width);
        return switch (width) {
            case 1 -> v;
            case 2 -> Short.toUnsignedLong(Short.reverseBytes((short) v));
            default -> Integer.toUnsignedLong(Integer.reverseBytes((int) v));
        };
    }

    /**
     * Notes the pc of the instruction about to run, for an engine to find where a fault came from.
     * Compiled code of a function too large for one JVM method notes it before each instruction
     * that can fault, as its methods have no handler of their own: the JVM's class verifier checks
     * a handler's frame at every bytecode it guards, which made a million-instruction program's
     * class take seconds to define.
     */
    public void notePc(int pc) {
        notedPc = pc;
    }

    /** The pc last {@linkplain #notePc noted}, or -1. */
    public int notedPc() {
        return notedPc;
    }

    /** At most this many instructions per run (0: unlimited). Engines that count honour it. */
    public void setBudget(long instructions) {
        this.budget = instructions;
        this.remaining = instructions;
    }

    public long budget() {
        return budget;
    }

    /**
     * Instructions charged since the budget was last set (0 when it is 0: engines count only
     * against a budget). A run with a budget therefore reports how many instructions it executed.
     */
    public long charged() {
        return budget - remaining;
    }

    /** Charges {@code n} instructions against the budget; faults when it runs out. */
    public void charge(long n) {
        if (budget != 0) {
            remaining -= n;
            if (remaining < 0) {
                throw BpfFault.of(FaultKind.BUDGET_EXHAUSTED, "more than " + budget + " instructions");
            }
        }
    }

    /**
     * Runs from now on stop with a {@code DEADLINE_EXCEEDED} fault once {@link System#nanoTime()}
     * passes {@code nanoTime}, until {@link #clearDeadline()} (or the next {@link #beginRun} of a
     * machine with a {@linkplain #setTimeout timeout}, which sets its own).
     */
    public void setDeadline(long nanoTime) {
        this.deadline = nanoTime;
        this.hasDeadline = true;
    }

    public void clearDeadline() {
        this.hasDeadline = false;
        this.timeoutNanos = 0;
    }

    /**
     * Gives every run at most {@code timeout} from its {@link #beginRun}: the run's deadline (see
     * {@link #setDeadline}). Null or zero: runs have no deadline.
     */
    public void setTimeout(Duration timeout) {
        if (timeout != null && timeout.isNegative()) {
            throw new IllegalArgumentException("the timeout must not be negative, got " + timeout);
        }
        long nanos = timeout == null || timeout.isZero() ? 0 : saturatedNanos(timeout);
        this.timeoutNanos = nanos;
        this.hasDeadline = nanos != 0;
        if (nanos != 0) {
            this.deadline = System.nanoTime() + nanos;
        }
    }

    private static long saturatedNanos(Duration d) {
        try {
            return Math.max(1, d.toNanos());
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 2;
        }
    }

    /**
     * Instructions left before the engine must {@link #poll()}; engines keep it in a local while
     * they run and store it back here before calls that may run program code, and at their end.
     */
    public int countdown() {
        return countdown;
    }

    public void setCountdown(int countdown) {
        this.countdown = countdown;
    }

    /**
     * The engines' check, once per {@link #POLL_INTERVAL}: faults when the running thread has
     * been interrupted (leaving its interrupt status set) or the run's deadline has passed;
     * otherwise returns the next countdown. The engine attaches the pc.
     */
    public int poll() {
        if (Thread.currentThread().isInterrupted()) {
            throw BpfFault.of(FaultKind.INTERRUPTED, "the thread running the program was interrupted");
        }
        if (hasDeadline && System.nanoTime() - deadline >= 0) {
            throw BpfFault.of(FaultKind.DEADLINE_EXCEEDED, timeoutNanos != 0
                    ? "the run took longer than " + Duration.ofNanos(timeoutNanos).toMillis() + " ms" : "the run went past its deadline");
        }
        return POLL_INTERVAL;
    }

    /** The value an {@code lddw} of map {@code index} loads. */
    public static long mapHandle(int index) {
        return MAP_HANDLE_BASE | index;
    }

    /** The map a handle names, or null when the value is no map handle. */
    public BpfMap map(long handle) {
        long index = handle - MAP_HANDLE_BASE;
        List<BpfMap> maps = program.maps();
        return index >= 0 && index < maps.size() ? maps.get((int) index) : null;
    }

    /** The address an {@code lddw} of the value of map {@code index} loads (before adding the offset). */
    public long mapValueAddress(int index) {
        long a = mapValueAddress[index];
        if (a == 0) {
            throw BpfFault.of(FaultKind.INVALID_INSTRUCTION, "map " + program.maps().get(index).spec().name()
                    + " has no directly addressable value");
        }
        return a;
    }

    /** What the task and clock helpers report instead of the JVM's own task and clock; never null. */
    public TaskSettings task() {
        return task;
    }

    public void setTask(TaskSettings task) {
        this.task = task == null ? TaskSettings.HOST : task;
    }

    /** Lets an embedding application pass its own state to its helpers. */
    public Object attachment() {
        return attachment;
    }

    public void setAttachment(Object attachment) {
        this.attachment = attachment;
    }

    /** How helpers call back into the running program; the engine installs it (see {@link CallbackInvoker}). */
    /** The most deferred callbacks one run fires (a timer that re-arms itself would never stop). */
    public static final int MAX_DEFERRED = 1024;

    /**
     * Work a helper leaves for after the program returns, in the same run: a bpf_timer's
     * callback. {@link #runDeferred} runs the earliest {@link #when()} first, ties in the order
     * they were deferred.
     */
    public interface Deferred {
        long when();

        void run(Machine machine);
    }

    public void defer(Deferred d) {
        deferred.add(java.util.Objects.requireNonNull(d));
    }

    /**
     * Runs what helpers deferred during the run, earliest first, including what those runs defer,
     * up to {@link #MAX_DEFERRED}; the rest is dropped. Engines call it once the program returned.
     */
    public void runDeferred() {
        for (int fired = 0; fired < MAX_DEFERRED && !deferred.isEmpty(); fired++) {
            int first = 0;
            for (int i = 1; i < deferred.size(); i++) {
                if (deferred.get(i).when() < deferred.get(first).when()) {
                    first = i;
                }
            }
            deferred.remove(first).run(this);
        }
        deferred.clear();
    }

    public boolean hasDeferred() {
        return !deferred.isEmpty();
    }

    public CallbackInvoker callbackInvoker() {
        return callbackInvoker;
    }

    public void setCallbackInvoker(CallbackInvoker invoker) {
        this.callbackInvoker = invoker;
    }

    /**
     * Counts one tail call of the current run; false once {@link #MAX_TAIL_CALLS} have been made,
     * in which case the tail call must not happen (see {@link TailCall}).
     */
    public boolean admitTailCall() {
        if (tailCalls >= MAX_TAIL_CALLS) {
            return false;
        }
        tailCalls++;
        return true;
    }

    /**
     * Jumps to {@code target} with r1 = {@code context}, once the tail-call helper has admitted the
     * jump: throws {@link TailCall}, or, while the engine {@linkplain #armTailCall() armed} the
     * call, records the jump and returns 0 for the engine to end the program and run the target
     * ({@link #takeTailCall()}). A thrown signal unwinds every frame between the helper and the
     * engine's catch, which on the JVM costs far more than the jump itself.
     */
    public long tailCall(Executable target, long context) {
        if (!tailCallArmed) {
            throw new TailCall(target, context);
        }
        tailCallArmed = false;
        tailCallTarget = target;
        tailCallContext = context;
        return 0;
    }

    /**
     * Called by an engine just before the tail-call helper, from code that ends the program at
     * once when {@link #tailCallPending()} says the jump happened; {@link #disarmTailCall()} after.
     */
    public void armTailCall() {
        tailCallArmed = true;
    }

    public void disarmTailCall() {
        tailCallArmed = false;
    }

    public boolean tailCallArmed() {
        return tailCallArmed;
    }

    /** True when a jump was recorded and not yet taken. */
    public boolean tailCallPending() {
        return tailCallTarget != null;
    }

    /** The recorded jump's target (null when none), forgotten here: the context is {@link #tailCallContext()}. */
    public Executable takeTailCall() {
        Executable target = tailCallTarget;
        tailCallTarget = null;
        return target;
    }

    /** r1 of the last recorded jump's target. */
    public long tailCallContext() {
        return tailCallContext;
    }
}
