package dev.jvmbpf.runtime.interp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.runtime.exec.ArgType;
import dev.jvmbpf.runtime.exec.Executable;
import dev.jvmbpf.runtime.exec.HelperSpec;
import dev.jvmbpf.runtime.exec.HelperTable;
import dev.jvmbpf.runtime.exec.LoadException;
import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.exec.Output;
import dev.jvmbpf.runtime.isa.Alu;
import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.maps.BpfMap;
import dev.jvmbpf.runtime.maps.MapSpec;
import dev.jvmbpf.runtime.maps.MapType;
import dev.jvmbpf.runtime.memory.BpfFault;
import dev.jvmbpf.runtime.memory.FaultKind;
import dev.jvmbpf.runtime.memory.Region;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.program.ProgramType;
import dev.jvmbpf.runtime.verifier.Verifier;
import dev.jvmbpf.testing.Execution;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Behaviour the conformance vectors cannot express: helpers, maps, budgets, faults, loading. */
class InterpreterTest {
    private static final Interpreter ENGINE = new Interpreter();

    private static Instruction i(int opcode, int dst, int src, int offset, int imm) {
        return Instruction.of(opcode, dst, src, offset, imm);
    }

    private static Instruction exit() {
        return i(0x95, 0, 0, 0, 0);
    }

    private static Instruction mov(int dst, int imm) {
        return i(0xb7, dst, 0, 0, imm);
    }

    private static long run(HelperTable helpers, Instruction... program) {
        Executable e = ENGINE.load(Verifier.verifyOrUnverified(BpfProgram.raw("t", program), helpers), helpers);
        return Execution.runOnce(e);
    }

    private static long run(Instruction... program) {
        return run(HelperTable.empty(), program);
    }

    private static BpfFault fault(Instruction... program) {
        return assertThrows(BpfFault.class, () -> run(program));
    }

    @Test
    void helperReceivesArgumentsAndReturnsIntoR0() {
        HelperTable helpers = HelperTable.of(List.of(new HelperSpec(7, "sum", List.of(ArgType.ANYTHING),
                (m, a, b, c, d, e) -> a + 10 * b + 100 * c + 1000 * d + 10000 * e)));
        long r0 = run(helpers, mov(1, 1), mov(2, 2), mov(3, 3), mov(4, 4), mov(5, 5), mov(6, 6),
                i(0x85, 0, 0, 0, 7), i(0x0f, 0, 6, 0, 0), exit());
        assertEquals(54321 + 6, r0);
    }

    @Test
    void callxTakesTheHelperIdFromTheRegister() {
        HelperTable helpers = HelperTable.of(List.of(new HelperSpec(5, "five", List.of(), (m, a, b, c, d, e) -> 55)));
        assertEquals(55, run(helpers, mov(3, 5), i(0x8d, 3, 0, 0, 0), exit()));
    }

    @Test
    void unknownHelperFaultsNamingTheId() {
        BpfFault f = fault(mov(0, 1), i(0x85, 0, 0, 0, 4242), exit());
        assertEquals(FaultKind.HELPER, f.kind());
        assertEquals(1, f.pc());
        assertTrue(f.getMessage().contains("4242"), f.getMessage());
    }

    @Test
    void helperExceptionsBecomeHelperFaultsAndErrorsBecomeInternalFaults() {
        HelperTable helpers = HelperTable.of(List.of(
                new HelperSpec(1, "boom", List.of(), (m, a, b, c, d, e) -> {
                    throw new IllegalStateException("boom");
                }),
                new HelperSpec(2, "deep", List.of(), (m, a, b, c, d, e) -> {
                    throw new StackOverflowError();
                })));
        BpfFault f = assertThrows(BpfFault.class, () -> run(helpers, i(0x85, 0, 0, 0, 1), exit()));
        assertEquals(FaultKind.HELPER, f.kind());
        assertTrue(f.getMessage().contains("boom"), f.getMessage());
        BpfFault g = assertThrows(BpfFault.class, () -> run(helpers, mov(0, 0), i(0x85, 0, 0, 0, 2), exit()));
        assertEquals(FaultKind.INTERNAL, g.kind());
        assertEquals(1, g.pc());
    }

    @Test
    void faultsCarryPcAndInstruction() {
        Instruction load = i(0x79, 0, 1, 8, 0);
        BpfFault f = fault(mov(1, 0), load, exit());
        assertEquals(FaultKind.NULL_POINTER, f.kind());
        assertEquals(1, f.pc());
        assertEquals(load, f.instruction());
        assertEquals(8, f.size());
    }

    @Test
    void budgetStopsAnEndlessLoop() {
        Executable e = ENGINE.load(Verifier.verifyOrUnverified(BpfProgram.raw("loop", new Instruction[] {i(0x07, 0, 0, 0, 1), i(0x05, 0, 0, -2, 0),
            exit()}), HelperTable.empty()), HelperTable.empty());
        Machine m = e.newMachine(Output.discard());
        m.setBudget(1000);
        m.beginRun();
        BpfFault f = assertThrows(BpfFault.class, () -> e.execute(m, 0, 0, 0, 0, 0));
        assertEquals(FaultKind.BUDGET_EXHAUSTED, f.kind());
        // 1000 instructions ran: 500 additions and 500 jumps; the 1001st is the addition at pc 0.
        assertEquals(0, f.pc());
    }

    @Test
    void budgetIsEnoughForAProgramThatFits() {
        Executable e = ENGINE.load(Verifier.verifyOrUnverified(BpfProgram.raw("short", new Instruction[] {mov(0, 3), exit()}), HelperTable.empty()), HelperTable.empty());
        Machine m = e.newMachine(Output.discard());
        m.setBudget(2);
        m.beginRun();
        assertEquals(3, e.execute(m, 0, 0, 0, 0, 0));
    }

    @Test
    void mayGotoFallsThroughTheKernelsLoopBudgetThenJumps() {
        // r0++ ; may_goto +1 ; ja -3 ; exit  -> counts how many times may_goto fell through, plus one.
        long r0 = run(i(0x07, 0, 0, 0, 1), i(0xe5, 0, 0, 1, 0), i(0x05, 0, 0, -3, 0), exit());
        assertEquals(Alu.MAX_LOOPS + 1L, r0);
    }

    @Test
    void mapHandlesAndDirectValuesComeFromTheMachine() {
        Region value = Region.of("value", new byte[16], true);
        BpfMap global = new BpfMap() {
            @Override
            public MapSpec spec() {
                return new MapSpec(".data", MapType.ARRAY, 4, 16, 1, 0);
            }

            @Override
            public Region lookup(byte[] key) {
                return value;
            }

            @Override
            public int update(byte[] key, byte[] v, long flags) {
                return 0;
            }

            @Override
            public int delete(byte[] key) {
                return 0;
            }
        };
        List<Instruction> code = new ArrayList<>(List.of(
                i(0x18, 1, 6, 0, 0), i(0, 0, 0, 0, 8),        // r1 = &value + 8
                i(0x7a, 1, 0, 0, 0x1234),                     // *(u64 *)(r1 + 0) = 0x1234
                i(0x18, 2, 5, 0, 0), i(0, 0, 0, 0, 0),        // r2 = handle of map 0
                i(0x79, 0, 1, 0, 0),
                exit()));
        BpfProgram p = new BpfProgram("maps", "", ProgramType.RAW, code.toArray(Instruction[]::new), List.of(global), "");
        Executable e = ENGINE.load(Verifier.verifyOrUnverified(p, HelperTable.empty()), HelperTable.empty());
        Machine m = e.newMachine(Output.discard());
        m.beginRun();
        assertEquals(0x1234, e.execute(m, 0, 0, 0, 0, 0));
        assertEquals(0x1234, value.get(8, 8));
    }

    @Test
    void packetLoadsAreBigEndianAndEndTheProgramWhenOutside() {
        byte[] bytes = {0x11, 0x22, 0x33, 0x44, 0x55};
        Instruction[] program = {mov(0, 7), i(0x20, 0, 0, 0, 1), i(0x07, 0, 0, 0, 1), exit()};
        Executable e = ENGINE.load(Verifier.verifyOrUnverified(BpfProgram.raw("abs", program), HelperTable.empty()), HelperTable.empty());
        Machine m = e.newMachine(Output.discard());
        m.beginRun();
        long address = m.memory().register(Region.of("packet", bytes, true));
        m.setPacket(address, bytes.length);
        assertEquals(0x22334455L + 1, e.execute(m, address, bytes.length, 0, 0, 0));
        m.beginRun();
        address = m.memory().register(Region.of("short packet", new byte[4], true));
        m.setPacket(address, 4);
        assertEquals(0, e.execute(m, address, 4, 0, 0, 0));
    }

    @Test
    void loadRejectsJumpsOutsideTheProgramAndIntoLddw() {
        assertThrows(LoadException.class, () -> ENGINE.load(Verifier.verifyOrUnverified(BpfProgram.raw("j", new Instruction[] {
            i(0x05, 0, 0, 5, 0), exit()}), HelperTable.empty()), HelperTable.empty()));
        LoadException e = assertThrows(LoadException.class, () -> ENGINE.load(Verifier.verifyOrUnverified(BpfProgram.raw("j", new Instruction[] {
            i(0x05, 0, 0, 1, 0), i(0x18, 0, 0, 0, 1), i(0, 0, 0, 0, 0), exit()}), HelperTable.empty()), HelperTable.empty()));
        assertTrue(e.getMessage().contains("lddw"), e.getMessage());
        assertThrows(LoadException.class, () -> ENGINE.load(Verifier.verifyOrUnverified(BpfProgram.raw("w", new Instruction[] {
            mov(0, 0), i(0x18, 0, 0, 0, 1)}), HelperTable.empty()), HelperTable.empty()));
        assertThrows(LoadException.class, () -> ENGINE.load(Verifier.verifyOrUnverified(BpfProgram.raw("u", new Instruction[] {
            i(0xff, 0, 0, 0, 0), exit()}), HelperTable.empty()), HelperTable.empty()));
        assertThrows(LoadException.class, () -> ENGINE.load(Verifier.verifyOrUnverified(BpfProgram.raw("c", new Instruction[] {
            i(0x85, 0, 1, 0, -5), exit()}), HelperTable.empty()), HelperTable.empty()));
    }

    @Test
    void runningOffTheEndFaults() {
        BpfFault f = fault(mov(0, 1));
        assertEquals(FaultKind.INVALID_INSTRUCTION, f.kind());
        assertEquals(1, f.pc());
    }

    @Test
    void callerRegistersSurviveAndTheCalleeHasItsOwnStack() {
        long r0 = run(
                mov(6, 60), i(0x7a, 10, 0, -8, 77),   // caller: r6 = 60, its stack[-8] = 77
                i(0x85, 0, 1, 0, 4),                  // call +4
                i(0x79, 1, 10, -8, 0),                // r1 = caller's stack[-8]
                i(0x0f, 0, 6, 0, 0), i(0x0f, 0, 1, 0, 0), exit(),
                // callee: sees a zeroed frame, clobbers r6, returns 100 + its stack[-8]
                i(0x79, 0, 10, -8, 0), mov(6, 1000), i(0x07, 0, 0, 0, 100), exit());
        assertEquals(100 + 60 + 77, r0);
    }

    @Test
    void eightFramesWorkAndANinthFaults() {
        assertEquals(7, run(nestedCalls(7)));
        BpfFault f = fault(nestedCalls(8));
        assertEquals(FaultKind.CALL_DEPTH, f.kind());
        assertEquals("more than 8 call frames", f.detail()); // BpfFault.callDepth(), as on the JIT
    }

    /** {@code calls} nested bpf-to-bpf calls, each adding one to r0. */
    private static Instruction[] nestedCalls(int calls) {
        List<Instruction> code = new ArrayList<>();
        code.add(mov(0, 0));
        for (int k = 0; k < calls; k++) {
            code.add(i(0x85, 0, 1, 0, 1));
            code.add(exit());
            code.add(i(0x07, 0, 0, 0, 1));
        }
        code.add(exit());
        return code.toArray(Instruction[]::new);
    }

    @Test
    void helpersCallBackIntoTheProgramOneFrameDeeper() {
        // helper 181 calls the function in r1 r2 times with (index, r3) and sums the results.
        HelperTable helpers = HelperTable.of(List.of(new HelperSpec(181, "loop", List.of(),
                (m, fn, n, ctx, d, e) -> {
                    long sum = 0;
                    for (long k = 0; k < n; k++) {
                        sum += m.callbackInvoker().invoke(m, fn, k, ctx, 0, 0, 0);
                    }
                    return sum;
                })));
        long r0 = run(helpers,
                mov(6, 1000), i(0x7a, 10, 0, -8, 5),
                i(0x18, 1, 4, 0, 8), i(0, 0, 0, 0, 0),   // r1 = &callback (pc 11)
                mov(2, 4), mov(3, 10),
                i(0x85, 0, 0, 0, 181),
                i(0x0f, 0, 6, 0, 0),                    // + r6, preserved
                i(0x79, 1, 10, -8, 0), i(0x0f, 0, 1, 0, 0), // + caller's stack, untouched
                exit(),
                // callback: r0 = index * r2 ctx, after scribbling on its own frame and r6
                i(0x7a, 10, 0, -8, 99), mov(6, 0), i(0xbf, 0, 1, 0, 0), i(0x2f, 0, 2, 0, 0), exit());
        assertEquals((0 + 1 + 2 + 3) * 10 + 1000 + 5, r0);
    }

    @Test
    void tailCallReplacesTheProgramAndKeepsTheRun() {
        Executable target = ENGINE.load(Verifier.verifyOrUnverified(BpfProgram.raw("target", new Instruction[] {
            i(0x79, 0, 1, 0, 0), exit()}), HelperTable.empty()), HelperTable.empty());
        HelperTable helpers = HelperTable.of(List.of(new HelperSpec(12, "tail_call", List.of(),
                (m, ctx, map, index, d, e) -> {
                    throw new dev.jvmbpf.runtime.exec.TailCall(target, ctx);
                })));
        Executable e = ENGINE.load(Verifier.verifyOrUnverified(BpfProgram.raw("caller", new Instruction[] {
            i(0x85, 0, 1, 0, 2), mov(0, -1), exit(),
            i(0x85, 0, 0, 0, 12), mov(0, -2), exit()}), helpers), helpers);
        Machine m = e.newMachine(Output.discard());
        m.beginRun();
        byte[] ctx = {42, 0, 0, 0, 0, 0, 0, 0};
        long address = m.memory().register(Region.of("ctx", ctx, false));
        assertEquals(42, e.execute(m, address, 0, 0, 0, 0));
    }
}
