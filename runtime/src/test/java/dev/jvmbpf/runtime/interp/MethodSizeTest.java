package dev.jvmbpf.runtime.interp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.runtime.isa.Alu;
import dev.jvmbpf.runtime.memory.AddressSpace;
import java.io.IOException;
import java.lang.classfile.Attributes;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.MethodModel;
import java.lang.classfile.attribute.CodeAttribute;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * HotSpot never compiles a method of more than 8000 bytes of bytecode, so an interpreter loop
 * that grew past it would run interpreted forever: keep every method of the engine under it, and
 * of the classes its loop calls on every instruction. The interpreter's classes are found on disk
 * so that a class added later is measured too.
 */
class MethodSizeTest {
    private static final int HUGE_METHOD_LIMIT = 8000;

    @Test
    void everyInterpreterMethodIsCompilable() throws IOException, URISyntaxException {
        List<Path> classes = new ArrayList<>();
        Path root = Path.of(Interpreter.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        try (Stream<Path> files = Files.walk(root.resolve("dev/jvmbpf/runtime/interp"))) {
            files.filter(p -> p.toString().endsWith(".class")).forEach(classes::add);
        }
        for (Class<?> hot : List.of(Alu.class, AddressSpace.class)) {
            classes.add(root.resolve(hot.getName().replace('.', '/') + ".class"));
        }
        assertTrue(classes.stream().anyMatch(p -> p.endsWith("Loop.class")), "the dispatch loop was not found: "
                + classes);
        int largest = 0;
        for (Path c : classes) {
            ClassModel model = ClassFile.of().parse(Files.readAllBytes(c));
            for (MethodModel m : model.methods()) {
                int length = m.findAttribute(Attributes.code()).map(CodeAttribute::codeLength).orElse(0);
                largest = Math.max(largest, length);
                assertTrue(length < HUGE_METHOD_LIMIT, root.relativize(c) + "." + m.methodName().stringValue()
                        + " has " + length + " bytes of bytecode");
            }
        }
        // The dispatch loop is the largest method; it must have been found and measured.
        assertTrue(largest > 1000, "largest method only " + largest + " bytes: classes not inspected?");
    }
}
