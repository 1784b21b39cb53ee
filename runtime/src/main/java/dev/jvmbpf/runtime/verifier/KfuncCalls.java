package dev.jvmbpf.runtime.verifier;

import dev.jvmbpf.runtime.btf.Btf;
import dev.jvmbpf.runtime.btf.BtfType;
import dev.jvmbpf.runtime.exec.KfuncSpec;
import dev.jvmbpf.runtime.exec.KfuncSpec.Arg;
import dev.jvmbpf.runtime.exec.KfuncSpec.Flag;
import dev.jvmbpf.runtime.exec.Kfuncs;
import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.object.internal.KernelBtf;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.verifier.AbstractState.Frame;
import dev.jvmbpf.runtime.verifier.RegValue.Kind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Kfunc calls as the kernel's check_kfunc_call checks them, for the kfuncs of {@link Kfuncs}:
 * the function must be known (else the kernel's "calling kernel function ... is not allowed"),
 * its arguments initialised and of the kinds its prototype wants, and the state follows what
 * the kernel tracks for it:
 * <ul>
 * <li>Open-coded iterators ({@code KF_ITER_NEW/NEXT/DESTROY}): {@code _new} turns the iterator's
 *     8-byte stack slots into iterator slots (a spilled value of kind {@link Kind#ITER} naming the
 *     iterator, its first byte and the pc of {@code _new}); {@code _next} and {@code _destroy} want
 *     an initialised iterator of their type there, {@code _new} an uninitialised one; {@code _next}
 *     returns a pointer to the current element or NULL (the loop ends when the program takes the
 *     NULL branch), so that a {@code bpf_for} loop is verified as any loop, by state equivalence
 *     at its head; an iterator still on the stack at {@code exit} is an unreleased reference.
 * <li>RCU read sections: {@code bpf_rcu_read_lock} does not nest, {@code bpf_rcu_read_unlock}
 *     needs one open, and the program does not exit inside one.
 * <li>Kernel references ({@code KF_ACQUIRE}, {@code KF_RELEASE}): an acquired object is a
 *     pointer of kind {@link Kind#KPTR_OR_NULL} (or {@link Kind#KPTR}) whose id is held in the
 *     state's references until a release function gets it, or a null check shows it NULL; a
 *     release of anything else is refused ("expects refcounted PTR_TO_BTF_ID"), as is a maybe-null
 *     pointer passed to a trusted argument, and an exit with a reference held.
 * </ul>
 *
 * <p>Where this analysis has lost track of a slot (it holds an unknown value after an untracked
 * write), an iterator argument is accepted unchecked: no refusal rests on what is not known.
 */
final class KfuncCalls {
    private final BpfProgram program;
    private final Verifier.Errors errors;
    /** Whether some call may have read stack bytes the program did not write (see TypeFlow). */
    private boolean readsUnwrittenStack;
    /** The iterator names of the table, indexed by the {@code aux} of their slots. */
    private static final List<String> ITERATORS = iterators();

    KfuncCalls(BpfProgram program, Verifier.Errors errors) {
        this.program = program;
        this.errors = errors;
    }

    private static List<String> iterators() {
        List<String> out = new ArrayList<>();
        for (KfuncSpec k : Kfuncs.all()) {
            if (k.iterator() != null && !out.contains(k.iterator())) {
                out.add(k.iterator());
            }
        }
        return out;
    }

    boolean readsUnwrittenStack() {
        return readsUnwrittenStack;
    }

    /** Checks the kfunc call at {@code pc} and applies its effect to {@code s}. */
    void call(int pc, Instruction insn, AbstractState s) {
        KfuncSpec spec = resolve(pc, insn.imm());
        List<Arg> args = spec.args();
        boolean trusted = spec.has(Flag.RELEASE) || spec.has(Flag.RCU) || spec.has(Flag.TRUSTED_ARGS);
        boolean released = false;
        for (int i = 0; i < args.size(); i++) {
            int r = i + 1;
            RegValue v = s.reg(r);
            if (!v.isInit()) {
                throw errors.at(pc, "R" + r + " !read_ok");
            }
            switch (args.get(i)) {
                case ITERATOR -> iterator(pc, spec, i, v, s);
                case CONTEXT -> {
                    if (v.kind() != Kind.CTX && v.kind() != Kind.UNKNOWN && v.kind() != Kind.MEM) {
                        throw errors.at(pc, "arg#" + i + " expected pointer to ctx, but got " + v.describe());
                    }
                }
                case MEMORY -> written(v, s);
                case IGNORED -> readsUnwrittenStack |= v.kind() == Kind.STACK || v.kind() == Kind.UNKNOWN;
                case KERNEL_POINTER -> {
                    boolean maybeNull = v.kind() == Kind.KPTR_OR_NULL || v.isConstant() && v.min() == 0;
                    if (trusted && maybeNull) {
                        throw errors.at(pc, "Possibly NULL pointer passed to trusted arg" + i);
                    }
                    if (spec.has(Flag.RELEASE) && !released) {
                        release(pc, spec, v, s);
                        released = true;
                    }
                }
                case SCALAR -> {
                }
            }
        }
        if (spec.name().equals("bpf_rcu_read_lock")) {
            if (s.rcuLocked) {
                throw errors.at(pc, "nested rcu read lock (kernel function bpf_rcu_read_lock)");
            }
            s.rcuLocked = true;
        } else if (spec.name().equals("bpf_rcu_read_unlock")) {
            if (!s.rcuLocked) {
                throw errors.at(pc, "unmatched rcu read unlock (kernel function bpf_rcu_read_unlock)");
            }
            s.rcuLocked = false;
        }
        for (int r = 1; r <= 5; r++) {
            s.set(r, RegValue.NOT_INIT);
        }
        s.set(0, switch (spec.ret()) {
            case VOID -> RegValue.NOT_INIT;
            case SCALAR -> RegValue.ANY_SCALAR;
            case KERNEL_POINTER -> spec.has(Flag.ACQUIRE) ? acquire(pc, spec, s) : RegValue.UNKNOWN;
            case ITER_ELEMENT -> {
                int id = pc + 1;
                s.mapAll(x -> x.kind().isNullable() && x.id() == id ? x.withId(0) : x);
                yield RegValue.pointer(Kind.MEM_OR_NULL, 0, RegValue.READ_ONLY).withId(id)
                        .withRange(spec.elementSize());
            }
        });
    }

    /**
     * At an {@code exit}: the main program may not leave an iterator undestroyed nor an RCU read
     * section open; a function may not return with an iterator in its own frame (nothing could
     * destroy it after that).
     */
    void exit(int pc, AbstractState s) {
        boolean main = s.frames.length == 1;
        Frame f = s.top();
        for (int slot = 0; slot < AbstractState.SLOTS; slot++) {
            RegValue v = f.spills[slot];
            if (v != null && v.kind() == Kind.ITER) {
                throw errors.at(pc, "Unreleased reference alloc_insn=" + (v.id() - 1) + " (iter_"
                        + ITERATORS.get(v.aux()) + " at fp" + v.off() + "): BPF_EXIT instruction in "
                        + (main ? "main prog" : "a function") + " would lead to reference leak");
            }
        }
        if (main && s.kernelRefs.length > 0) {
            throw errors.at(pc, "Unreleased reference alloc_insn=" + (s.kernelRefs[0] - 1)
                    + ": BPF_EXIT instruction in main prog would lead to reference leak");
        }
        if (main && s.rcuLocked) {
            throw errors.at(pc, "BPF_EXIT instruction in main prog cannot be used inside bpf_rcu_read_lock-ed region");
        }
    }

    /** A new reference: the object, maybe null when the function may fail ({@code KF_RET_NULL}). */
    private static RegValue acquire(int pc, KfuncSpec spec, AbstractState s) {
        int id = pc + 1;
        int[] refs = s.kernelRefs;
        if (Arrays.binarySearch(refs, id) < 0) {
            int[] more = Arrays.copyOf(refs, refs.length + 1);
            more[refs.length] = id;
            Arrays.sort(more);
            s.kernelRefs = more;
        }
        return RegValue.pointer(spec.has(Flag.RET_NULL) ? Kind.KPTR_OR_NULL : Kind.KPTR, 0, 0).withId(id);
    }

    /**
     * The release of {@code v}'s reference: every copy of the pointer becomes a scalar, as the
     * kernel's release_reference leaves them to a privileged program. A value this analysis lost
     * track of may be any reference held: on that path no reference is checked any more.
     */
    private void release(int pc, KfuncSpec spec, RegValue v, AbstractState s) {
        if (v.kind() == Kind.UNKNOWN && s.kernelRefs.length > 0) {
            s.kernelRefs = AbstractState.NO_REFS;
            return;
        }
        if (v.kind() != Kind.KPTR || Arrays.binarySearch(s.kernelRefs, v.id()) < 0) {
            throw errors.at(pc, "release kernel function " + spec.name() + " expects refcounted PTR_TO_BTF_ID");
        }
        drop(s, v.id());
        s.mapAll(x -> (x.kind() == Kind.KPTR || x.kind() == Kind.KPTR_OR_NULL) && x.id() == v.id()
                ? RegValue.ANY_SCALAR : x);
    }

    private static void drop(AbstractState s, int id) {
        int[] refs = s.kernelRefs;
        int at = Arrays.binarySearch(refs, id);
        if (at >= 0) {
            int[] fewer = new int[refs.length - 1];
            System.arraycopy(refs, 0, fewer, 0, at);
            System.arraycopy(refs, at + 1, fewer, at, refs.length - at - 1);
            s.kernelRefs = fewer;
        }
    }

    /** A null check of an acquired pointer: NULL holds no reference; otherwise the object is there. */
    static void nullChecked(AbstractState s, RegValue v, boolean isNull) {
        s.mapAll(x -> x.kind() == Kind.KPTR_OR_NULL && x.id() == v.id()
                ? isNull ? RegValue.constant(0) : x.withKind(Kind.KPTR) : x);
        if (isNull) {
            drop(s, v.id());
        }
    }

    private KfuncSpec resolve(int pc, int imm) {
        if (imm == 0) {
            // libbpf's call of a weak kfunc the kernel lacks: fine where no path reaches it.
            throw errors.at(pc, "invalid kernel function call not eliminated in verifier pass");
        }
        String name = program.kfuncs().get(imm);
        Btf kernel = null;
        if (name == null) {
            kernel = KernelBtf.get();
            if (kernel == null) {
                throw errors.at(pc, "kfunc call with BTF id " + imm + ": no kernel BTF to name the function");
            }
            BtfType t = imm > 0 && imm < kernel.size() ? kernel.type(imm) : null;
            if (!(t instanceof BtfType.Func f)) {
                throw errors.at(pc, "kernel btf_id " + imm + " is not a function");
            }
            name = f.name();
        }
        KfuncSpec spec = Kfuncs.get(name);
        if (spec == null) {
            throw errors.at(pc, "calling kernel function " + name + " is not allowed (jvmbpf models the kfuncs "
                    + String.join(", ", Kfuncs.all().stream().map(KfuncSpec::name).toList()) + ")");
        }
        return spec;
    }

    private void iterator(int pc, KfuncSpec spec, int arg, RegValue v, AbstractState s) {
        if (v.kind() == Kind.UNKNOWN) {
            readsUnwrittenStack = true;
            return;
        }
        String what = "iter_" + spec.iterator() + " as arg #" + arg;
        if (v.kind() != Kind.STACK) {
            throw errors.at(pc, "arg#" + arg + " expected pointer to an iterator on stack");
        }
        if (v.aux() >= s.frames.length || !v.fixedOffset()) {
            readsUnwrittenStack = true;
            return;
        }
        Frame f = s.frames[v.aux()];
        long off = v.off();
        int size = spec.iteratorSize();
        if (off < -Verifier.STACK_SIZE || off + size > 0) {
            throw errors.at(pc, "invalid indirect access to stack R" + (arg + 1) + " off=" + off + " size=" + size);
        }
        boolean aligned = (off & 7) == 0;
        int type = ITERATORS.indexOf(spec.iterator());
        if (spec.has(Flag.ITER_NEW)) {
            for (long b = off; aligned && b < off + size; b += 8) {
                RegValue old = f.spill(b);
                if (old != null && old.kind() == Kind.ITER) {
                    throw errors.at(pc, "expected uninitialized " + what);
                }
            }
            f.markWritten(off, size);
            RegValue it = new RegValue(Kind.ITER, off, 0, 0, type, pc + 1, size, null, 0);
            for (long b = off; aligned && b < off + size; b += 8) {
                f.setSpill(b, it);
            }
            return;
        }
        if (!aligned) {
            readsUnwrittenStack = true;
            return;
        }
        boolean unknown = false;
        for (long b = off; b < off + size; b += 8) {
            RegValue slot = f.spill(b);
            if (slot != null && slot.kind() == Kind.UNKNOWN) {
                unknown = true;
            } else if (slot == null || slot.kind() != Kind.ITER || slot.aux() != type || slot.off() != off) {
                throw errors.at(pc, "expected an initialized " + what);
            }
        }
        if (spec.has(Flag.ITER_DESTROY) && !unknown) {
            for (long b = off; b < off + size; b += 8) {
                f.setSpill(b, null);
            }
        }
    }

    /** A pointer the function may write through: what it points to on the stack is no longer known. */
    private void written(RegValue v, AbstractState s) {
        readsUnwrittenStack = true;
        if (v.kind() == Kind.STACK && v.aux() < s.frames.length) {
            long lo = v.fixedOffset() ? v.off() : -Verifier.STACK_SIZE;
            s.frames[v.aux()].markWritten(lo, -lo);
            forgetSpills(s);
        } else if (v.kind() == Kind.UNKNOWN) {
            forgetSpills(s);
        }
    }

    /** As TypeFlow's: every slot may hold anything now, but iterators stay (only kfuncs change them). */
    static void forgetSpills(AbstractState s) {
        for (Frame f : s.frames) {
            for (int i = 0; i < f.spills.length; i++) {
                if (f.spills[i] == null || f.spills[i].kind() != Kind.ITER) {
                    f.spills[i] = RegValue.UNKNOWN;
                }
                if (f.scalarSpills[i] != null) {
                    f.scalarSpills[i] = RegValue.UNKNOWN;
                }
            }
        }
    }
}
