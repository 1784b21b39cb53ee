package dev.jvmbpf.kernel;

import dev.jvmbpf.kernel.internal.BpfSyscall;
import dev.jvmbpf.kernel.internal.FunctionBtf;
import dev.jvmbpf.kernel.internal.SyscallException;
import dev.jvmbpf.runtime.exec.LoadException;
import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.isa.Opcodes;
import dev.jvmbpf.runtime.maps.BpfMap;
import dev.jvmbpf.runtime.maps.Errno;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.program.ProgramType;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * The running kernel's verdict on a program: the program is loaded with {@code BPF_PROG_LOAD}
 * at the log level asked for, as its own program type, with its maps created in the kernel as
 * {@link KernelObjectProgram} creates them, and closed again at once. A RAW program (conformance
 * vectors, assembly) is loaded as the kernel engine loads it: a socket filter whose prologue
 * passes a {@value #RAW_MEMORY}-byte map value in r1 and its length in r2, so the kernel's pcs
 * are {@link Verdict#pcShift} higher than the program's.
 */
public final class KernelVerifier {
    /** The input memory a RAW program is given in the kernel. */
    public static final int RAW_MEMORY = 4096;
    /**
     * The kernel's BPF_LOG_STATS: a log with the refusal's reason and the statistics, without
     * the walk (levels 1 and 2), which costs the kernel most of its time on long programs.
     */
    public static final int LOG_STATS = 4;

    private KernelVerifier() {
    }

    /**
     * What the kernel said.
     *
     * @param accepted whether the program loaded
     * @param errno the errno name of the refusal ("" when accepted)
     * @param log the verifier log, as the kernel wrote it
     * @param pcShift how much higher the kernel's pcs are than the program's (RAW programs' prologue)
     */
    public record Verdict(boolean accepted, String errno, String log, int pcShift) {
        /** The reason line of a refusal (the last line before the statistics), or the errno; "" when accepted. */
        public String reason() {
            if (accepted) {
                return "";
            }
            String last = KernelRejectedException.lastLine(log);
            // Some reasons lack their newline, and the summary follows on the same line.
            int glued = last.indexOf("processed ");
            if (glued > 0 && last.substring(glued).matches("processed \\d+ insns \\(limit.*")) {
                last = last.substring(0, glued);
            }
            return last.isEmpty() ? errno : last;
        }

        /** The kernel's {@code processed N insns ...} line, or "" when the log has none. */
        public String summary() {
            for (String line : log.split("\n")) {
                if (line.startsWith("processed ")) {
                    return line.strip();
                }
            }
            return "";
        }
    }

    /** The kernel's number for {@code type}, or -1 when this class cannot load that type (it needs an attach target). */
    public static int kernelType(ProgramType type) {
        return switch (type) {
            case RAW, SOCKET_FILTER -> 1;
            case KPROBE -> 2;
            case SCHED_CLS -> 3;
            case SCHED_ACT -> 4;
            case TRACEPOINT -> 5;
            case XDP -> 6;
            case PERF_EVENT -> 7;
            case RAW_TRACEPOINT -> 17;
            case SYSCALL -> 31;
            case TRACING -> -1;
        };
    }

    /**
     * Loads {@code program} with the verifier's log at {@code logLevel} (0: none, 1, 2 or {@link #LOG_STATS}) and returns the
     * verdict. Throws {@link LoadException}, saying why, when the kernel cannot be asked: no
     * bpf(2) or no permission, a program type that needs an attach target, maps that cannot be
     * mirrored, or a map the kernel would not create.
     */
    public static Verdict verify(BpfProgram program, int logLevel) {
        KernelBpf.requireAvailable();
        int type = kernelType(program.type());
        if (type < 0) {
            throw new LoadException("kernel: a " + program.type() + " program needs an attach target (BTF id),"
                    + " which this comparison does not give");
        }
        if (program.type() == ProgramType.RAW) {
            if (!program.section().isEmpty()) {
                throw new LoadException("kernel: section '" + program.section() + "' of " + program.name()
                        + " names a program type jvmbpf does not model (give one with --type)");
            }
            if (!program.maps().isEmpty()) {
                throw new LoadException("kernel: a bare program with maps cannot be loaded as the kernel engine"
                        + " loads bare programs");
            }
            return raw(program, logLevel);
        }
        List<BpfMap> maps = program.maps();
        // Only the maps the program names: an object's other maps may be ones the kernel creates
        // only with BTF, which would refuse a program that never touches them.
        BitSet used = usedMaps(program);
        for (int i = used.nextSetBit(0); i >= 0; i = used.nextSetBit(i + 1)) {
            // Program and perf event arrays are created empty: a verdict needs no programs or events in them.
            KernelObjectProgram.refuseUnmirrored(maps.get(i));
        }
        int[] fds = new int[maps.size()];
        Arrays.fill(fds, -1);
        try {
            for (int i = used.nextSetBit(0); i >= 0; i = used.nextSetBit(i + 1)) {
                fds[i] = KernelObjectProgram.create(maps.get(i));
            }
            byte[] code = Instruction.encode(KernelObjectProgram.withMapFds(program.instructionsView(), fds));
            int flags = program.type() == ProgramType.SYSCALL ? BpfSyscall.BPF_F_SLEEPABLE : 0;
            return load(type, flags, program, code, 0, logLevel,
                    KernelObjectProgram.functionEntries(program.instructionsView()));
        } catch (SyscallException e) {
            throw new LoadException("kernel: creating the maps of " + program.name() + ": " + e.getMessage());
        } finally {
            KernelObjectProgram.closeAll(fds);
        }
    }

    /** The indexes of the maps a {@code lddw} of the program names. */
    private static BitSet usedMaps(BpfProgram program) {
        BitSet used = new BitSet();
        Instruction[] code = program.instructionsView();
        for (int pc = 0; pc < code.length; pc++) {
            Instruction i = code[pc];
            if (i.opcode() != Opcodes.LDDW) {
                continue;
            }
            boolean map = i.src() == Opcodes.PSEUDO_MAP_IDX || i.src() == Opcodes.PSEUDO_MAP_IDX_VALUE;
            if (map && i.imm() >= 0 && i.imm() < program.maps().size()) {
                used.set(i.imm());
            }
            pc++;
        }
        return used;
    }

    private static Verdict raw(BpfProgram program, int logLevel) {
        try (KernelEngine engine = new KernelEngine()) {
            KernelEngine.Maps maps = engine.maps(RAW_MEMORY, true);
            Instruction[] wrapped = KernelExecutable.wrap(program.instructionsView(), maps, RAW_MEMORY, RAW_MEMORY,
                    null);
            String fallsOff = KernelExecutable.fallsOffEntryFunction(program.instructionsView());
            if (fallsOff != null) {
                // The epilogue follows the entry function, so the kernel would not see this itself.
                return new Verdict(false, "EINVAL", fallsOff + "\n", 0);
            }
            int shift = wrapped.length - program.instructionsView().length - 5;
            // Callbacks are out of the kernel engine's scope: no function information.
            return load(1, 0, program, Instruction.encode(wrapped), shift, logLevel, null);
        }
    }

    /** {@code entries}: the functions' first pcs when the kernel needs function information (callbacks), else null. */
    private static Verdict load(int type, int flags, BpfProgram program, byte[] code, int shift, int logLevel,
            int[] entries) {
        int btf = -1;
        try {
            BpfSyscall.FuncInfo funcs = null;
            if (entries != null) {
                btf = BpfSyscall.loadBtf(FunctionBtf.of(entries));
                funcs = new BpfSyscall.FuncInfo(btf, entries, FunctionBtf.typeIds(entries.length));
            }
            String name = KernelExecutable.objectName(program.name());
            // The object's licence decides GPL-only helpers and kfuncs; a program without one is
            // taken as GPL, as jvmbpf's verifier takes it (BpfProgram.gplCompatible).
            String license = program.license() == null || program.license().isEmpty() ? BpfSyscall.DEFAULT_LICENSE
                    : program.license();
            BpfSyscall.Loaded l = BpfSyscall.load(type, flags, name, code, funcs, license, logLevel);
            if (l.errno() == Errno.ENOSPC && logLevel > 0) {
                // The log overflowed its buffer (it keeps its tail, with the reason), and ENOSPC
                // then hides the verdict: ask again without a log.
                BpfSyscall.Loaded plain = BpfSyscall.load(type, flags, name, code, funcs, license, 0);
                l = new BpfSyscall.Loaded(plain.fd(), plain.errno(), l.log());
            }
            if (l.fd() >= 0) {
                BpfSyscall.close(l.fd());
                return new Verdict(true, "", l.log(), shift);
            }
            if (l.errno() == Errno.EPERM && l.log().isBlank()) {
                throw new LoadException("kernel: loading " + program.name() + " is not permitted (EPERM)");
            }
            return new Verdict(false, Errno.name(l.errno()), l.log(), shift);
        } finally {
            if (btf >= 0) {
                BpfSyscall.close(btf);
            }
        }
    }
}
