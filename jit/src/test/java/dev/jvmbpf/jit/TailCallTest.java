package dev.jvmbpf.jit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.helpers.StandardHelpers;
import dev.jvmbpf.helpers.context.ProgramContext;
import dev.jvmbpf.helpers.context.RawContext;
import dev.jvmbpf.jit.internal.ClassDefiner;
import dev.jvmbpf.runtime.exec.Engine;
import dev.jvmbpf.runtime.exec.Executable;
import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.interp.Interpreter;
import dev.jvmbpf.runtime.isa.Assembler;
import dev.jvmbpf.runtime.maps.BpfMap;
import dev.jvmbpf.runtime.maps.MapSpec;
import dev.jvmbpf.runtime.maps.MapType;
import dev.jvmbpf.runtime.maps.Maps;
import dev.jvmbpf.runtime.maps.ProgramArray;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.program.ProgramType;
import dev.jvmbpf.runtime.verifier.Verifier;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * bpf_tail_call on the JIT, whose entry function ends itself at a jump instead of unwinding a
 * thrown signal, against the interpreter: the caller's code after a jump never runs, an empty or
 * out-of-range slot falls through with -ENOENT, the 34th jump of a run fails with -E2BIG, a jump
 * from a bpf-to-bpf function ends the whole run, and engines mix (a JIT caller, an interpreted
 * target). The context is a counter block: [0] runs counted, [8] what the caller did after the
 * call (still 0 when it never went on).
 */
class TailCallTest {
    private static final int ENOENT = -2;
    private static final int E2BIG = -7;

    /** Counts a run in [0], jumps to slot 0, then records the helper's result plus 1000 in [8] and returns 5. */
    private static final String CALLER = """
            mov %r6, %r1
            ldxdw %r2, [%r1+0]
            add %r2, 1
            stxdw [%r1+0], %r2
            ldmapidx %r2, 0
            mov %r3, 0
            call 12
            add %r0, 1000
            stxdw [%r6+8], %r0
            mov %r0, 5
            exit
            """;
    private static final long AFTER_ENOENT = 1000 + ENOENT;
    private static final long AFTER_E2BIG = 1000 + E2BIG;

    /** The same jump made from a subprogram; the entry adds 1000 to what the subprogram returns. */
    private static final String NESTED_CALLER = """
            mov %r6, %r1
            call local +3
            stxdw [%r6+8], %r0
            add %r0, 1000
            exit
            ldxdw %r2, [%r1+0]
            add %r2, 1
            stxdw [%r1+0], %r2
            ldmapidx %r2, 0
            mov %r3, 0
            call 12
            exit
            """;

    /** Counts a run in [0] and returns the count plus 40. */
    private static final String TARGET = """
            ldxdw %r0, [%r1+0]
            add %r0, 1
            stxdw [%r1+0], %r0
            add %r0, 40
            exit
            """;

    private static Engine engine(String name) {
        return name.equals("jit") ? new JitEngine() : new Interpreter();
    }

    private static Executable load(Engine engine, String asm, List<BpfMap> maps) {
        BpfProgram p = new BpfProgram("p", "test", ProgramType.RAW, Assembler.assemble(asm), maps, "GPL");
        return engine.load(Verifier.verifyOrUnverified(p, StandardHelpers.table()), StandardHelpers.table());
    }

    /** r0 of one run, then the block's two counters. */
    private static long[] run(Executable e) {
        byte[] block = new byte[16];
        Machine m = e.newMachine(line -> { });
        m.beginRun();
        ProgramContext.Entry entry = new RawContext(block).install(m);
        long r0 = e.execute(m, entry.r1(), entry.r2(), 0, 0, 0);
        ByteBuffer b = ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN);
        return new long[] {r0, b.getLong(0), b.getLong(8)};
    }

    private static ProgramArray slots(int entries) {
        return (ProgramArray) Maps.create(new MapSpec("progs", MapType.PROG_ARRAY, 4, 4, entries, 0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "jit"})
    void aJumpEndsTheCallerAndAnEmptySlotFallsThrough(String name) {
        Engine engine = engine(name);
        ProgramArray progs = slots(1);
        Executable caller = load(engine, CALLER, List.of(progs));
        Executable target = load(engine, TARGET, List.of(progs));
        // Repeated so that the JIT's code is compiled by C2, which must keep the jump's exit.
        for (int i = 0; i < 3000; i++) {
            progs.set(0, null);
            assertEquals(List.of(5L, 1L, AFTER_ENOENT), List.of(box(run(caller))), "empty slot, run " + i);
            progs.set(0, target);
            assertEquals(List.of(42L, 2L, 0L), List.of(box(run(caller))), "jump, run " + i);
        }
        ProgramArray one = slots(1);
        Executable outOfRange = load(engine, CALLER.replace("mov %r3, 0", "mov %r3, 1"), List.of(one));
        one.set(0, load(engine, TARGET, List.of(one)));
        assertEquals(List.of(5L, 1L, AFTER_ENOENT), List.of(box(run(outOfRange))), "slot 1 of 1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "jit"})
    void the34thJumpOfARunFails(String name) {
        Engine engine = engine(name);
        ProgramArray progs = slots(1);
        Executable self = load(engine, CALLER, List.of(progs));
        progs.set(0, self);
        for (int i = 0; i < 200; i++) {
            // The first run and 33 jumps; the last caller goes on with -E2BIG. The count restarts each run.
            assertEquals(List.of(5L, 34L, AFTER_E2BIG), List.of(box(run(self))), "run " + i);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "jit"})
    void aJumpFromASubprogramEndsTheWholeRun(String name) {
        Engine engine = engine(name);
        ProgramArray progs = slots(1);
        Executable caller = load(engine, NESTED_CALLER, List.of(progs));
        Executable target = load(engine, TARGET, List.of(progs));
        for (int i = 0; i < 2000; i++) {
            progs.set(0, null);
            assertEquals(List.of(1000L + ENOENT, 1L, (long) ENOENT), List.of(box(run(caller))), "empty, run " + i);
            progs.set(0, target);
            assertEquals(List.of(42L, 2L, 0L), List.of(box(run(caller))), "jump, run " + i);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "jit"})
    void aJitCallerJumpsToAProgramOfTheOtherEngine(String name) {
        ProgramArray progs = slots(1);
        Executable caller = load(new JitEngine(), CALLER, List.of(progs));
        progs.set(0, load(engine(name), TARGET, List.of(progs)));
        assertEquals(List.of(42L, 2L, 0L), List.of(box(run(caller))));
        Executable interpreted = load(new Interpreter(), CALLER, List.of(progs));
        progs.set(0, load(engine(name), CALLER, List.of(progs)));
        assertEquals(List.of(5L, 34L, AFTER_E2BIG), List.of(box(run(interpreted))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "jit"})
    void aJumpFromAChunkOfAHugeEntryFunctionEndsTheRun(String name) {
        // Thousands of additions around the call: the JIT splits the entry function into chunk
        // methods, and the chunk holding the call must end the whole run.
        String padding = "add %r7, 1\n".repeat(6000);
        String huge = CALLER.replace("mov %r6, %r1\n", "mov %r6, %r1\nmov %r7, 0\n" + padding)
                .replace("mov %r0, 5\n", padding + "mov %r0, %r7\n");
        BpfProgram p = new BpfProgram("p", "test", ProgramType.RAW, Assembler.assemble(huge), List.of(slots(1)), "GPL");
        assertTrue(MethodSizes.of(ClassDefiner.classBytes(Verifier.verifyOrUnverified(p, StandardHelpers.table()),
                StandardHelpers.table())).size() > 3, "the entry function is split");
        Engine engine = engine(name);
        ProgramArray progs = slots(1);
        Executable caller = load(engine, huge, List.of(progs));
        assertEquals(List.of(12_000L, 1L, AFTER_ENOENT), List.of(box(run(caller))), "empty slot");
        progs.set(0, load(engine, TARGET, List.of(progs)));
        assertEquals(List.of(42L, 2L, 0L), List.of(box(run(caller))), "jump");
    }

    private static Long[] box(long[] values) {
        Long[] out = new Long[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }
}
