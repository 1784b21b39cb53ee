package dev.jvmbpf.runtime.exec;

import java.util.List;
import java.util.Set;

/**
 * A kernel function (kfunc) as the verifier and the engines see it: its name, the argument and
 * return types of its BTF prototype as the kernel's verifier classifies them, the flags the kernel
 * registers it with ({@code KF_ACQUIRE}, {@code KF_ITER_NEW}, ...), and the userspace model that
 * the engines run, or why there is none.
 *
 * @param iterator for the {@code KF_ITER_*} functions, the iterator's name as the kernel's
 *     messages spell it ({@code num} for {@code struct bpf_iter_num}); null for others
 * @param iteratorSize the size in bytes of the iterator's struct on the stack (0 for others)
 * @param elementSize for {@link Ret#ITER_ELEMENT}, the size of the element the pointer points to
 * @param implementation what the engines run; null when the function's effect lives in the kernel
 * @param unmodelled when {@code implementation} is null, why (the engines refuse the program
 *     at load with it)
 */
public record KfuncSpec(String name, Set<Flag> flags, List<Arg> args, Ret ret, String iterator, int iteratorSize,
        int elementSize, Helper implementation, String unmodelled) {
    public KfuncSpec {
        flags = Set.copyOf(flags);
        args = List.copyOf(args);
        if (args.size() > 5) {
            throw new IllegalArgumentException("kfunc " + name + " takes at most 5 arguments");
        }
        if ((implementation == null) == (unmodelled == null)) {
            throw new IllegalArgumentException("kfunc " + name + ": an implementation or a reason for none");
        }
    }

    /** The kernel's {@code KF_*} flags this runtime's verifier acts on. */
    public enum Flag {
        ACQUIRE, RELEASE, RET_NULL, TRUSTED_ARGS, SLEEPABLE, DESTRUCTIVE, RCU, RCU_PROTECTED,
        ITER_NEW, ITER_NEXT, ITER_DESTROY, FASTCALL
    }

    /** An argument as the kernel's check_kfunc_args classifies it. */
    public enum Arg {
        /** A scalar (an integer parameter). */
        SCALAR,
        /** A pointer to the iterator's struct on the stack ({@code struct bpf_iter_*}). */
        ITERATOR,
        /** Any initialised value: a parameter named {@code __ign} the kernel does not check. */
        IGNORED,
        /** A kernel object pointer ({@code struct task_struct *} and the like), any initialised value here. */
        KERNEL_POINTER,
        /** The program's context, unmodified. */
        CONTEXT,
        /** A pointer to memory the function may write (a {@code bpf_dynptr} on the stack, a buffer). */
        MEMORY
    }

    /** What the function returns, as the verifier types r0. */
    public enum Ret {
        /** Nothing: r0 is not initialised after the call. */
        VOID,
        SCALAR,
        /** A pointer to the iterator's current element of {@code elementSize} bytes, or NULL when done. */
        ITER_ELEMENT,
        /** A kernel object pointer (not followed by this verifier). */
        KERNEL_POINTER
    }

    public boolean has(Flag flag) {
        return flags.contains(flag);
    }
}
