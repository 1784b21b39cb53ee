package dev.jvmbpf.runtime.exec;

import dev.jvmbpf.runtime.maps.BpfMap;
import dev.jvmbpf.runtime.memory.AddressSpace;
import dev.jvmbpf.runtime.memory.BpfFault;
import dev.jvmbpf.runtime.memory.FaultKind;
import dev.jvmbpf.runtime.memory.Region;
import dev.jvmbpf.runtime.program.BpfProgram;
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

    private final BpfProgram program;
    private final HelperTable helpers;
    private final Output output;
    private final AddressSpace memory = new AddressSpace();
    private final long[] mapValueAddress;
    private long budget;
    private long remaining;
    private Object attachment;
    private long packetAddress;
    private long packetLength;
    private long entryR1;
    private CallbackInvoker callbackInvoker;
    private int tailCalls;
    private boolean contextPacket;

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
        tailCalls = 0;
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

    /** Lets an embedding application pass its own state to its helpers. */
    public Object attachment() {
        return attachment;
    }

    public void setAttachment(Object attachment) {
        this.attachment = attachment;
    }

    /** How helpers call back into the running program; the engine installs it (see {@link CallbackInvoker}). */
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
}
