package dev.jvmbpf.conformance.kernel;

import dev.jvmbpf.conformance.kernel.internal.BpfSyscall;
import dev.jvmbpf.conformance.kernel.internal.Errno;
import dev.jvmbpf.conformance.kernel.internal.SyscallException;
import dev.jvmbpf.conformance.kernel.internal.VerifierRejection;
import dev.jvmbpf.runtime.exec.Executable;
import dev.jvmbpf.runtime.exec.HelperTable;
import dev.jvmbpf.runtime.exec.LoadException;
import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.isa.Opcodes;
import dev.jvmbpf.runtime.memory.Region;
import dev.jvmbpf.runtime.program.BpfProgram;
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
        byte[] code = Instruction.encode(wrap(program.instructionsView(), maps, key.memorySize, key.r2,
                engine.stackPoison()));
        try {
            int fd = BpfSyscall.loadProgram(BpfSyscall.PROG_TYPE_SOCKET_FILTER, objectName(program.name()), code);
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

    /**
     * The wrapper: r1 = memory (or 0 without memory), r2 = length, call the program as a
     * subprogram, store its r0 in the result map, return 0. With a poison pattern it first calls
     * a function that fills a full 512-byte frame with it: the program's frames, at the same
     * depth, then start out holding the pattern.
     */
    static Instruction[] wrap(Instruction[] body, KernelEngine.Maps maps, int memorySize, long r2, Long poison) {
        List<Instruction> w = new ArrayList<>();
        int poisonCallPc = -1;
        if (poison != null) {
            poisonCallPc = w.size();
            w.add(null);
        }
        if (memorySize > 0) {
            w.add(Instruction.of(Opcodes.LDDW, 1, Opcodes.PSEUDO_MAP_VALUE, 0, maps.memoryFd()));
            w.add(Instruction.of(0, 0, 0, 0, 0));
        } else {
            w.add(Instruction.of(Opcodes.CLASS_ALU64 | Opcodes.ALU_MOV | Opcodes.SRC_K, 1, 0, 0, 0));
        }
        if (r2 == (int) r2) {
            w.add(Instruction.of(Opcodes.CLASS_ALU64 | Opcodes.ALU_MOV | Opcodes.SRC_K, 2, 0, 0, (int) r2));
        } else {
            w.add(Instruction.of(Opcodes.LDDW, 2, 0, 0, (int) r2));
            w.add(Instruction.of(0, 0, 0, 0, (int) (r2 >>> 32)));
        }
        int callPc = w.size();
        w.add(null);
        w.add(Instruction.of(Opcodes.LDDW, 1, Opcodes.PSEUDO_MAP_VALUE, 0, maps.resultFd()));
        w.add(Instruction.of(0, 0, 0, 0, 0));
        w.add(Instruction.of(Opcodes.CLASS_STX | Opcodes.MODE_MEM | Opcodes.SIZE_DW, 1, 0, 0, 0));
        w.add(Instruction.of(Opcodes.CLASS_ALU64 | Opcodes.ALU_MOV | Opcodes.SRC_K, 0, 0, 0, 0));
        w.add(Instruction.of(Opcodes.EXIT, 0, 0, 0, 0));
        if (poison != null) {
            w.set(poisonCallPc, Instruction.of(Opcodes.CALL, 0, Opcodes.CALL_LOCAL, 0, w.size() - (poisonCallPc + 1)));
            w.add(Instruction.of(Opcodes.LDDW, 1, 0, 0, (int) (long) poison));
            w.add(Instruction.of(0, 0, 0, 0, (int) (poison >>> 32)));
            for (int off = 8; off <= 512; off += 8) {
                w.add(Instruction.of(Opcodes.CLASS_STX | Opcodes.MODE_MEM | Opcodes.SIZE_DW, 10, 1, -off, 0));
            }
            w.add(Instruction.of(Opcodes.CLASS_ALU64 | Opcodes.ALU_MOV | Opcodes.SRC_K, 0, 0, 0, 0));
            w.add(Instruction.of(Opcodes.EXIT, 0, 0, 0, 0));
        }
        w.set(callPc, Instruction.of(Opcodes.CALL, 0, Opcodes.CALL_LOCAL, 0, w.size() - (callPc + 1)));
        w.addAll(List.of(body));
        return w.toArray(Instruction[]::new);
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
        Loaded l = load(new Key(memory.length, writable, r2));
        if (l.rejection != null) {
            throw l.rejection;
        }
        KernelEngine.Maps maps = l.maps;
        synchronized (maps) {
            try {
                byte[] value = new byte[maps.valueSize()];
                System.arraycopy(memory, 0, value, 0, memory.length);
                BpfSyscall.updateElement(maps.memoryFd(), 0, value);
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
