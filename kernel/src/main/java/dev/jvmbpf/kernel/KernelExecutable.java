package dev.jvmbpf.kernel;

import dev.jvmbpf.kernel.internal.BpfSyscall;
import dev.jvmbpf.kernel.internal.SyscallException;
import dev.jvmbpf.kernel.internal.VerifierRejection;
import dev.jvmbpf.runtime.exec.Executable;
import dev.jvmbpf.runtime.exec.HelperTable;
import dev.jvmbpf.runtime.exec.LoadException;
import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.isa.Opcodes;
import dev.jvmbpf.runtime.maps.Errno;
import dev.jvmbpf.runtime.memory.Region;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.program.ProgramType;
import java.lang.ref.Cleaner;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A program loaded into the kernel. The verifier must know the memory size to check the
 * program's accesses, so the kernel load happens per (memory size, r2) on first use; call
 * {@link #prepare} to have a rejection reported before running.
 *
 * <p>{@link #execute} throws {@link KernelRejectedException} when the kernel refuses the program
 * for that memory: the kernel has no run-time faults, its verifier rejects what would fault.
 */
public final class KernelExecutable implements Executable, AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();
    /** Packet handed to the socket-filter wrapper; it never reads it, but test-run needs an Ethernet header. */
    private static final byte[] PACKET = new byte[64];

    private final KernelEngine engine;
    private final BpfProgram program;
    private final HelperTable helpers;
    private final Fds fds = new Fds();
    private final Cleaner.Cleanable cleanable = CLEANER.register(this, fds);
    private final Map<Key, Loaded> loaded = new HashMap<>();

    KernelExecutable(KernelEngine engine, BpfProgram program, HelperTable helpers) {
        this.engine = engine;
        this.program = program;
        this.helpers = helpers;
    }

    private record Key(int memorySize, boolean writable, long r2) {
    }

    private record Loaded(int progFd, KernelEngine.Maps maps, KernelRejectedException rejection) {
    }

    /** What a run in the kernel produced: the full r0 and the memory afterwards. */
    public record Result(long r0, byte[] memory) {
    }

    @Override
    public BpfProgram program() {
        return program;
    }

    @Override
    public HelperTable helpers() {
        return helpers;
    }

    /**
     * Loads the program for a memory of {@code memorySize} bytes with {@code r2} as the length
     * argument. Throws {@link KernelRejectedException} with the verifier log when the kernel refuses.
     */
    public void prepare(int memorySize, boolean writable, long r2) {
        Loaded l = load(new Key(memorySize, writable, r2));
        if (l.rejection != null) {
            throw l.rejection;
        }
    }

    private synchronized Loaded load(Key key) {
        Loaded l = loaded.get(key);
        if (l != null) {
            return l;
        }
        KernelEngine.Maps maps = engine.maps(key.memorySize, key.writable);
        String fallsOff = fallsOffEntryFunction(program.instructionsView());
        if (fallsOff != null) {
            // The epilogue follows the entry function, so the kernel would not see this itself.
            l = new Loaded(-1, maps, new KernelRejectedException(program.name(), "EINVAL", fallsOff));
            loaded.put(key, l);
            return l;
        }
        byte[] code = Instruction.encode(wrap(program.instructionsView(), maps, key.memorySize, key.r2,
                engine.stackPoison()));
        try {
            int fd = BpfSyscall.loadProgram(KernelVerifier.kernelType(ProgramType.SOCKET_FILTER), objectName(program.name()), code);
            fds.add(fd);
            l = new Loaded(fd, maps, null);
        } catch (VerifierRejection e) {
            l = new Loaded(-1, maps, new KernelRejectedException(program.name(), Errno.name(e.errno()), e.log()));
        } catch (SyscallException e) {
            throw new LoadException("kernel engine: loading " + program.name() + ": " + e.getMessage());
        }
        loaded.put(key, l);
        return l;
    }

    private static final int ALU64_MOV_K = Opcodes.CLASS_ALU64 | Opcodes.ALU_MOV | Opcodes.SRC_K;
    private static final int EPILOGUE = 5; // lddw (2 slots), stxdw, mov, exit

    /**
     * The program as the kernel loads it. Its entry function stays the kernel's main program,
     * so it keeps the whole 512-byte frame and all 8 call frames: a prologue sets r1 = memory
     * (or 0 without memory) and r2 = length, every {@code exit} of the entry function becomes a
     * jump to an epilogue, inserted where the entry function ends, that stores the full 64-bit
     * r0 in the result map (the test-run return value has only 32 bits) and returns 0. Jumps and
     * calls that cross an insertion are re-aimed. With a poison pattern the prologue first fills
     * the entry function's frame with it.
     */
    static Instruction[] wrap(Instruction[] body, KernelEngine.Maps maps, int memorySize, long r2, Long poison) {
        int mainEnd = entryFunctionEnd(body);
        List<Instruction> w = new ArrayList<>();
        if (poison != null) {
            w.add(Instruction.of(Opcodes.LDDW, 1, 0, 0, (int) (long) poison));
            w.add(Instruction.of(0, 0, 0, 0, (int) (poison >>> 32)));
            for (int off = 8; off <= 512; off += 8) {
                w.add(Instruction.of(Opcodes.CLASS_STX | Opcodes.MODE_MEM | Opcodes.SIZE_DW, 10, 1, -off, 0));
            }
        }
        if (memorySize > 0) {
            w.add(Instruction.of(Opcodes.LDDW, 1, Opcodes.PSEUDO_MAP_VALUE, 0, maps.memoryFd()));
            w.add(Instruction.of(0, 0, 0, 0, 0));
        } else {
            w.add(Instruction.of(ALU64_MOV_K, 1, 0, 0, 0));
        }
        if (r2 == (int) r2) {
            w.add(Instruction.of(ALU64_MOV_K, 2, 0, 0, (int) r2));
        } else {
            w.add(Instruction.of(Opcodes.LDDW, 2, 0, 0, (int) r2));
            w.add(Instruction.of(0, 0, 0, 0, (int) (r2 >>> 32)));
        }
        for (int pc = 0; pc < body.length; pc++) {
            if (pc == mainEnd) {
                w.add(Instruction.of(Opcodes.LDDW, 1, Opcodes.PSEUDO_MAP_VALUE, 0, maps.resultFd()));
                w.add(Instruction.of(0, 0, 0, 0, 0));
                w.add(Instruction.of(Opcodes.CLASS_STX | Opcodes.MODE_MEM | Opcodes.SIZE_DW, 1, 0, 0, 0));
                w.add(Instruction.of(ALU64_MOV_K, 0, 0, 0, 0));
                w.add(Instruction.of(Opcodes.EXIT, 0, 0, 0, 0));
            }
            w.add(relocate(body, pc, mainEnd));
            if (body[pc].isWide() && pc + 1 < body.length) {
                w.add(body[++pc]);
            }
        }
        if (mainEnd == body.length) {
            w.add(Instruction.of(Opcodes.LDDW, 1, Opcodes.PSEUDO_MAP_VALUE, 0, maps.resultFd()));
            w.add(Instruction.of(0, 0, 0, 0, 0));
            w.add(Instruction.of(Opcodes.CLASS_STX | Opcodes.MODE_MEM | Opcodes.SIZE_DW, 1, 0, 0, 0));
            w.add(Instruction.of(ALU64_MOV_K, 0, 0, 0, 0));
            w.add(Instruction.of(Opcodes.EXIT, 0, 0, 0, 0));
        }
        return w.toArray(Instruction[]::new);
    }

    /** The kernel's complaint when the entry function's last instruction may fall through, else null. */
    static String fallsOffEntryFunction(Instruction[] body) {
        int end = entryFunctionEnd(body);
        if (end == 0) {
            return "no instructions";
        }
        int last = end - 1;
        if (last > 0 && body[last - 1].isWide()) {
            last--;
        }
        int op = body[last].opcode();
        return op == Opcodes.EXIT || op == Opcodes.JA || op == Opcodes.JA32 ? null
                : "last insn is not an exit or jmp";
    }

    /** Where the entry function ends: the first target of a local call after pc 0, or the end. */
    static int entryFunctionEnd(Instruction[] body) {
        int end = body.length;
        for (int pc = 0; pc < body.length; pc++) {
            if (isLocalCall(body[pc])) {
                int target = pc + 1 + body[pc].imm();
                if (target > 0 && target < end) {
                    end = target;
                }
            }
            if (body[pc].isWide()) {
                pc++;
            }
        }
        return end;
    }

    /** The instruction at {@code pc} once the epilogue sits at {@code mainEnd}. */
    private static Instruction relocate(Instruction[] body, int pc, int mainEnd) {
        Instruction i = body[pc];
        boolean inMain = pc < mainEnd;
        if (inMain && i.opcode() == Opcodes.EXIT) {
            return Instruction.of(Opcodes.JA, 0, 0, mainEnd - pc - 1, 0);
        }
        int cls = i.instructionClass();
        if (cls != Opcodes.CLASS_JMP && cls != Opcodes.CLASS_JMP32) {
            return i;
        }
        int op = Opcodes.aluOp(i.opcode());
        if (op == Opcodes.JMP_EXIT || op == Opcodes.JMP_CALL && !isLocalCall(i)) {
            return i;
        }
        boolean inImm = isLocalCall(i) || i.opcode() == Opcodes.JA32;
        int rel = inImm ? i.imm() : i.offset();
        int target = pc + 1 + rel;
        // Only a transfer across mainEnd moves relative to its target.
        int shift = inMain && target >= mainEnd ? EPILOGUE : !inMain && target < mainEnd ? -EPILOGUE : 0;
        if (shift == 0) {
            return i;
        }
        return inImm ? Instruction.of(i.opcode(), i.dst(), i.src(), i.offset(), rel + shift)
                : Instruction.of(i.opcode(), i.dst(), i.src(), rel + shift, i.imm());
    }

    private static boolean isLocalCall(Instruction i) {
        return i.opcode() == Opcodes.CALL && i.src() == Opcodes.CALL_LOCAL;
    }

    /** The kernel accepts letters, digits, '_' and '.' in object names, at most 15 of them. */
    static String objectName(String name) {
        StringBuilder sb = new StringBuilder();
        for (char c : name.toCharArray()) {
            if (sb.length() == 15) {
                break;
            }
            sb.append(Character.isLetterOrDigit(c) && c < 128 || c == '.' ? c : '_');
        }
        return sb.toString();
    }

    /**
     * Runs the program on {@code memory} (which may be empty) with r2 = {@code r2} and returns r0
     * and the memory afterwards. Throws {@link KernelRejectedException} when the kernel refuses it.
     */
    public Result run(byte[] memory, boolean writable, long r2) {
        Loaded l = accepted(memory, writable, r2);
        KernelEngine.Maps maps = l.maps;
        synchronized (maps) {
            try {
                putMemory(maps, memory);
                BpfSyscall.updateElement(maps.resultFd(), 0, new byte[8]);
                BpfSyscall.testRun(l.progFd, PACKET, 1);
                byte[] r0 = BpfSyscall.lookupElement(maps.resultFd(), 0, 8);
                byte[] after = BpfSyscall.lookupElement(maps.memoryFd(), 0, maps.valueSize());
                byte[] out = new byte[memory.length];
                System.arraycopy(after, 0, out, 0, memory.length);
                return new Result(littleEndianLong(r0), out);
            } catch (SyscallException e) {
                throw new IllegalStateException("kernel engine: running " + program.name() + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Runs the program {@code repeat} times in a row in the kernel on {@code memory} (as {@link
     * #run} does, the memory carrying over from run to run) and returns the mean time of one run
     * in nanoseconds as the kernel measured it: the test-run loop's own clock, without the
     * system call. Throws {@link KernelRejectedException} when the kernel refuses the program.
     */
    public long timeRuns(byte[] memory, boolean writable, long r2, int repeat) {
        if (repeat < 1) {
            throw new IllegalArgumentException("repeat must be at least 1, got " + repeat);
        }
        Loaded l = accepted(memory, writable, r2);
        KernelEngine.Maps maps = l.maps;
        synchronized (maps) {
            try {
                putMemory(maps, memory);
                return BpfSyscall.testRun(l.progFd, PACKET, repeat).durationNanos();
            } catch (SyscallException e) {
                throw new IllegalStateException("kernel engine: timing " + program.name() + ": " + e.getMessage(), e);
            }
        }
    }

    /** The program as loaded for this memory; throws the kernel's refusal when it refused. */
    private Loaded accepted(byte[] memory, boolean writable, long r2) {
        Loaded l = load(new Key(memory.length, writable, r2));
        if (l.rejection != null) {
            throw l.rejection;
        }
        return l;
    }

    /** Writes {@code memory} into the map value the wrapper hands the program as r1. */
    private static void putMemory(KernelEngine.Maps maps, byte[] memory) throws SyscallException {
        byte[] value = new byte[maps.valueSize()];
        System.arraycopy(memory, 0, value, 0, memory.length);
        BpfSyscall.updateElement(maps.memoryFd(), 0, value);
    }

    private static long littleEndianLong(byte[] b) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = v << 8 | (b[i] & 0xffL);
        }
        return v;
    }

    /**
     * Runs with the region r1 points into as the memory (none when r1 is in no region) and copies
     * the memory back into that region afterwards, so callers see the kernel's stores.
     */
    @Override
    public long execute(Machine machine, long r1, long r2, long r3, long r4, long r5) {
        Region region = machine.memory().regionOf(r1);
        if (region == null) {
            return run(new byte[0], true, r2).r0();
        }
        int offset = (int) r1;
        int length = region.size() - offset;
        byte[] in = new byte[Math.max(0, length)];
        System.arraycopy(region.data(), region.base() + offset, in, 0, in.length);
        Result result = run(in, region.writable(), r2);
        if (region.writable()) {
            System.arraycopy(result.memory(), 0, region.data(), region.base() + offset, in.length);
        }
        return result.r0();
    }

    /** Unloads the program from the kernel (also done when this object becomes unreachable). */
    @Override
    public void close() {
        cleanable.clean();
    }

    private static final class Fds implements Runnable {
        private final List<Integer> fds = new ArrayList<>();

        synchronized void add(int fd) {
            fds.add(fd);
        }

        @Override
        public synchronized void run() {
            for (int fd : fds) {
                BpfSyscall.close(fd);
            }
            fds.clear();
        }
    }
}
