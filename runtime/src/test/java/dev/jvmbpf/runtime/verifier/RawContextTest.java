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
}
