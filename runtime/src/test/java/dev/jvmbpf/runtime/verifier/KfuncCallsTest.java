package dev.jvmbpf.runtime.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.runtime.exec.HelperTable;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.testing.KfuncPrograms;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Kfunc calls as the kernel's verifier checks them: open-coded iterators (state on the stack,
 * loops verified by state equivalence, never unrolled; an undestroyed iterator is a leak), RCU
 * read sections, and unknown functions, with the kernel's messages.
 */
class KfuncCallsTest {
    /** bpf_for(i, 0, 10) sum += i: the sum is 45. */
    private static final String SUM = KfuncPrograms.numSum(0, 10);

    private static VerifiedProgram accept(String asm) {
        return Verifier.verify(KfuncPrograms.program(asm), HelperTable.empty());
    }

    private static String reject(String asm) {
        return assertThrows(VerifierException.class, () -> accept(asm)).getMessage();
    }

    @Test
    void anIteratorLoopIsVerifiedWithoutUnrolling() {
        accept(SUM);
        // A million rounds: state equivalence at the loop head, not one pass per round.
        accept(KfuncPrograms.numSum(0, 1_000_000));
    }

    @Test
    void kfuncsAreForGplCompatibleProgramsOnly() {
        for (String licence : List.of("Dual MIT/GPL", "")) {
            Verifier.verify(KfuncPrograms.program(SUM, licence), HelperTable.empty());
        }
        // Refused at load, before the first instruction is verified: the first kfunc call names it.
        BpfProgram proprietary = KfuncPrograms.program(SUM, "Proprietary");
        assertEquals("pc 4 (call kfunc 1): cannot call kernel function from non-GPL compatible program",
                assertThrows(VerifierException.class, () -> Verifier.verify(proprietary, HelperTable.empty()))
                        .getMessage());
    }

    @Test
    void theIteratorMustBeDestroyed() {
        String leak = SUM.replace("call kfunc 3", "mov %r0, 0");
        assertEquals("pc 20 (exit): Unreleased reference alloc_insn=4 (iter_num at fp-8): BPF_EXIT instruction in"
                + " main prog would lead to reference leak", reject(leak));
    }

    @Test
    void nextAndDestroyWantAnInitialisedIteratorAndNewAnUninitialisedOne() {
        assertEquals("pc 4 (call kfunc 2): expected an initialized iter_num as arg #0", reject("""
                mov %r1, 0
                stxdw [%r10-8], %r1
                mov %r1, %r10
                add %r1, -8
                call kfunc 2
                mov %r0, 0
                exit
                """));
        assertEquals("pc 9 (call kfunc 1): expected uninitialized iter_num as arg #0", reject("""
                mov %r1, %r10
                add %r1, -8
                mov %r2, 0
                mov %r3, 10
                call kfunc 1
                mov %r1, %r10
                add %r1, -8
                mov %r2, 0
                mov %r3, 1
                call kfunc 1
                exit
                """));
        assertEquals("pc 2 (call kfunc 3): expected an initialized iter_num as arg #0",
                reject("mov %r1, %r10\nadd %r1, -8\ncall kfunc 3\nmov %r0, 0\nexit"));
        assertEquals("pc 1 (call kfunc 2): arg#0 expected pointer to an iterator on stack",
                reject("mov %r1, 0\ncall kfunc 2\nmov %r0, 0\nexit"));
    }

    @Test
    void theElementPointerIsNullWhenTheIteratorIsDone() {
        // The loop still ends (on the sum), so that its exit stays reachable; r0 is never checked.
        String unchecked = SUM.replace("jeq %r0, 0, +3", "jgt %r6, 1000, +3");
        assertTrue(reject(unchecked).contains("R0 invalid mem access"), reject(unchecked));
        assertEquals("pc 11 (*(u32 *)(r0 + 0) = r6): R0 cannot write into rdonly_mem",
                reject(SUM.replace("ldxw %r1, [%r0]", "stxw [%r0], %r6")));
        // Four bytes: the element is an int.
        assertTrue(reject(SUM.replace("ldxw %r1, [%r0]", "ldxw %r1, [%r0+4]")).contains("invalid access to memory"),
                reject(SUM.replace("ldxw %r1, [%r0]", "ldxw %r1, [%r0+4]")));
    }

    @Test
    void iteratorBytesAreNotARegister() {
        String read = SUM.replace("mov %r1, %r10\nadd %r1, -8\ncall kfunc 3",
                "ldxdw %r8, [%r10-8]\nmov %r1, %r10\nadd %r1, -8\ncall kfunc 3");
        accept(read.replace("mov %r0, %r6", "mov %r0, %r8"));
        assertEquals("pc 20 (r0 = *(u32 *)(r8 + 0)): R8 invalid mem access 'scalar'",
                reject(read.replace("mov %r0, %r6", "ldxw %r0, [%r8]")));
    }

    @Test
    void anIteratorLeftInAFunctionsFrameLeaks() {
        String asm = """
                call local +2
                mov %r0, 0
                exit
                mov %r1, %r10
                add %r1, -8
                mov %r2, 0
                mov %r3, 3
                call kfunc 1
                mov %r0, 0
                exit
                """;
        assertTrue(reject(asm).contains("Unreleased reference alloc_insn=7"), reject(asm));
    }

    @Test
    void rcuReadSectionsPair() {
        accept("call kfunc 4\ncall kfunc 5\nmov %r0, 0\nexit");
        assertEquals("pc 1 (call kfunc 4): nested rcu read lock (kernel function bpf_rcu_read_lock)",
                reject("call kfunc 4\ncall kfunc 4\ncall kfunc 5\nmov %r0, 0\nexit"));
        assertEquals("pc 0 (call kfunc 5): unmatched rcu read unlock (kernel function bpf_rcu_read_unlock)",
                reject("call kfunc 5\nmov %r0, 0\nexit"));
        assertEquals("pc 2 (exit): BPF_EXIT instruction in main prog cannot be used inside bpf_rcu_read_lock-ed region",
                reject("call kfunc 4\nmov %r0, 0\nexit"));
        // Locked on one path only: the paths are not joined into one that is both.
        assertEquals("pc 4 (exit): BPF_EXIT instruction in main prog cannot be used inside bpf_rcu_read_lock-ed region",
                reject("ldxw %r6, [%r1+0]\njeq %r6, 0, +1\ncall kfunc 4\nmov %r0, 0\nexit"));
    }

    @Test
    void unknownFunctionsAndUnresolvedCalls() {
        assertTrue(reject("call kfunc 7\nmov %r0, 0\nexit")
                .startsWith("pc 0 (call kfunc 7): calling kernel function bpf_no_such_kfunc is not allowed"));
        assertEquals("pc 0 (call kfunc 0): invalid kernel function call not eliminated in verifier pass",
                reject("call kfunc 0\nmov %r0, 0\nexit"));
        // libbpf's weak kfunc the kernel lacks (immediate 0) is fine behind a check that removes it.
        accept("mov %r0, 0\njeq %r0, 0, +1\ncall kfunc 0\nmov %r0, 0\nexit");
    }

    @Test
    void aCheckedReferenceIsNeverNull() {
        // reg_not_null: once checked, a second comparison with 0 is decided, so no path keeps
        // the reference past the release by jumping over it.
        accept("call kfunc 6\nmov %r6, %r0\njeq %r6, 0, +3\njeq %r6, 0, +2\nmov %r1, %r6\ncall kfunc 8\n"
                + "mov %r0, 0\nexit");
    }

    @Test
    void acquiredReferencesAreReleasedOnEveryPath() {
        // The NULL side holds no reference; the other releases it.
        accept("call kfunc 6\njeq %r0, 0, +2\nmov %r1, %r0\ncall kfunc 8\nmov %r0, 0\nexit");
        assertEquals("pc 4 (exit): Unreleased reference alloc_insn=0: BPF_EXIT instruction in main prog would lead"
                + " to reference leak", reject("call kfunc 6\njeq %r0, 0, +1\nldxw %r2, [%r0+0]\nmov %r0, 0\nexit"));
        assertEquals("pc 0 (call kfunc 8): release kernel function bpf_task_release expects refcounted PTR_TO_BTF_ID",
                reject("call kfunc 8\nmov %r0, 0\nexit"));
        assertEquals("pc 2 (call kfunc 8): Possibly NULL pointer passed to trusted arg0",
                reject("call kfunc 6\nmov %r1, %r0\ncall kfunc 8\nmov %r0, 0\nexit"));
        assertEquals("pc 1 (r2 = *(u32 *)(r0 + 0)): R0 invalid mem access 'ptr_or_null_'",
                reject("call kfunc 6\nldxw %r2, [%r0+0]\nmov %r0, 0\nexit"));
        // Released once: every copy is a scalar after that.
        assertEquals("pc 6 (call kfunc 8): release kernel function bpf_task_release expects refcounted PTR_TO_BTF_ID",
                reject("call kfunc 6\njeq %r0, 0, +5\nmov %r6, %r0\nmov %r1, %r0\ncall kfunc 8\nmov %r1, %r6\n"
                        + "call kfunc 8\nmov %r0, 0\nexit"));
    }

    @Test
    void theVoidResultIsNotAValue() {
        assertEquals("pc 2 (exit): R0 !read_ok", reject("call kfunc 4\ncall kfunc 5\nexit"));
    }
}
