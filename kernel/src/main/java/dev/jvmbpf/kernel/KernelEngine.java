package dev.jvmbpf.kernel;

import dev.jvmbpf.kernel.internal.BpfSyscall;
import dev.jvmbpf.runtime.exec.Engine;
import dev.jvmbpf.runtime.exec.HelperTable;
import dev.jvmbpf.runtime.exec.LoadException;
import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.isa.Opcodes;
import dev.jvmbpf.runtime.maps.MapFlags;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.verifier.VerifiedProgram;
import java.lang.ref.Cleaner;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs programs in the running Linux kernel through bpf(2): the kernel's verifier decides whether
 * a program is acceptable and its JIT (or interpreter) runs it. The engine is the oracle the other
 * engines are compared with.
 *
 * <p>A program runs as a socket filter whose prologue passes the input memory (the value of a
 * single-entry array map, so the verifier knows its size) in r1 and its length in r2, and whose
 * entry function's exits go to an epilogue that stores the full 64-bit r0 into a second map: the
 * test-run return value alone has only 32 bits. Out of scope: programs with maps, {@code lddw} forms that
 * name maps or functions, and anything that needs a context other than raw memory.
 *
 * <p>The maps are shared by every program this engine loads, so runs on one engine are serialized.
 */
public final class KernelEngine implements Engine, AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();

    private final MapPool pool = new MapPool();
    private final Cleaner.Cleanable cleanable = CLEANER.register(this, pool);
    private final Long stackPoison;

    public KernelEngine() {
        this.stackPoison = null;
    }

    private KernelEngine(long stackPoison) {
        this.stackPoison = stackPoison;
    }

    /**
     * An engine that fills the entry function's stack frame with {@code pattern} before each run.
     * The kernel lets privileged programs read stack they never wrote and returns whatever is
     * there; two engines with different patterns tell such a program by its differing results.
     */
    public static KernelEngine withStackPoison(long pattern) {
        return new KernelEngine(pattern);
    }

    /** The poison pattern, or null for an engine that leaves the stack as it is. */
    Long stackPoison() {
        return stackPoison;
    }

    @Override
    public String name() {
        return "kernel";
    }

    /**
     * Checks that the kernel is usable and that the program is in scope. The kernel verifies the
     * program when it first runs with a given memory size, or eagerly in
     * {@link KernelExecutable#prepare}. The kernel runs its own verifier, so whether ours passed
     * the program does not matter here.
     */
    @Override
    public KernelExecutable load(VerifiedProgram verified, HelperTable helpers) {
        BpfProgram program = verified.program();
        KernelBpf.requireAvailable();
        if (!program.maps().isEmpty()) {
            throw new LoadException("kernel engine: program " + program.name() + " uses maps, which it does not support");
        }
        Instruction[] code = program.instructionsView();
        for (int pc = 0; pc < code.length; pc++) {
            if (code[pc].opcode() == Opcodes.LDDW) {
                if (code[pc].src() != Opcodes.PSEUDO_NONE) {
                    throw new LoadException("kernel engine: lddw at pc " + pc + " has source " + code[pc].src()
                            + " (map or function reference), which it does not support");
                }
                pc++;
            }
        }
        return new KernelExecutable(this, program, helpers);
    }

    /** Memory and result maps for one memory size; created on first use and kept for the engine's life. */
    record Maps(int memoryFd, int resultFd, int valueSize) {
    }

    synchronized Maps maps(int memorySize, boolean writable) {
        return pool.get(memorySize, writable);
    }


    /**
     * Verifies {@code program} as the engine would load it for {@code memorySize} bytes, but as a
     * user with CAP_BPF and without CAP_PERFMON and CAP_SYS_ADMIN: that verifier refuses reads of
     * uninitialised stack and pointers leaking into results or memory, which root may do and
     * whose values the kernel does not define. Returns null when accepted, else the rejection.
     * Other refusals of that mode (Spectre hardening of variable offsets) come back too.
     */
    public KernelRejectedException strictRejection(BpfProgram program, int memorySize, long r2) {
        Maps maps = maps(memorySize, true);
        byte[] code = Instruction.encode(KernelExecutable.wrap(program.instructionsView(), maps, memorySize, r2, null));
        return StrictLoader.INSTANCE.check(program.name(), code);
    }

    /** Closes the maps. Programs loaded from this engine keep working: the kernel holds their maps. */
    @Override
    public void close() {
        cleanable.clean();
    }

    private static final class MapPool implements Runnable {
        private final Map<Long, Maps> bySize = new HashMap<>();
        private final List<Integer> fds = new ArrayList<>();

        synchronized Maps get(int memorySize, boolean writable) {
            long key = (long) memorySize << 1 | (writable ? 1 : 0);
            Maps m = bySize.get(key);
            if (m == null) {
                int valueSize = Math.max(1, memorySize);
                int mem = BpfSyscall.createArrayMap("jvmbpf_mem", valueSize, 1, writable ? 0 : MapFlags.BPF_F_RDONLY_PROG);
                fds.add(mem);
                int result = BpfSyscall.createArrayMap("jvmbpf_r0", 8, 1, 0);
                fds.add(result);
                m = new Maps(mem, result, valueSize);
                bySize.put(key, m);
            }
            return m;
        }

        @Override
        public synchronized void run() {
            for (int fd : fds) {
                BpfSyscall.close(fd);
            }
            fds.clear();
            bySize.clear();
        }
    }
}
