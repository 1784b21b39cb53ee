package dev.jvmbpf.jit;

import static dev.jvmbpf.runtime.isa.Opcodes.ALU_ADD;
import static dev.jvmbpf.runtime.isa.Opcodes.ALU_XOR;
import static dev.jvmbpf.runtime.isa.Opcodes.JMP_JGT;
import static dev.jvmbpf.runtime.isa.Opcodes.JMP_JLE;
import static dev.jvmbpf.runtime.isa.Opcodes.JMP_JLT;
import static dev.jvmbpf.runtime.isa.Opcodes.SIZE_B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.jit.internal.ClassDefiner;
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
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * A counted loop inside a function too large for one method: the chunk that holds it gets the
 * loop's signed copy as a whole function would, within the 8000-byte limit, and runs it as the
 * interpreter does on both sides of the copy's entry check.
 */
class ChunkedLoopTest {
    /** Enough straight-line arithmetic on r5 to split the function into several chunks. */
    private static Asm prefix() {
        Asm a = new Asm().mov(5, 1);
        for (int i = 0; i < 3000; i++) {
            a.alu64(i % 2 == 0 ? ALU_ADD : ALU_XOR, 5, i);
        }
        return a;
    }

    /** The prefix, then r0 = the sum of the bytes from r1 to r1 + r2 + extra (clang's pointer walk). */
    private static Instruction[] byteSum(int extra) {
        return prefix().mov(0, 0).movx(3, 1).alu64x(ALU_ADD, 3, 2).alu64(ALU_ADD, 3, extra)
                .ldx(SIZE_B, 4, 1, 0).alu64x(ALU_ADD, 0, 4).alu64(ALU_ADD, 1, 1).jmpx(JMP_JLT, 1, 3, -4)
                .exit().build();
    }

    private static String run(Engine engine, Instruction[] code, byte[] memory) {
        Executable exe = engine.load(Verifier.verifyOrUnverified(BpfProgram.raw("chunked", code), HelperTable.empty()), HelperTable.empty());
        Machine m = exe.newMachine(Output.discard());
        m.setBudget(2_000_000);
        m.beginRun();
        long address = memory == null ? 0 : m.memory().register(Region.of("mem", memory, false));
        try {
            return "r0=" + exe.execute(m, address, memory == null ? 0 : memory.length, 0, 0, 0);
        } catch (BpfFault f) {
            return "fault " + f.kind() + " at pc " + f.pc();
        }
    }

    private static String both(Instruction[] code, byte[] memory) {
        String expected = run(new Interpreter(), code, memory);
        String actual = run(new JitEngine(), code, memory);
        assertEquals(expected, actual, "JIT and interpreter differ");
        return actual;
    }

    /** Counts calls to {@code owner.name} in the class's methods whose names start with {@code prefix}. */
    private static int calls(byte[] classBytes, String prefix, String owner, String name) {
        int[] count = {0};
        new ClassReader(classBytes).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String method, String desc, String sig, String[] ex) {
                if (!method.startsWith(prefix)) {
                    return null;
                }
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitMethodInsn(int op, String o, String n, String d, boolean itf) {
                        if (o.equals(owner) && n.equals(name)) {
                            count[0]++;
                        }
                    }
                };
            }
        }, 0);
        return count[0];
    }

    @Test
    void theLoopsChunkHoldsItsSignedCopyAndStaysUnderTheLimit() {
        byte[] bytes = ClassDefiner.classBytes(Verifier.verifyOrUnverified(BpfProgram.raw("chunked", byteSum(0)), HelperTable.empty()), HelperTable.empty());
        Map<String, Integer> sizes = MethodSizes.of(bytes);
        long chunks = sizes.keySet().stream().filter(n -> n.startsWith("f0_c")).count();
        assertTrue(chunks >= 2, "not chunked: " + sizes);
        sizes.forEach((method, size) -> assertTrue(size < 8000, method + " has " + size + " bytes"));
        // The byte load is an input access: once in the loop, once in its copy.
        assertEquals(2, calls(bytes, "f0_c", "java/util/Objects", "checkIndex"), sizes.toString());
    }

    @Test
    void theChunkedLoopSumsTheInputAndFaultsPastItsEndAtTheSamePc() {
        byte[] memory = new byte[1500];
        long sum = 0;
        for (int i = 0; i < memory.length; i++) {
            memory[i] = (byte) (i * 7);
            sum += memory[i] & 0xff;
        }
        String r = both(byteSum(0), memory);
        assertTrue(r.startsWith("r0="), r);
        // r0 is the sum; the prefix left r5 alone.
        assertEquals("r0=" + sum, r);
        String past = both(byteSum(3), memory);
        assertTrue(past.startsWith("fault "), past);
    }

    @Test
    void countsTheSameIterationsAtTheEdgesInAChunk() {
        long max = Long.MAX_VALUE;
        long[] edges = {0, 5, max - 64, max - 1, max, Long.MIN_VALUE, -2, -1};
        int checked = 0;
        for (int op : new int[] {JMP_JLT, JMP_JLE, JMP_JGT}) {
            for (long c : edges) {
                for (long b : edges) {
                    long n = RandomPrograms.iterations(op, c, b, 64, 1000);
                    if (n < 0) {
                        continue;
                    }
                    Asm a = prefix().lddw(1, c).lddw(2, b).mov(0, 0).alu64(ALU_ADD, 0, 1).alu64(ALU_ADD, 1, 64);
                    a = op == JMP_JGT ? a.jmpx(op, 2, 1, -3) : a.jmpx(op, 1, 2, -3);
                    assertEquals("r0=" + n, both(a.exit().build(), null), "op " + op + " counter " + c + " bound " + b);
                    checked++;
                }
            }
        }
        assertTrue(checked > 40, "only " + checked + " cases");
    }
}
