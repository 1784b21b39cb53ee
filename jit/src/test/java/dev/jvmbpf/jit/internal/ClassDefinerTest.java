package dev.jvmbpf.jit.internal;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.runtime.exec.LoadException;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

class ClassDefinerTest {
    /** A class whose method returns a long where its descriptor says int: the JVM's verifier rejects it. */
    private static byte[] brokenClass() {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V21, Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL, "dev/jvmbpf/jit/internal/Bpf_broken", null,
                "java/lang/Object", null);
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_STATIC, "f0", "()I", null, null);
        mv.visitCode();
        mv.visitInsn(Opcodes.LCONST_1);
        mv.visitInsn(Opcodes.IRETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }

    @Test
    void aClassTheJvmRejectsBecomesALoadExceptionWithTheVerifierReport() {
        LoadException e = assertThrows(LoadException.class,
                () -> ClassDefiner.defineClass("broken", brokenClass(), new Object[0]));
        String message = e.getMessage();
        assertTrue(message.contains("program broken was rejected"), message);
        assertTrue(message.contains("VerifyError"), message);
        // The JVM names the method and instruction; CheckClassAdapter.verify explains the types.
        assertTrue(message.contains("f0()I @1: ireturn"), message);
        assertTrue(message.contains("Error at instruction 1: Expected I, but found J"), message);
    }
}
