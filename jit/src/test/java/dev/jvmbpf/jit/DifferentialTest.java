package dev.jvmbpf.jit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.jvmbpf.runtime.exec.ArgType;
import dev.jvmbpf.runtime.exec.Engine;
import dev.jvmbpf.runtime.exec.Executable;
import dev.jvmbpf.runtime.exec.HelperSpec;
import dev.jvmbpf.runtime.exec.HelperTable;
import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.exec.Output;
import dev.jvmbpf.runtime.interp.Interpreter;
import dev.jvmbpf.runtime.isa.Disassembler;
import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.memory.AddressSpace;
import dev.jvmbpf.runtime.memory.BpfFault;
import dev.jvmbpf.runtime.memory.Region;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.verifier.Verifier;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Random valid programs on the interpreter and the JIT: r0 (or fault kind and pc), the input
 * memory and the entry stack frame must be identical. The campaign's base seed is printed;
 * {@code -Djvmbpf.jit.diff.seed=S} reproduces a run and {@code -Djvmbpf.jit.diff.count=N} sizes it.
 */
class DifferentialTest {
    private static final HelperTable HELPERS = HelperTable.of(List.of(new HelperSpec(RandomPrograms.HELPER_ID, "mix",
            List.of(ArgType.ANYTHING, ArgType.ANYTHING, ArgType.ANYTHING),
            (m, r1, r2, r3, r4, r5) -> (r1 * 0x9E3779B97F4A7C15L) ^ Long.rotateLeft(r2, 17) ^ r3 ^ r4 ^ r5)));

    /** What one run left behind. */
    record Result(String outcome, byte[] memory, byte[] stack) {
        boolean sameAs(Result o) {
            return outcome.equals(o.outcome) && Arrays.equals(memory, o.memory) && Arrays.equals(stack, o.stack);
        }

        @Override
        public String toString() {
            return outcome + "\n  memory " + HexFormat.of().formatHex(memory) + "\n  stack  " + HexFormat.of()
                    .formatHex(stack);
        }
    }

    static Result run(Engine engine, BpfProgram program, long seed) {
        Executable exe = engine.load(Verifier.verifyOrUnverified(program, HELPERS), HELPERS);
        Machine m = exe.newMachine(Output.discard());
        m.beginRun();
        byte[] memory = new byte[RandomPrograms.MEMORY_SIZE];
        new java.util.SplittableRandom(seed).nextBytes(memory);
        long address = m.memory().register(Region.of("memory", memory, true));
        String outcome;
        try {
            outcome = "r0=0x" + Long.toHexString(exe.execute(m, address, memory.length, 0, 0, 0));
        } catch (BpfFault f) {
            outcome = "fault " + f.kind() + " at pc " + f.pc();
        }
        byte[] stack = m.memory().read(AddressSpace.frameTop(0) - AddressSpace.FRAME_SIZE, AddressSpace.FRAME_SIZE);
        return new Result(outcome, memory, stack);
    }

    // The generated programs loop at most 64 times, so a run that does not end is a miscompiled
    // loop: fail the campaign instead of hanging the build.
    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void jitMatchesTheInterpreterOnRandomPrograms() {
        long base = Long.getLong("jvmbpf.jit.diff.seed", System.nanoTime());
        int count = Integer.getInteger("jvmbpf.jit.diff.count", 3000);
        System.out.println("differential campaign: -Djvmbpf.jit.diff.seed=" + base + " -Djvmbpf.jit.diff.count=" + count);
        Engine interpreter = new Interpreter();
        Engine jit = new JitEngine();
        int faults = 0;
        for (int i = 0; i < count; i++) {
            long seed = base + i;
            Instruction[] code = RandomPrograms.generate(seed);
            BpfProgram program = BpfProgram.raw("diff" + i, code);
            Result expected = run(interpreter, program, seed);
            Result actual = run(jit, program, seed);
            if (!expected.sameAs(actual)) {
                StringBuilder listing = new StringBuilder();
                for (int pc = 0; pc < code.length; pc++) {
                    listing.append(String.format("%4d: %s%n", pc, Disassembler.format(code[pc])));
                }
                fail("program seed " + seed + " (rerun: -Djvmbpf.jit.diff.seed=" + seed + " -Djvmbpf.jit.diff.count=1)\n"
                        + "interpreter: " + expected + "\njit:         " + actual + "\n" + listing);
            }
            faults += expected.outcome().startsWith("fault") ? 1 : 0;
        }
        System.out.println("differential campaign: " + count + " programs agree (" + faults + " ended in a fault)");
        assertEquals(true, faults < count, "every program faulted: the generator is broken");
    }

    /** Bodies of 2,500 to 4,000 instructions: the entry function is split into chunk methods. */
    @Test
    void splitFunctionsMatchTheInterpreter() {
        long base = Long.getLong("jvmbpf.jit.diff.seed", System.nanoTime());
        System.out.println("split-function campaign: -Djvmbpf.jit.diff.seed=" + base);
        Engine interpreter = new Interpreter();
        Engine jit = new JitEngine();
        int faults = 0;
        for (int i = 0; i < 60; i++) {
            long seed = base + i;
            Instruction[] code = RandomPrograms.generate(seed, 2500, 4000);
            BpfProgram program = BpfProgram.raw("split" + i, code);
            java.util.Map<String, Integer> sizes = MethodSizes.of(dev.jvmbpf.jit.internal.ClassDefiner.classBytes(
                    Verifier.verifyOrUnverified(program, HELPERS), HELPERS));
            assertEquals(true, sizes.keySet().stream().anyMatch(n -> n.contains("_c")), "seed " + seed + " was not split");
            Result expected = run(interpreter, program, seed);
            Result actual = run(jit, program, seed);
            if (!expected.sameAs(actual)) {
                fail("split program seed " + seed + "\ninterpreter: " + expected + "\njit:         " + actual);
            }
            faults += expected.outcome().startsWith("fault") ? 1 : 0;
        }
        System.out.println("split-function campaign: 60 programs agree (" + faults + " ended in a fault)");
        assertEquals(true, faults < 30, "most split programs should run to their end");
    }
}
