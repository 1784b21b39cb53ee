package dev.jvmbpf.conformance.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jvmbpf.helpers.StandardHelpers;
import dev.jvmbpf.helpers.context.ProgramContext;
import dev.jvmbpf.helpers.context.RawContext;
import dev.jvmbpf.kernel.KernelEngine;
import dev.jvmbpf.kernel.KernelExecutable;
import dev.jvmbpf.kernel.testing.KernelRequired;
import dev.jvmbpf.runtime.exec.Executable;
import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.exec.Output;
import dev.jvmbpf.runtime.interp.Interpreter;
import dev.jvmbpf.runtime.isa.Assembler;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.verifier.Verifier;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The string helpers of jvmbpf against the running kernel's: the same program calls
 * bpf_strtol/bpf_strtoul on the same bytes in the kernel (BPF_PROG_TEST_RUN) and on the
 * interpreter with the standard helpers, and stores the return value and {@code *res}.
 */
class KernelHelperDifferentialTest {
    private static final int MEMORY = 88;
    private static final int RC = 64;
    private static final int RES = 72;
    private static final int FLAGS = 80;

    @BeforeAll
    static void kernelAvailable() {
        KernelRequired.assume("kernel helper differential tests");
    }

    private static String program(int helper) {
        return """
                mov %r6, %r1
                ldxdw %r3, [%r1+80]
                mov %r4, %r10
                add %r4, -8
                stdw [%r10-8], 0x5555
                call HELPER
                stxdw [%r6+64], %r0
                ldxdw %r1, [%r10-8]
                stxdw [%r6+72], %r1
                mov %r0, 0
                exit
                """.replace("HELPER", Integer.toString(helper));
    }

    private static byte[] memory(String s, long flags) {
        byte[] m = new byte[MEMORY];
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(b, 0, m, 0, b.length);
        ByteBuffer.wrap(m).order(ByteOrder.LITTLE_ENDIAN).putLong(FLAGS, flags);
        return m;
    }

    private static String outcome(byte[] m) {
        ByteBuffer b = ByteBuffer.wrap(m).order(ByteOrder.LITTLE_ENDIAN);
        return "rc=" + b.getLong(RC) + " res=" + b.getLong(RES);
    }

    @Test
    void strtolAndStrtoulAgreeWithTheKernel() {
        String[] inputs = {"123", "  -42xyz", "0x1f", "0XFF", "017", "018", "0x", "0xg", "-0", "+5", "   ", "-",
            "abc", "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
            "18446744073709551615", "18446744073709551616", "ffffffffffffffff", "\t\n 77", "1234567890123456789012",
            "00000000000000000000000000000000000000000000000000000000000000000001"};
        long[] flagsList = {0, 8, 10, 16, 2, 0x20 | 10};
        List<String> mismatches = new ArrayList<>();
        int compared = 0;
        try (KernelEngine kernel = new KernelEngine()) {
            for (int helper : new int[] {105, 106}) {
                BpfProgram p = BpfProgram.raw(helper == 105 ? "strtol" : "strtoul", Assembler.assemble(program(helper)));
                KernelExecutable k = kernel.load(Verifier.verifyOrUnverified(p, StandardHelpers.table()), StandardHelpers.table());
                Executable interp = new Interpreter().load(Verifier.verifyOrUnverified(p, StandardHelpers.table()), StandardHelpers.table());
                for (String s : inputs) {
                    for (long flags : flagsList) {
                        int len = Math.max(1, Math.min(s.length(), RC));
                        byte[] mem = memory(s, flags);
                        byte[] expected = k.run(mem.clone(), true, len).memory();
                        byte[] actual = mem.clone();
                        Machine m = interp.newMachine(Output.discard());
                        m.beginRun();
                        ProgramContext.Entry e = new RawContext(actual).install(m);
                        interp.execute(m, e.r1(), len, 0, 0, 0);
                        compared++;
                        if (!outcome(expected).equals(outcome(actual))) {
                            mismatches.add(p.name() + "(\"" + s + "\", " + len + ", " + flags + "): kernel "
                                    + outcome(expected) + ", jvmbpf " + outcome(actual));
                        }
                    }
                }
            }
        }
        System.out.println("strtol/strtoul: " + compared + " cases compared with the kernel");
        assertEquals(List.of(), mismatches);
    }
}
