package dev.jvmbpf.jit;

import static dev.jvmbpf.runtime.isa.Opcodes.ALU_ADD;
import static dev.jvmbpf.runtime.isa.Opcodes.JMP_JGE;
import static dev.jvmbpf.runtime.isa.Opcodes.JMP_JGT;
import static dev.jvmbpf.runtime.isa.Opcodes.JMP_JLE;
import static dev.jvmbpf.runtime.isa.Opcodes.JMP_JLT;
import static dev.jvmbpf.runtime.isa.Opcodes.SIZE_B;
import static dev.jvmbpf.runtime.isa.Opcodes.SIZE_W;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jvmbpf.runtime.exec.Engine;
import dev.jvmbpf.runtime.exec.Executable;
import dev.jvmbpf.runtime.exec.HelperTable;
import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.exec.Output;
import dev.jvmbpf.runtime.interp.Interpreter;
import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.memory.BpfFault;
import dev.jvmbpf.runtime.memory.Region;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.verifier.Verifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Loops the JIT compiles with a signed copy (unsigned back edge, one increment) and accesses
 * through the input region: the JIT must count the same iterations and fault the same way as the
 * interpreter, on either side of the copy's entry check.
 */
class VersionedLoopTest {
    private static final long MAX = Long.MAX_VALUE;
    private static final long[] EDGES = {0, 1, 5, 1000, MAX - (1 << 20) - 1, MAX - 64, MAX - 63, MAX - 2, MAX - 1, MAX,
        Long.MIN_VALUE, Long.MIN_VALUE + 1, -1000, -2, -1};

    /** Runs on both engines with a budget, so a miscompiled loop faults instead of hanging. */
    private static String run(Engine engine, Instruction[] code, byte[] memory, boolean writable) {
        Executable exe = engine.load(Verifier.verifyOrUnverified(BpfProgram.raw("loop", code), HelperTable.empty()), HelperTable.empty());
        Machine m = exe.newMachine(Output.discard());
        m.setBudget(200_000);
        m.beginRun();
        long address = memory == null ? 0 : m.memory().register(Region.of("mem", memory, writable));
        try {
            return "r0=" + exe.execute(m, address, memory == null ? 0 : memory.length, 0, 0, 0);
        } catch (BpfFault f) {
            return "fault " + f.kind() + " at pc " + f.pc();
        }
    }

    private static String both(Instruction[] code, byte[] memory, boolean writable) {
        String expected = run(new Interpreter(), code, memory == null ? null : memory.clone(), writable);
        String actual = run(new JitEngine(), code, memory, writable);
        assertEquals(expected, actual, "JIT and interpreter differ");
        return actual;
    }

    /** {@code n} bytes of {@code i * factor}. */
    private static byte[] patterned(int n, int factor) {
        byte[] bytes = new byte[n];
        for (int i = 0; i < n; i++) {
            bytes[i] = (byte) (i * factor);
        }
        return bytes;
    }

    private static long unsignedSum(byte[] bytes) {
        long sum = 0;
        for (byte b : bytes) {
            sum += b & 0xff;
        }
        return sum;
    }

    /** r0 counts the iterations of a loop over counter r1 and bound r2 ending in {@code op}. */
    private static Instruction[] countingLoop(int op, long counter, long bound, int step) {
        Asm a = new Asm().lddw(1, counter).lddw(2, bound).mov(0, 0)
                .alu64(ALU_ADD, 0, 1).alu64(ALU_ADD, 1, step);
        if (op == JMP_JLT || op == JMP_JLE) {
            a.jmpx(op, 1, 2, -3);
        } else {
            a.jmpx(op, 2, 1, -3);
        }
        return a.exit().build();
    }

    @Test
    void countsTheSameIterationsAtTheEdgesOfTheSignedRange() {
        int checked = 0;
        for (int op : new int[] {JMP_JLT, JMP_JLE, JMP_JGT, JMP_JGE}) {
            for (int step : new int[] {1, 64, 1 << 20}) {
                for (long c : EDGES) {
                    for (long b : EDGES) {
                        long n = RandomPrograms.iterations(op, c, b, step, 1000);
                        if (n < 0) {
                            continue;
                        }
                        Instruction[] code = countingLoop(op, c, b, step);
                        assertEquals("r0=" + n, both(code, null, false),
                                "op " + op + " step " + step + " counter " + c + " bound " + b);
                        checked++;
                    }
                }
            }
        }
        // The edges must exercise both sides of the entry check many times over.
        assertEquals(true, checked > 300, "only " + checked + " cases");
    }

    @Test
    void aConstantBoundLoopMatches() {
        for (long c : EDGES) {
            long n = RandomPrograms.iterations(JMP_JLE, c, 300, 3, 1000);
            if (n < 0) {
                continue;
            }
            Instruction[] code = new Asm().lddw(1, c).mov(0, 0).alu64(ALU_ADD, 0, 1).alu64(ALU_ADD, 1, 3)
                    .jmp(JMP_JLE, 1, 300, -3).exit().build();
            assertEquals("r0=" + n, both(code, null, false), "counter " + c);
        }
    }

    /** r0 = sum of the bytes from r1 to r1 + r2 + extra, one at a time (clang's pointer walk). */
    private static Instruction[] byteSum(int extra) {
        return new Asm().mov(0, 0).movx(3, 1).alu64x(ALU_ADD, 3, 2).alu64(ALU_ADD, 3, extra)
                .ldx(SIZE_B, 4, 1, 0).alu64x(ALU_ADD, 0, 4).alu64(ALU_ADD, 1, 1).jmpx(JMP_JLT, 1, 3, -4)
                .exit().build();
    }

    @Test
    void aWalkOverTheInputSumsItAndAWalkPastItsEndFaultsAtTheSamePc() {
        byte[] memory = patterned(1500, 7);
        assertEquals("r0=" + unsignedSum(memory), both(byteSum(0), memory, false));
        String past = both(byteSum(3), memory, false);
        assertEquals(true, past.startsWith("fault ") && past.endsWith(" at pc 4"), past);
    }

    @Test
    void inputAccessesOutsideTheHeldRegionStillReachTheirOwn() {
        // The run's packet is another region than r1's memory: the JIT holds the packet's region,
        // every input access misses it and must still read r1's memory, as the interpreter does.
        byte[] memory = patterned(300, 13);
        long sum = unsignedSum(memory);
        for (Engine engine : new Engine[] {new Interpreter(), new JitEngine()}) {
            Executable exe = engine.load(Verifier.verifyOrUnverified(BpfProgram.raw("elsewhere", byteSum(0)), HelperTable.empty()), HelperTable.empty());
            Machine m = exe.newMachine(Output.discard());
            m.beginRun();
            long other = m.memory().register(Region.of("other", new byte[64], false));
            m.setPacket(other, 64);
            long address = m.memory().register(Region.of("mem", memory, false));
            assertEquals(sum, exe.execute(m, address, memory.length, 0, 0, 0), engine.name());
        }
    }

    @Test
    void wideLoadsAtTheInputsEndAndStoresToReadOnlyInputFaultAlike() {
        byte[] memory = new byte[16];
        for (int i = 0; i < memory.length; i++) {
            memory[i] = (byte) (i + 1);
        }
        List<String> outcomes = new ArrayList<>();
        for (int off = 10; off <= 16; off++) {
            // The last in-bounds 4-byte load is at offset 12; 13 to 16 straddle or pass the end.
            outcomes.add(both(new Asm().ldx(SIZE_W, 0, 1, off).exit().build(), memory, true));
        }
        assertEquals("r0=" + 0x100f0e0dL, outcomes.get(2));
        assertEquals(true, outcomes.get(3).startsWith("fault "), outcomes.toString());
        Instruction[] store = new Asm().mov(0, 7).stx(SIZE_W, 1, 0, 4).ldx(SIZE_W, 0, 1, 4).exit().build();
        assertEquals("r0=7", both(store, memory, true));
        String readOnly = both(store, memory, false);
        assertEquals(true, readOnly.startsWith("fault ") && readOnly.endsWith(" at pc 1"), readOnly);
    }
}
