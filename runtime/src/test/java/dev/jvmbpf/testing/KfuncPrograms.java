package dev.jvmbpf.testing;

import dev.jvmbpf.runtime.isa.Assembler;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.program.ProgramType;
import java.util.List;
import java.util.Map;

/**
 * Programs that call kfuncs, for the verifier's, the interpreter's and the JIT's tests: one table
 * of the ids they call (as the loader would resolve them against a kernel's BTF) and the
 * open-coded iterator loop they share.
 */
public final class KfuncPrograms {
    /** The kfunc ids the test programs call, and the kernel functions they stand for. */
    public static final Map<Integer, String> KFUNCS = Map.ofEntries(Map.entry(1, "bpf_iter_num_new"),
            Map.entry(2, "bpf_iter_num_next"), Map.entry(3, "bpf_iter_num_destroy"), Map.entry(4, "bpf_rcu_read_lock"),
            Map.entry(5, "bpf_rcu_read_unlock"), Map.entry(6, "bpf_task_acquire"), Map.entry(7, "bpf_no_such_kfunc"),
            Map.entry(8, "bpf_task_release"), Map.entry(9, "bpf_cast_to_kern_ctx"), Map.entry(11, "bpf_iter_bits_new"),
            Map.entry(12, "bpf_iter_bits_next"), Map.entry(13, "bpf_iter_bits_destroy"));

    private KfuncPrograms() {
    }

    /**
     * The loop of an open-coded iterator at {@code fp-slot} summing its elements: after
     * {@code setUp} has put the arguments of the iterator's constructor (kfunc {@code newKfunc})
     * in r1 to r3, runs it, then next ({@code newKfunc + 1}) until it returns NULL, then destroy
     * ({@code newKfunc + 2}). Returns the sum, or the constructor's error (kept in r7) when it
     * refused its arguments.
     */
    public static String iteratorSum(String setUp, int slot, int newKfunc) {
        return setUp + """
                call kfunc NEW
                mov %r7, %r0
                mov %r6, 0
                mov %r1, %r10
                add %r1, -SLOT
                call kfunc NEXT
                jeq %r0, 0, +3
                ldxw %r1, [%r0]
                add %r6, %r1
                ja -7
                mov %r1, %r10
                add %r1, -SLOT
                call kfunc DESTROY
                jeq %r7, 0, +1
                mov %r6, %r7
                mov %r0, %r6
                exit
                """.replace("NEW", Integer.toString(newKfunc)).replace("NEXT", Integer.toString(newKfunc + 1))
                .replace("DESTROY", Integer.toString(newKfunc + 2)).replace("SLOT", Integer.toString(slot));
    }

    /** bpf_for(i, start, end) sum += i, with the iterator at fp-8 (see {@link #iteratorSum}). */
    public static String numSum(long start, long end) {
        return iteratorSum("mov %r1, %r10\nadd %r1, -8\nmov %r2, " + start + "\nmov %r3, " + end + "\n", 8, 1);
    }

    /** A GPL socket filter of {@code asm} whose kfunc calls resolve through {@link #KFUNCS}. */
    public static BpfProgram program(String asm) {
        return program(asm, "GPL");
    }

    /** As {@link #program(String)}, declaring {@code license}. */
    public static BpfProgram program(String asm, String license) {
        return new BpfProgram("t", "socket", ProgramType.SOCKET_FILTER, Assembler.assemble(asm), List.of(), license,
                KFUNCS);
    }
}
