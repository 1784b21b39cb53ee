package dev.jvmbpf.engines;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jvmbpf.Bpf;
import dev.jvmbpf.Program;
import dev.jvmbpf.helpers.context.RawContext;
import dev.jvmbpf.jit.JitEngine;
import dev.jvmbpf.runtime.exec.Engine;
import dev.jvmbpf.runtime.interp.Interpreter;
import dev.jvmbpf.runtime.isa.Assembler;
import dev.jvmbpf.runtime.program.BpfProgram;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Frames are zeroed before use only for programs that may read stack bytes they did not write:
 * those must see zeros, never what an earlier run or call left. The others keep the last bytes,
 * and no run of them can tell.
 */
class StackZeroingTest {
    static Stream<Engine> engines() {
        return Stream.of(new Interpreter(), new JitEngine());
    }

    private static Program load(Engine engine, String asm) {
        return Bpf.of(BpfProgram.raw("t", Assembler.assemble(asm))).engine(engine).load().program();
    }

    @ParameterizedTest
    @MethodSource("engines")
    void aReadBeforeAnyWriteSeesZeroOnEveryRun(Engine engine) {
        Program p = load(engine, "ldxdw %r0, [%r10-8]\nstdw [%r10-8], 7\nexit\n");
        assertEquals(true, p.verified().readsUnwrittenStack());
        for (int run = 0; run < 3; run++) {
            assertEquals(0, p.run(), "run " + run);
        }
    }

    @ParameterizedTest
    @MethodSource("engines")
    void aCalleeFrameIsZeroedForEachCall(Engine engine) {
        Program p = load(engine, """
                call local f
                mov %r6, %r0
                call local f
                add %r0, %r6
                exit
                f:
                ldxdw %r0, [%r10-8]
                stdw [%r10-8], 5
                exit
                """);
        for (int run = 0; run < 3; run++) {
            assertEquals(0, p.run(), "run " + run);
        }
    }

    @ParameterizedTest
    @MethodSource("engines")
    void programsThatWriteFirstReadTheirOwnRun(Engine engine) {
        Program p = load(engine, """
                stxdw [%r10-8], %r2
                call local f
                ldxdw %r1, [%r10-8]
                add %r0, %r1
                exit
                f:
                stxdw [%r10-16], %r2
                ldxdw %r0, [%r10-16]
                exit
                """);
        assertEquals(false, p.verified().readsUnwrittenStack());
        for (int length = 1; length <= 4; length++) {
            assertEquals(2 * length, p.run(new RawContext(new byte[length])), "length " + length);
        }
    }
}
