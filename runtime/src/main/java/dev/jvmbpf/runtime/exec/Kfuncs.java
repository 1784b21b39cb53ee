package dev.jvmbpf.runtime.exec;

import static dev.jvmbpf.runtime.exec.KfuncSpec.Arg.CONTEXT;
import static dev.jvmbpf.runtime.exec.KfuncSpec.Arg.IGNORED;
import static dev.jvmbpf.runtime.exec.KfuncSpec.Arg.ITERATOR;
import static dev.jvmbpf.runtime.exec.KfuncSpec.Arg.KERNEL_POINTER;
import static dev.jvmbpf.runtime.exec.KfuncSpec.Arg.MEMORY;
import static dev.jvmbpf.runtime.exec.KfuncSpec.Arg.SCALAR;

import dev.jvmbpf.runtime.exec.KfuncSpec.Arg;
import dev.jvmbpf.runtime.exec.KfuncSpec.Flag;
import dev.jvmbpf.runtime.exec.KfuncSpec.Ret;
import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.isa.Opcodes;
import dev.jvmbpf.runtime.maps.Errno;
import dev.jvmbpf.runtime.memory.AddressSpace;
import dev.jvmbpf.runtime.memory.BpfFault;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.verifier.VerifiedProgram;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The kfuncs this runtime knows: one table for the verifier (prototypes and the kernel's flags)
 * and the engines (the userspace models). The argument and return types are those of the
 * functions' BTF prototypes in Linux 6.18 ({@code KfuncsTest} checks them against the running
 * kernel's BTF when it has one); the semantics are the kernel's ({@code kernel/bpf/helpers.c},
 * {@code bpf_iter.c}).
 *
 * <p>The engines run a kfunc call through the helper machinery: {@link #bind} turns each call
 * into a call of a helper with an id above every helper of the table, so that the interpreter and
 * the JIT need nothing of their own for kfuncs.
 */
public final class Kfuncs {
    /** The kernel's BPF_MAX_LOOPS: the most iterations a numbers iterator may be set up for. */
    static final long MAX_LOOPS = 8L * 1024 * 1024;
    /** The kernel's BITS_ITER_NR_WORDS_MAX: the most 64-bit words a bits iterator may walk. */
    static final int BITS_MAX_WORDS = 511;

    private static final Map<String, KfuncSpec> BY_NAME = new LinkedHashMap<>();

    static {
        // Open-coded iterators over a range of ints (bpf_for, bpf_repeat) and over set bits.
        add(new KfuncSpec("bpf_iter_num_new", Set.of(Flag.ITER_NEW), List.of(ITERATOR, SCALAR, SCALAR), Ret.SCALAR,
                "num", 8, 0, Kfuncs::iterNumNew, null));
        add(new KfuncSpec("bpf_iter_num_next", Set.of(Flag.ITER_NEXT, Flag.RET_NULL), List.of(ITERATOR),
                Ret.ITER_ELEMENT, "num", 8, 4, Kfuncs::iterNumNext, null));
        add(new KfuncSpec("bpf_iter_num_destroy", Set.of(Flag.ITER_DESTROY), List.of(ITERATOR), Ret.VOID, "num", 8, 0,
                Kfuncs::iterNumDestroy, null));
        add(new KfuncSpec("bpf_iter_bits_new", Set.of(Flag.ITER_NEW), List.of(ITERATOR, IGNORED, SCALAR), Ret.SCALAR,
                "bits", 16, 0, Kfuncs::iterBitsNew, null));
        add(new KfuncSpec("bpf_iter_bits_next", Set.of(Flag.ITER_NEXT, Flag.RET_NULL), List.of(ITERATOR),
                Ret.ITER_ELEMENT, "bits", 16, 4, Kfuncs::iterBitsNext, null));
        add(new KfuncSpec("bpf_iter_bits_destroy", Set.of(Flag.ITER_DESTROY), List.of(ITERATOR), Ret.VOID, "bits", 16,
                0, (m, r1, r2, r3, r4, r5) -> 0, null));
        // RCU read sections: nothing to protect in userspace, so no-ops.
        add(new KfuncSpec("bpf_rcu_read_lock", Set.of(), List.of(), Ret.VOID, null, 0, 0,
                (m, r1, r2, r3, r4, r5) -> 0, null));
        add(new KfuncSpec("bpf_rcu_read_unlock", Set.of(), List.of(), Ret.VOID, null, 0, 0,
                (m, r1, r2, r3, r4, r5) -> 0, null));
        // Kernel objects: the verifier checks the calls; there is nothing to run them on here.
        String kernelObjects = "it works on kernel objects (tasks, cgroups), which do not exist in userspace";
        add(kernel("bpf_task_acquire", EnumSet.of(Flag.ACQUIRE, Flag.RCU, Flag.RET_NULL), List.of(KERNEL_POINTER),
                Ret.KERNEL_POINTER, kernelObjects));
        add(kernel("bpf_task_release", EnumSet.of(Flag.RELEASE), List.of(KERNEL_POINTER), Ret.VOID, kernelObjects));
        add(kernel("bpf_task_from_pid", EnumSet.of(Flag.ACQUIRE, Flag.RET_NULL), List.of(SCALAR), Ret.KERNEL_POINTER,
                kernelObjects));
        add(kernel("bpf_cgroup_acquire", EnumSet.of(Flag.ACQUIRE, Flag.RCU, Flag.RET_NULL), List.of(KERNEL_POINTER),
                Ret.KERNEL_POINTER, kernelObjects));
        add(kernel("bpf_cgroup_release", EnumSet.of(Flag.RELEASE), List.of(KERNEL_POINTER), Ret.VOID,
                kernelObjects));
        add(kernel("bpf_cgroup_from_id", EnumSet.of(Flag.ACQUIRE, Flag.RET_NULL), List.of(SCALAR), Ret.KERNEL_POINTER,
                kernelObjects));
        String kernelTypes = "it returns a pointer to a kernel type, which userspace does not lay out";
        add(kernel("bpf_cast_to_kern_ctx", EnumSet.of(Flag.FASTCALL), List.of(CONTEXT), Ret.KERNEL_POINTER,
                kernelTypes));
        add(kernel("bpf_rdonly_cast", EnumSet.of(Flag.FASTCALL), List.of(IGNORED, SCALAR), Ret.KERNEL_POINTER,
                kernelTypes));
        String dynptrs = "dynamic pointers (bpf_dynptr) are not modelled";
        add(kernel("bpf_dynptr_from_xdp", EnumSet.noneOf(Flag.class), List.of(CONTEXT, SCALAR, MEMORY), Ret.SCALAR,
                dynptrs));
        add(kernel("bpf_dynptr_from_skb", EnumSet.noneOf(Flag.class), List.of(CONTEXT, SCALAR, MEMORY), Ret.SCALAR,
                dynptrs));
    }

    private Kfuncs() {
    }

    private static KfuncSpec kernel(String name, Set<Flag> flags, List<Arg> args, Ret ret, String why) {
        return new KfuncSpec(name, flags, args, ret, null, 0, 0, null, why);
    }

    private static void add(KfuncSpec spec) {
        BY_NAME.put(spec.name(), spec);
    }

    /** The kfunc of this name, or null when this runtime does not know it. */
    public static KfuncSpec get(String name) {
        return name == null ? null : BY_NAME.get(name);
    }

    public static List<KfuncSpec> all() {
        return List.copyOf(BY_NAME.values());
    }

    /** A program whose kfunc calls are helper calls, and the helpers that run them. */
    public record Bound(VerifiedProgram program, HelperTable helpers) {
    }

    /**
     * {@code program} as the engines run it: each kfunc call on a reachable instruction becomes a
     * call of a helper added to {@code helpers} (but unresolved weak ones, immediate 0). Throws {@link LoadException} naming the call when
     * a reachable kfunc has no userspace model. Programs without kfunc calls come back as they are.
     */
    public static Bound bind(VerifiedProgram program, HelperTable helpers) {
        BpfProgram p = program.program();
        Instruction[] insns = p.instructionsView();
        Instruction[] out = null;
        int next = 0;
        for (HelperSpec h : helpers.all()) {
            next = Math.max(next, h.id() + 1);
        }
        Map<String, Integer> ids = new HashMap<>();
        List<HelperSpec> added = new ArrayList<>();
        for (int pc = 0; pc < insns.length; pc++) {
            Instruction insn = insns[pc];
            if (insn.opcode() != Opcodes.CALL || insn.src() != Opcodes.CALL_KFUNC || !program.isReachable(pc)
                    || insn.imm() == 0) {
                // Immediate 0: libbpf's weak kfunc the kernel lacks, behind a bpf_ksym_exists()
                // check; the verifier refuses it where a path reaches it, and it faults if run.
                continue;
            }
            String name = p.kfuncs().get(insn.imm());
            KfuncSpec spec = get(name);
            if (spec == null || spec.implementation() == null) {
                throw new LoadException("pc " + pc + ": kfunc " + (name == null ? "with BTF id " + insn.imm() : name)
                        + " cannot run here: " + (spec == null ? "this runtime does not know it" : spec.unmodelled()));
            }
            Integer id = ids.get(name);
            if (id == null) {
                id = next++;
                ids.put(name, id);
                added.add(new HelperSpec(id, spec.name(), List.of(), spec.implementation()));
            }
            if (out == null) {
                out = insns.clone();
            }
            out[pc] = Instruction.of(Opcodes.CALL, 0, Opcodes.CALL_HELPER, 0, id);
        }
        if (out == null) {
            return new Bound(program, helpers);
        }
        BpfProgram rewritten = new BpfProgram(p.name(), p.section(), p.type(), out, p.maps(), p.license(), p.kfuncs());
        VerifiedProgram v = new VerifiedProgram(rewritten, program.passed(), program.subprogramEntries(),
                program.stackOffsets(), program.branchTargets(), program.reachable(), program.stackDepths(),
                program.provenAccesses(), program.inputAccesses(), program.contextAccesses(),
                program.readsUnwrittenStack(), program.loopCallbacks(), program.frameAccesses(),
                program.mapArguments());
        return new Bound(v, helpers.with(added));
    }

    // ---------------------------------------------------------------- models

    /** struct bpf_iter_num_kern: {@code int cur} at 0, {@code int end} at 4. */
    private static long iterNumNew(Machine machine, long it, long r2, long r3, long r4, long r5) {
        AddressSpace m = machine.memory();
        int start = (int) r2;
        int end = (int) r3;
        if (start > end) {
            m.store64(it, 0);
            return -Errno.EINVAL;
        }
        if ((long) end - start > MAX_LOOPS) {
            m.store64(it, 0);
            return -Errno.E2BIG;
        }
        m.store32(it, start - 1);
        m.store32(it + 4, end);
        return 0;
    }

    private static long iterNumNext(Machine machine, long it, long r2, long r3, long r4, long r5) {
        AddressSpace m = machine.memory();
        int cur = (int) m.load32(it);
        int end = (int) m.load32(it + 4);
        // As the kernel: the increment wraps in 32 bits, the comparison is done in 64.
        if ((long) (cur + 1) >= end) {
            m.store64(it, 0);
            return 0;
        }
        m.store32(it, cur + 1);
        return it;
    }

    private static long iterNumDestroy(Machine machine, long it, long r2, long r3, long r4, long r5) {
        machine.memory().store64(it, 0);
        return 0;
    }

    /**
     * struct bpf_iter_bits_kern: the bits (one word: a copy; more: where they are) at 0,
     * {@code int nr_bits} at 8, {@code int bit} at 12. The kernel copies more than one word into
     * memory it allocates; this model reads them where the program keeps them, checking at the
     * start that all are readable (the kernel's -EFAULT otherwise).
     */
    private static long iterBitsNew(Machine machine, long it, long words, long r3, long r4, long r5) {
        AddressSpace m = machine.memory();
        m.store64(it, 0);
        m.store32(it + 8, 0);
        m.store32(it + 12, -1);
        long count = r3 & 0xffffffffL;
        if (words == 0 || count == 0) {
            return -Errno.EINVAL;
        }
        if (count > BITS_MAX_WORDS) {
            return -Errno.E2BIG;
        }
        long first;
        try {
            first = m.load64(words);
            for (int w = 1; w < count; w++) {
                m.load64(words + 8L * w);
            }
        } catch (BpfFault e) {
            return -Errno.EFAULT;
        }
        m.store64(it, count == 1 ? first : words);
        m.store32(it + 8, (int) (count * 64));
        return 0;
    }

    private static long iterBitsNext(Machine machine, long it, long r2, long r3, long r4, long r5) {
        AddressSpace m = machine.memory();
        int nrBits = (int) m.load32(it + 8);
        int bit = (int) m.load32(it + 12);
        if (nrBits == 0 || bit >= nrBits) {
            return 0;
        }
        long bits = m.load64(it);
        int found = nrBits;
        for (int b = bit + 1; b < nrBits; b++) {
            long word = nrBits == 64 ? bits : m.load64(bits + 8L * (b >>> 6));
            long rest = word >>> (b & 63);
            if (rest != 0) {
                found = b + Long.numberOfTrailingZeros(rest);
                break;
            }
            b |= 63; // the rest of this word is zero
        }
        m.store32(it + 12, found);
        return found >= nrBits ? 0 : it + 12;
    }
}
