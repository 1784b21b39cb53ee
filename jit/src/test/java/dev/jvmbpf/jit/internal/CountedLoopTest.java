package dev.jvmbpf.jit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.isa.Opcodes;
import java.util.List;
import org.junit.jupiter.api.Test;

class CountedLoopTest {
    private static final int ALU64_K = Opcodes.CLASS_ALU64 | Opcodes.SRC_K;
    private static final int ALU64_X = Opcodes.CLASS_ALU64 | Opcodes.SRC_X;

    private static Instruction alu(int op, int dst, int imm) {
        return Instruction.of(ALU64_K | op, dst, 0, 0, imm);
    }

    private static Instruction alux(int op, int dst, int src) {
        return Instruction.of(ALU64_X | op, dst, src, 0, 0);
    }

    private static Instruction jx(int op, int dst, int src, int off) {
        return Instruction.of(Opcodes.CLASS_JMP | Opcodes.SRC_X | op, dst, src, off, 0);
    }

    private static Instruction jk(int op, int dst, int imm, int off) {
        return Instruction.of(Opcodes.CLASS_JMP | op, dst, 0, off, imm);
    }

    private static Instruction ldxb(int dst, int src) {
        return Instruction.of(Opcodes.CLASS_LDX | Opcodes.MODE_MEM | Opcodes.SIZE_B, dst, src, 0, 0);
    }

    private static final Instruction EXIT = Instruction.of(Opcodes.EXIT, 0, 0, 0, 0);

    private static List<CountedLoop> find(Instruction... code) {
        return CountedLoop.find(new ProgramLayout(code), 0, code.length);
    }

    /** A loop {@code body} followed by its back edge and an exit, after {@code r0 = 0}. */
    private static List<CountedLoop> loop(Instruction backEdge, Instruction... body) {
        Instruction[] code = new Instruction[body.length + 3];
        code[0] = alu(Opcodes.ALU_MOV, 0, 0);
        System.arraycopy(body, 0, code, 1, body.length);
        code[body.length + 1] = backEdge;
        code[body.length + 2] = EXIT;
        return find(code);
    }

    @Test
    void findsThePointerWalkWithAnUnsignedLessThan() {
        // r0 = 0; r3 = r1; r3 += r2; loop: r4 = *(u8 *)(r1 + 0); r0 += r4; r1 += 1; if r1 < r3 goto loop
        List<CountedLoop> loops = find(alu(Opcodes.ALU_MOV, 0, 0), alux(Opcodes.ALU_MOV, 3, 1),
                alux(Opcodes.ALU_ADD, 3, 2), ldxb(4, 1), alux(Opcodes.ALU_ADD, 0, 4), alu(Opcodes.ALU_ADD, 1, 1),
                jx(Opcodes.JMP_JLT, 1, 3, -4), EXIT);
        assertEquals(List.of(new CountedLoop(3, 6, 1, 3, 1)), loops);
    }

    @Test
    void findsClangsIndexLoopWhoseCounterIsTheSourceOfAGreaterThan() {
        // loop: r4 = r1; r4 += r3; r4 = *(u8 *)(r4 + 0); r0 += r4; r3 += 1; if r2 > r3 goto loop
        List<CountedLoop> loops = loop(jx(Opcodes.JMP_JGT, 2, 3, -6), alux(Opcodes.ALU_MOV, 4, 1),
                alux(Opcodes.ALU_ADD, 4, 3), ldxb(4, 4), alux(Opcodes.ALU_ADD, 0, 4), alu(Opcodes.ALU_ADD, 3, 1));
        assertEquals(List.of(new CountedLoop(1, 6, 3, 2, 1)), loops);
    }

    @Test
    void findsAConstantBoundAndALargeStep() {
        List<CountedLoop> loops = loop(jk(Opcodes.JMP_JLE, 1, 4096, -3), alux(Opcodes.ALU_ADD, 0, 1),
                alu(Opcodes.ALU_ADD, 1, 64));
        assertEquals(List.of(new CountedLoop(1, 3, 1, -1, 64)), loops);
        assertEquals(Long.MAX_VALUE - 64, loops.getFirst().limit());
    }

    @Test
    void refusesLoopsWhoseSignedCopyCouldDiffer() {
        Instruction inc = alu(Opcodes.ALU_ADD, 1, 1);
        Instruction use = alux(Opcodes.ALU_ADD, 0, 1);
        // The counter goes down.
        assertEquals(List.of(), loop(jx(Opcodes.JMP_JLT, 1, 3, -3), use, alu(Opcodes.ALU_SUB, 1, 1)));
        // The counter grows twice, or by a register, or by more than the largest step.
        assertEquals(List.of(), loop(jx(Opcodes.JMP_JLT, 1, 3, -4), inc, use, inc));
        assertEquals(List.of(), loop(jx(Opcodes.JMP_JLT, 1, 3, -3), use, alux(Opcodes.ALU_ADD, 1, 2)));
        assertEquals(List.of(), loop(jx(Opcodes.JMP_JLT, 1, 3, -3), use, alu(Opcodes.ALU_ADD, 1, (1 << 20) + 1)));
        // A 32-bit increment wraps at 2^32.
        assertEquals(List.of(), loop(jx(Opcodes.JMP_JLT, 1, 3, -3), use,
                Instruction.of(Opcodes.CLASS_ALU | Opcodes.SRC_K | Opcodes.ALU_ADD, 1, 0, 0, 1)));
        // The bound changes inside the loop.
        assertEquals(List.of(), loop(jx(Opcodes.JMP_JLT, 1, 3, -3), inc, alu(Opcodes.ALU_ADD, 3, 1)));
        // A call clobbers r1 to r5, the counter among them.
        assertEquals(List.of(), loop(jx(Opcodes.JMP_JLT, 1, 3, -3), inc,
                Instruction.of(Opcodes.CLASS_JMP | Opcodes.JMP_CALL, 0, 0, 0, 1)));
        // Signed and negative-constant tests are not the shape.
        assertEquals(List.of(), loop(jx(Opcodes.JMP_JSLT, 1, 3, -3), use, inc));
        // Equality loops are, when the counter moves by one on every iteration (for slicing).
        assertEquals(List.of(new CountedLoop(1, 3, 1, 3, 1)), loop(jx(Opcodes.JMP_JNE, 1, 3, -3), use, inc));
        assertEquals(List.of(new CountedLoop(1, 3, 1, 3, -1)), loop(jx(Opcodes.JMP_JNE, 1, 3, -3), use,
                alu(Opcodes.ALU_SUB, 1, 1)));
        assertEquals(List.of(), loop(jx(Opcodes.JMP_JNE, 1, 3, -3), use, alu(Opcodes.ALU_ADD, 1, 2)));
        assertEquals(List.of(), loop(jx(Opcodes.JMP_JNE, 1, 3, -4), jk(Opcodes.JMP_JEQ, 0, 7, 1), inc, use));
        assertEquals(List.of(), loop(jk(Opcodes.JMP_JLT, 1, -1, -3), use, inc));
        assertEquals(List.of(), loop(jk(Opcodes.JMP_JGT, 1, 5, -3), use, inc));
        // An inner loop could grow the counter between two checks.
        assertEquals(List.of(), loop(jx(Opcodes.JMP_JLT, 1, 3, -4), use, jk(Opcodes.JMP_JEQ, 0, 7, -2), inc));
    }

    @Test
    void refusesABackEdgeThatIsTheLastInstruction() {
        // Nothing follows the loop, so the copy would have nowhere to fall through to.
        assertEquals(List.of(), find(alu(Opcodes.ALU_MOV, 0, 0), alu(Opcodes.ALU_ADD, 1, 1),
                jx(Opcodes.JMP_JLT, 1, 3, -2)));
    }
}
