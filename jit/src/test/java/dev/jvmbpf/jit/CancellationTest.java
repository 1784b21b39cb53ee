package dev.jvmbpf.jit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jvmbpf.helpers.StandardHelpers;
import dev.jvmbpf.runtime.exec.Executable;
import dev.jvmbpf.runtime.exec.HelperSpec;
import dev.jvmbpf.runtime.exec.HelperTable;
import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.exec.Output;
import dev.jvmbpf.runtime.isa.Assembler;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.verifier.Verifier;
import dev.jvmbpf.testing.Runaway;
import dev.jvmbpf.testing.Runaway.Stopped;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A runaway program is stoppable from Java on both engines: interrupting the thread running it,
 * or a deadline, stops the run with a fault naming a pc inside the loop, and leaves the thread's
 * interrupt status set. Loops through backward jumps, through bpf-to-bpf calls and through
 * bpf_loop callbacks (inline on the JIT, or through the helper) all stop.
 */
class CancellationTest {
    /** r0 counts up forever; the loop is pcs 1 and 2. */
    private static final String BACK_EDGE = """
            mov %r0, 0
            loop:
            add %r0, 1
            ja loop
            """;

    /** The loop (pcs 0-2) calls a straight-line function each time round. */
    private static final String THROUGH_A_CALL = """
            loop:
            mov %r1, 1
            call local f
            ja loop
            f:
            mov %r0, %r1
            add %r0, 1
            exit
            """;

    /** The entry only calls; the callee (pcs 2-3) loops. */
    private static final String IN_A_CALLEE = """
            call local f
            exit
            f:
            add %r0, 1
            ja f
            """;

    /**
     * bpf_loop(2^23, outer) where outer runs bpf_loop(2^23, inner): 2^46 callbacks without a
     * backward jump anywhere, so only the callbacks count.
     */
    private static final String NESTED_BPF_LOOP = """
            mov %r1, 0x800000
            ldfunc %r2, outer
            mov %r3, 0
            mov %r4, 0
            call 181
            exit
            outer:
            mov %r1, 0x800000
            ldfunc %r2, inner
            mov %r3, 0
            mov %r4, 0
            call 181
            mov %r0, 0
            exit
            inner:
            mov %r0, 0
            exit
            """;

    private static Executable load(String engine, String asm, HelperTable helpers) {
        return HelperExceptionTest.engine(engine).load(Verifier.verifyOrUnverified(BpfProgram.raw("t", Assembler.assemble(asm)), helpers), helpers);
    }

    private static Stopped run(Executable exe, Consumer<Machine> setUp, boolean interrupt) {
        return Runaway.runOnThread(() -> {
            Machine machine = exe.newMachine(Output.discard());
            setUp.accept(machine);
            machine.beginRun();
            exe.execute(machine, 0, 0, 0, 0, 0);
        }, interrupt);
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "jit"})
    void interruptStopsABackwardJumpLoop(String engine) {
        run(load(engine, BACK_EDGE, HelperTable.empty()), m -> { }, true).assertInterrupted(1, 2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "jit"})
    void deadlineStopsABackwardJumpLoop(String engine) {
        Executable exe = load(engine, BACK_EDGE, HelperTable.empty());
        run(exe, m -> m.setTimeout(Duration.ofMillis(50)), false).assertDeadline(1, 2);
        run(exe, m -> m.setDeadline(System.nanoTime() + 50_000_000L), false).assertDeadline(1, 2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "jit"})
    void interruptAndDeadlineStopALoopThroughACall(String engine) {
        Executable exe = load(engine, THROUGH_A_CALL, HelperTable.empty());
        run(exe, m -> { }, true).assertInterrupted(0, 6);
        run(exe, m -> m.setTimeout(Duration.ofMillis(50)), false).assertDeadline(0, 6);
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "jit"})
    void interruptAndDeadlineStopALoopInACallee(String engine) {
        Executable exe = load(engine, IN_A_CALLEE, HelperTable.empty());
        run(exe, m -> { }, true).assertInterrupted(2, 3);
        run(exe, m -> m.setTimeout(Duration.ofMillis(50)), false).assertDeadline(2, 3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "jit"})
    void interruptAndDeadlineStopNestedBpfLoopCallbacks(String engine) {
        Executable exe = load(engine, NESTED_BPF_LOOP, StandardHelpers.table());
        run(exe, m -> { }, true).assertInterrupted(0, 17);
        run(exe, m -> m.setTimeout(Duration.ofMillis(50)), false).assertDeadline(0, 17);
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "jit"})
    void interruptStopsCallbacksRunThroughTheHelper(String engine) {
        // The same bpf_loop behind a wrapper, which the JIT cannot recognise and run inline.
        HelperSpec loop = StandardHelpers.table().get(StandardHelpers.LOOP);
        HelperTable wrapped = StandardHelpers.table().with(new HelperSpec(loop.id(), loop.name(), loop.args(),
                (m, r1, r2, r3, r4, r5) -> loop.implementation().call(m, r1, r2, r3, r4, r5)));
        Executable exe = load(engine, NESTED_BPF_LOOP, wrapped);
        run(exe, m -> { }, true).assertInterrupted(0, 17);
        run(exe, m -> m.setTimeout(Duration.ofMillis(50)), false).assertDeadline(0, 17);
    }

    /**
     * Counted loops run in slices on the JIT, checking once per slice: a count-down loop that
     * never reaches its bound (2^64 iterations), and loops whose counter some iterations skip
     * (their progress bounds nothing, so they check every iteration) stop all the same.
     */
    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "jit"})
    void deadlineStopsCountedLoops(String engine) {
        String countDownFromZero = """
                mov %r2, 0
                loop:
                add %r0, 1
                sub %r2, 1
                jne %r2, 0, loop
                exit
                """;
        String skippedDecrement = """
                mov %r2, 10
                loop:
                jeq %r5, 0, +1
                sub %r2, 1
                jne %r2, 0, loop
                exit
                """;
        String skippedIncrement = """
                mov %r1, 0
                loop:
                jeq %r5, 0, +1
                add %r1, 1
                jlt %r1, 10, loop
                exit
                """;
        run(load(engine, countDownFromZero, HelperTable.empty()),
                m -> m.setTimeout(Duration.ofMillis(50)), false).assertDeadline(1, 3);
        run(load(engine, skippedDecrement, HelperTable.empty()),
                m -> m.setTimeout(Duration.ofMillis(50)), false).assertDeadline(1, 3);
        run(load(engine, skippedIncrement, HelperTable.empty()),
                m -> m.setTimeout(Duration.ofMillis(50)), false).assertDeadline(1, 3);
        run(load(engine, countDownFromZero, HelperTable.empty()), m -> { }, true).assertInterrupted(1, 3);
    }

    /** Loops of many slices give the same results as without slicing (as the interpreter runs them). */
    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "jit"})
    void slicedLoopsComputeTheSame(String engine) {
        String countDown = """
                mov %r0, 0
                mov %r2, 1000001
                loop:
                add %r0, 3
                sub %r2, 1
                jne %r2, 0, loop
                exit
                """;
        String countUpToARegister = """
                mov %r0, 0
                mov %r2, 5
                mov %r3, 700005
                loop:
                add %r0, %r2
                add %r2, 1
                jne %r2, %r3, loop
                exit
                """;
        String ordered = """
                mov %r0, 0
                mov %r1, 7
                loop:
                add %r0, %r1
                add %r1, 3
                jle %r1, 900000, loop
                exit
                """;
        for (var c : new Object[][] {{countDown, 3_000_003L}, {countUpToARegister, sum(5, 700004, 1)},
                {ordered, sum(7, 900000, 3)}}) {
            assertEquals((long) c[1], Runs.run(load(engine, (String) c[0], HelperTable.empty())), (String) c[0]);
        }
    }

    private static long sum(long from, long to, long step) {
        long s = 0;
        for (long i = from; i <= to; i += step) {
            s += i;
        }
        return s;
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "jit"})
    void aFiniteLoopIsNotDisturbed(String engine) {
        // 2^20 iterations: several polls on the way, none of which stops the run.
        Executable exe = load(engine, """
                mov %r0, 0
                loop:
                add %r0, 1
                jlt %r0, 0x100000, loop
                exit
                """, HelperTable.empty());
        Machine machine = exe.newMachine(Output.discard());
        machine.setTimeout(Duration.ofMinutes(10));
        machine.beginRun();
        assertEquals(1 << 20, exe.execute(machine, 0, 0, 0, 0, 0));
    }
}
