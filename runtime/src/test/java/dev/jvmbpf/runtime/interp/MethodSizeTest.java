package dev.jvmbpf.runtime.interp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.Attributes;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.MethodModel;
import java.lang.classfile.attribute.CodeAttribute;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * HotSpot never compiles a method of more than 8000 bytes of bytecode, so an interpreter loop
 * that grew past it would run interpreted forever: keep every method of the engine under it.
 */
class MethodSizeTest {
    private static final int HUGE_METHOD_LIMIT = 8000;

    @Test
    void everyInterpreterMethodIsCompilable() throws IOException {
        List<String> classes = List.of("Interpreter", "internal/Loop", "internal/Ops", "internal/Code",
                "internal/Frames", "internal/Callbacks", "internal/InterpretedProgram");
        int largest = 0;
        for (String c : classes) {
            byte[] bytes;
            try (InputStream in = Interpreter.class.getResourceAsStream("/dev/jvmbpf/runtime/interp/" + c + ".class")) {
                assertTrue(in != null, c + " not found");
                bytes = in.readAllBytes();
            }
            ClassModel model = ClassFile.of().parse(bytes);
            for (MethodModel m : model.methods()) {
                int length = m.findAttribute(Attributes.code())
                        .map(CodeAttribute::codeLength).orElse(0);
                largest = Math.max(largest, length);
                assertTrue(length < HUGE_METHOD_LIMIT, c + "." + m.methodName().stringValue() + " has " + length
                        + " bytes of bytecode");
            }
        }
        // The dispatch loop is the largest method; it must have been found and measured.
        assertTrue(largest > 1000, "largest method only " + largest + " bytes: classes not inspected?");
    }
}
