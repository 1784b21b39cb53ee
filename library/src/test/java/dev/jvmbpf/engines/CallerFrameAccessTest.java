package dev.jvmbpf.engines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.Bpf;
import dev.jvmbpf.Program;
import dev.jvmbpf.jit.JitEngine;
import dev.jvmbpf.runtime.interp.Interpreter;
import dev.jvmbpf.runtime.isa.Assembler;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.verifier.VerifiedProgram;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Callees and bpf_loop callbacks that read and write their callers' frames through the pointers
 * they were given: the verifier proves which frame and offset (up to two calls up) and the JIT
 * turns those accesses into frame-array accesses. Random programs, the same results on both
 * engines; the seed is printed so that a failure reproduces.
 */
class CallerFrameAccessTest {
    private static final String[] LOADS = {"ldxb", "ldxh", "ldxw", "ldxdw"};
    private static final String[] STORES = {"stxb", "stxh", "stxw", "stxdw"};

    /** Random loads, stores and atomics through {@code ptr} into a 64-byte buffer, folded into r0. */
    private static String body(SplittableRandom rnd, String ptr) {
        StringBuilder out = new StringBuilder("mov %r0, 0\n");
        int ops = 1 + rnd.nextInt(12);
        for (int i = 0; i < ops; i++) {
            int size = rnd.nextInt(4);
            int width = 1 << size;
            int off = rnd.nextInt(64 - width + 1);
            switch (rnd.nextInt(4)) {
                case 0, 1 -> out.append(LOADS[size]).append(" %r7, [").append(ptr).append('+').append(off)
                        .append("]\nmul %r0, 31\nadd %r0, %r7\n");
                case 2 -> out.append("add %r0, ").append(rnd.nextInt(1000)).append('\n').append(STORES[size])
                        .append(" [").append(ptr).append('+').append(off).append("], %r0\n");
                default -> {
                    int aligned = (rnd.nextInt(64 / 8)) * 8;
                    out.append("mov %r7, %r0\nlock add [").append(ptr).append('+').append(aligned)
                            .append("], %r7\n");
                }
            }
        }
        return out.toString();
    }

    private static String program(SplittableRandom rnd) {
        StringBuilder p = new StringBuilder();
        for (int slot = 1; slot <= 8; slot++) {
            p.append("stdw [%r10-").append(8 * slot).append("], ").append(rnd.nextInt()).append('\n');
        }
        boolean loop = rnd.nextBoolean();
        if (loop) {
            p.append("mov %r1, ").append(rnd.nextInt(6)).append("\nldfunc %r2, cb\nmov %r3, %r10\nadd %r3, -64\n"
                    + "mov %r4, 0\ncall 181\nmov %r6, %r0\n");
        } else {
            p.append("mov %r1, %r10\nadd %r1, -64\ncall local f\nmov %r6, %r0\n");
        }
        // Fold the whole buffer and the callee's result into r0.
        p.append("mov %r0, %r6\n");
        for (int slot = 1; slot <= 8; slot++) {
            p.append("ldxdw %r2, [%r10-").append(8 * slot).append("]\nmul %r0, 1000003\nxor %r0, %r2\n");
        }
        p.append("exit\n");
        if (loop) {
            // The callback: its index, the caller's buffer in r2; stops early now and then.
            p.append("cb:\nmov %r8, %r2\nmov %r9, %r1\n").append(body(rnd, "%r8"))
                    .append("stxdw [%r8+0], %r9\nmov %r0, 0\njne %r9, ").append(rnd.nextInt(8)).append(", +1\n")
                    .append("mov %r0, 1\nexit\n");
        } else {
            // f works on its caller's buffer and passes it on to g, two calls up from g's frame.
            p.append("f:\nmov %r6, %r1\n").append(body(rnd, "%r6"))
                    .append("mov %r8, %r0\nmov %r1, %r6\ncall local g\nadd %r0, %r8\nexit\n")
                    .append("g:\nmov %r6, %r1\n").append(body(rnd, "%r6")).append("exit\n");
        }
        return p.toString();
    }

    @Test
    void randomProgramsAgreeWithTheInterpreter() {
        long seed = Long.getLong("jvmbpf.callerframe.seed", 20261203L);
        int count = Integer.getInteger("jvmbpf.callerframe.count", 400);
        System.out.println("caller frame accesses: " + count + " programs, seed " + seed);
        SplittableRandom rnd = new SplittableRandom(seed);
        int proven = 0;
        for (int i = 0; i < count; i++) {
            String asm = program(rnd);
            BpfProgram program = BpfProgram.raw("t", Assembler.assemble(asm));
            Program interpreter = Bpf.of(program).engine(new Interpreter()).load().program();
            Program jit = Bpf.of(program).engine(new JitEngine()).load().program();
            VerifiedProgram v = jit.verified();
            for (int pc = 0; pc < program.length(); pc++) {
                proven += v.frameAccessUp(pc) >= 1 ? 1 : 0;
            }
            for (int run = 0; run < 2; run++) {
                assertEquals(interpreter.run(), jit.run(), "program " + i + " (seed " + seed + "), run " + run
                        + ":\n" + asm);
            }
        }
        // The point of the test: most callee accesses were proven to land in a caller's frame.
        assertTrue(proven > count * 3, "only " + proven + " accesses proven in callers' frames");
    }
}
