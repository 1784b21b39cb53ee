package dev.jvmbpf.jit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.runtime.exec.HelperTable;
import dev.jvmbpf.runtime.exec.Output;
import dev.jvmbpf.runtime.interp.Interpreter;
import dev.jvmbpf.runtime.isa.Assembler;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.verifier.VerifiedProgram;
import dev.jvmbpf.runtime.verifier.Verifier;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * The one-pass frames of chunks: where they cannot be known the pass gives up (and the class is
 * generated with ASM's frames), and a split program runs the same with its own frames, with ASM's
 * (the fallback's output) and on the interpreter.
 */
class ChunkFramesTest {
    private static ChunkFrames frames() {
        ClassWriter cw = new ClassWriter(0);
        cw.visit(Opcodes.V21, Opcodes.ACC_PUBLIC, "T", null, "java/lang/Object", null);
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_STATIC, "m", "(I)I", null, null);
        ChunkFrames f = new ChunkFrames(mv);
        f.declare(new Object[] {Opcodes.INTEGER}, 1);
        f.visitCode();
        return f;
    }

    @Test
    void aBackwardJumpToALabelPlacedWithoutAFrameGivesUp() {
        ChunkFrames f = frames();
        Label head = new Label();
        f.visitLabel(head);
        f.visitVarInsn(Opcodes.ILOAD, 0);
        ChunkFrames.Unsupported e = assertThrows(ChunkFrames.Unsupported.class,
                () -> f.visitJumpInsn(Opcodes.IFNE, head));
        assertTrue(e.getMessage().contains("backward jump"), e.getMessage());
    }

    @Test
    void stacksOfDifferentDepthsMeetingGiveUp() {
        ChunkFrames f = frames();
        Label join = new Label();
        f.visitVarInsn(Opcodes.ILOAD, 0);
        f.visitJumpInsn(Opcodes.IFEQ, join);
        f.visitInsn(Opcodes.ICONST_1);
        assertThrows(ChunkFrames.Unsupported.class, () -> f.visitLabel(join));
    }

    @Test
    void aStoreOfAnotherTypeThanTheLocalsGivesUp() {
        ChunkFrames f = frames();
        f.visitInsn(Opcodes.LCONST_0);
        assertThrows(ChunkFrames.Unsupported.class, () -> f.visitVarInsn(Opcodes.LSTORE, 0));
    }

    @Test
    void aSplitProgramRunsTheSameWithItsOwnFramesAsWithAsmsAndTheInterpreter() throws Exception {
        StringBuilder asm = new StringBuilder("mov %r0, 1\n");
        for (int i = 1; i < 4000; i++) {
            asm.append(switch (i % 4) {
                case 0 -> "stxdw [%r10-8], %r0\n";
                case 1 -> "mul %r0, " + (i * 7 + 3) + "\n";
                case 2 -> "jgt %r0, " + i + ", +1\n";
                default -> "add %r0, " + i + "\n";
            });
        }
        asm.append("exit\n");
        BpfProgram program = BpfProgram.raw("split", Assembler.assemble(asm.toString()));
        VerifiedProgram verified = Verifier.verifyOrUnverified(program, HelperTable.empty());
        var interpreted = new Interpreter().load(verified, HelperTable.empty());
        var machine = interpreted.newMachine(Output.discard());
        machine.beginRun();
        long expected = interpreted.execute(machine, 0, 0, 0, 0, 0);
        for (String mode : new String[] {"strict", "off"}) {
            CompilationUnit.Compiled compiled = CompilationUnit.compile(ClassDefiner.className(program), verified,
                    HelperTable.empty(), true, mode);
            assertTrue(new String(compiled.bytes(), java.nio.charset.StandardCharsets.ISO_8859_1).contains("f0_c1"),
                    "the function is split");
            CompiledEntry entry = ClassDefiner.defineClass(program.name(), compiled.bytes(), compiled.classData());
            var exe = new JitExecutable(program, HelperTable.empty(), entry, false, compiled.zeroesFrames());
            var m = exe.newMachine(Output.discard());
            m.beginRun();
            assertEquals(expected, exe.execute(m, 0, 0, 0, 0, 0), mode);
        }
    }
}
