package dev.jvmbpf.runtime.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.runtime.btf.Btf;
import dev.jvmbpf.runtime.btf.BtfType;
import dev.jvmbpf.runtime.interp.Interpreter;
import dev.jvmbpf.runtime.maps.Errno;
import dev.jvmbpf.runtime.verifier.Verifier;
import dev.jvmbpf.testing.Execution;
import dev.jvmbpf.testing.KfuncPrograms;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The kfunc models on the interpreter, and the table against the running kernel's BTF. */
class KfuncsTest {
    /** The sum of the indexes of the set bits of the two words at fp-40 (WORDS of them walked). */
    private static String bitsSum(int words) {
        return KfuncPrograms.iteratorSum("""
                lddw %r1, 0xf7310
                stxdw [%r10-40], %r1
                mov %r1, 1
                stxdw [%r10-32], %r1
                mov %r1, %r10
                add %r1, -16
                mov %r2, %r10
                add %r2, -40
                mov %r3, WORDS
                """.replace("WORDS", Integer.toString(words)), 16, 11);
    }

    private static long run(String asm) {
        Executable e = new Interpreter().load(Verifier.verify(KfuncPrograms.program(asm), HelperTable.empty()),
                HelperTable.empty());
        return Execution.runOnce(e);
    }

    private static long sum(int start, int end) {
        return run(KfuncPrograms.numSum(start, end));
    }

    @Test
    void numbersIteratorsRunAsTheKernelRunsThem() {
        assertEquals(45, sum(0, 10));
        // ldxw zero-extends each element.
        assertEquals((-5 & 0xffffffffL) + (-4 & 0xffffffffL) + (-3 & 0xffffffffL), sum(-5, -2));
        assertEquals(0, sum(3, 3), "an empty range: no round");
        assertEquals(-Errno.EINVAL, (int) sum(4, 3), "start after end");
        // BPF_MAX_LOOPS (8M) rounds at most, else -E2BIG before the first.
        assertEquals(-Errno.E2BIG, (int) sum(0, 8 * 1024 * 1024 + 1));
        assertEquals(2L * Integer.MAX_VALUE - 3, sum(Integer.MAX_VALUE - 2, Integer.MAX_VALUE));
        // The counter starts one below start, wrapping in 32 bits as the kernel's does.
        assertEquals(0x8000_0000L + 0x8000_0001L, sum(Integer.MIN_VALUE, Integer.MIN_VALUE + 2));
    }

    @Test
    void bitsIteratorsWalkTheSetBits() {
        // 0xf7310: bits 4, 8, 9, 12, 13, 14, 16 to 19; the second word's bit 0 is bit 64.
        assertEquals(130, run(bitsSum(1)));
        assertEquals(130 + 64, run(bitsSum(2)));
        assertEquals(-Errno.EINVAL, (int) run(bitsSum(0)));
        assertEquals(-Errno.E2BIG, (int) run(bitsSum(512)));
        // Words past the end of the stack frame: the kernel's probe read fails.
        assertEquals(-Errno.EFAULT, (int) run(bitsSum(8)));
    }

    @Test
    void aKfuncWithoutAModelIsRefusedAtLoadNamingIt() {
        var verified = dev.jvmbpf.runtime.verifier.VerifiedProgram.unverified(KfuncPrograms.program("""
                mov %r1, 0
                call kfunc 6
                mov %r0, 0
                exit
                """));
        LoadException e = assertThrows(LoadException.class, () -> new Interpreter().load(verified, HelperTable.empty()));
        assertEquals("pc 1: kfunc bpf_task_acquire cannot run here: it works on kernel objects (tasks, cgroups),"
                + " which do not exist in userspace", e.getMessage());
    }

    /** Every prototype of the table has the arity and the argument and return kinds of the kernel's BTF. */
    @Test
    void theTableMatchesTheRunningKernelsBtf() throws IOException {
        Path vmlinux = Path.of("/sys/kernel/btf/vmlinux");
        Assumptions.assumeTrue(Files.isReadable(vmlinux), vmlinux + " is not readable: no kernel BTF to compare with");
        Btf kernel = Btf.read(vmlinux);
        List<String> wrong = new ArrayList<>();
        int compared = 0;
        for (KfuncSpec k : Kfuncs.all()) {
            BtfType f = kernel.find(dev.jvmbpf.runtime.btf.BtfKind.FUNC, k.name());
            if (f == null) {
                continue; // not in this kernel's build
            }
            compared++;
            BtfType.FuncProto proto = (BtfType.FuncProto) kernel.type(((BtfType.Func) f).type());
            if (proto.params().size() != k.args().size()) {
                wrong.add(k.name() + ": " + proto.params().size() + " parameters, the table has " + k.args().size());
                continue;
            }
            for (int i = 0; i < k.args().size(); i++) {
                boolean pointer = kernel.resolve(proto.params().get(i).type()) instanceof BtfType.Ptr;
                boolean wantsPointer = k.args().get(i) != KfuncSpec.Arg.SCALAR;
                if (pointer != wantsPointer) {
                    wrong.add(k.name() + " arg " + i + ": " + (pointer ? "a pointer" : "a scalar") + " in the kernel");
                }
            }
            BtfType ret = proto.returnType() == 0 ? null : kernel.resolve(proto.returnType());
            boolean wantsVoid = k.ret() == KfuncSpec.Ret.VOID;
            boolean wantsPointer = k.ret() == KfuncSpec.Ret.ITER_ELEMENT || k.ret() == KfuncSpec.Ret.KERNEL_POINTER;
            if ((ret == null) != wantsVoid || !wantsVoid && (ret instanceof BtfType.Ptr) != wantsPointer) {
                wrong.add(k.name() + ": returns " + (ret == null ? "void" : ret.kind()) + ", the table says " + k.ret());
            }
        }
        assertTrue(compared >= 10, "only " + compared + " of the table's kfuncs are in the kernel's BTF");
        assertEquals(List.of(), wrong);
    }
}
