package dev.jvmbpf.runtime.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jvmbpf.runtime.program.ProgramType;
import org.junit.jupiter.api.Test;

/** The context rules of program types this runtime loads as RAW (verifier_ctx, verifier_ctx_sk_msg). */
class RawContextTest {
    @Test
    void pointerFieldsAreReadWhole() {
        KernelRulesTest.accept("cgroup/getsockopt", ProgramType.RAW, "ldxdw %r2, [%r1+8]\nmov %r0, 1\nexit");
        assertEquals("pc 0 (r2 = *(u32 *)(r1 + 12)): invalid bpf_context access off=12 size=4",
                KernelRulesTest.reject("cgroup/getsockopt", ProgramType.RAW, "ldxw %r2, [%r1+12]\nmov %r0, 1\nexit"));
        KernelRulesTest.accept("cgroup/bind4", ProgramType.RAW, "ldxdw %r2, [%r1+64]\nldxw %r2, [%r1+60]\nmov %r0, 1\n"
                + "exit");
        assertEquals("pc 0 (r2 = *(u32 *)(r1 + 68)): invalid bpf_context access off=68 size=4",
                KernelRulesTest.reject("cgroup/bind4", ProgramType.RAW, "ldxw %r2, [%r1+68]\nmov %r0, 1\nexit"));
        assertEquals("pc 0 (r2 = *(u32 *)(r1 + 196)): invalid bpf_context access off=196 size=4",
                KernelRulesTest.reject("sockops", ProgramType.RAW, "ldxw %r2, [%r1+196]\nmov %r0, 1\nexit"));
    }

    @Test
    void accessesStayInsideTheStructAndAligned() {
        KernelRulesTest.accept("sk_msg", ProgramType.RAW, "ldxw %r2, [%r1+68]\nmov %r0, 1\nexit");
        assertEquals("pc 0 (r2 = *(u64 *)(r1 + 68)): invalid bpf_context access off=68 size=8",
                KernelRulesTest.reject("sk_msg", ProgramType.RAW, "ldxdw %r2, [%r1+68]\nmov %r0, 1\nexit"));
        assertEquals("pc 0 (r2 = *(u32 *)(r1 + 80)): invalid bpf_context access off=80 size=4",
                KernelRulesTest.reject("sk_msg", ProgramType.RAW, "ldxw %r2, [%r1+80]\nmov %r0, 1\nexit"));
        assertEquals("pc 0 (r2 = *(u32 *)(r1 + 17)): invalid bpf_context access off=17 size=4",
                KernelRulesTest.reject("sk_msg", ProgramType.RAW, "ldxw %r2, [%r1+17]\nmov %r0, 1\nexit"));
    }

    /** A flow dissector: r7 = skb->flow_keys, moved by {@code move}, then a load through it. */
    private static String flowKeys(String move, String load) {
        return "ldxdw %r7, [%r1+144]\n" + move + load + "mov %r0, 0\nexit\n";
    }

    @Test
    void flowKeysMoveOnlyByConstantsAndStayInsideTheirStruct() {
        KernelRulesTest.accept("flow_dissector", ProgramType.RAW, flowKeys("add %r7, 8\n", "ldxdw %r0, [%r7+0]\n"));
        KernelRulesTest.accept("flow_dissector", ProgramType.RAW, flowKeys("", "ldxw %r0, [%r7+52]\n"));
        assertEquals("pc 1 (r0 = *(u32 *)(r7 + 56)): invalid access to flow keys off=56 size=4",
                KernelRulesTest.reject("flow_dissector", ProgramType.RAW, flowKeys("", "ldxw %r0, [%r7+56]\n")));
        // 8 / 1 is no constant for the kernel: it computes no bounds for a division.
        assertEquals("pc 4 (r7 += r8): R7 pointer arithmetic on flow_keys prohibited",
                KernelRulesTest.reject("flow_dissector", ProgramType.RAW,
                        flowKeys("mov %r8, 8\ndiv %r8, 1\nand %r8, 8\nadd %r7, %r8\n", "ldxdw %r0, [%r7+0]\n")));
    }
}
