package dev.jvmbpf.jit.internal;

import dev.jvmbpf.runtime.exec.HelperTable;
import dev.jvmbpf.runtime.exec.LoadException;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.verifier.VerifiedProgram;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Constructor;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.util.CheckClassAdapter;

/**
 * Defines a compiled program as a hidden class. Hidden classes defined without {@code STRONG}
 * are unloaded as soon as nothing references them, so loading and dropping programs does not
 * grow metaspace. A class the JVM or ASM rejects is a code generator bug; it is reported as a
 * {@link LoadException} carrying ASM's verifier output for the class.
 */
public final class ClassDefiner {
    private static final MethodHandles.Lookup LOOKUP = MethodHandles.lookup();
    private static final int MAX_REPORT = 20_000;

    private ClassDefiner() {
    }

    /** The bytes of the class compiled for {@code program} (deterministic; for tests and tools). */
    public static byte[] classBytes(VerifiedProgram program, HelperTable helpers) {
        return compile(program, helpers).bytes();
    }

    /** Compiles and defines {@code program}. */
    public static JitExecutable load(VerifiedProgram program, HelperTable helpers) {
        CompilationUnit.Compiled compiled = compile(program, helpers);
        BpfProgram code = program.program();
        CompiledEntry entry = defineClass(code.name(), compiled.bytes(), compiled.classData());
        return new JitExecutable(code, helpers, entry, takesFunctionPointers(code), compiled.zeroesFrames());
    }

    private static boolean takesFunctionPointers(BpfProgram program) {
        for (var insn : program.instructionsView()) {
            if (ProgramLayout.isFunctionPointer(insn)) {
                return true;
            }
        }
        return false;
    }

    /** Defines generated class bytes; a class the JVM rejects becomes a LoadException with ASM's verifier report. */
    static CompiledEntry defineClass(String programName, byte[] bytes, Object classData) {
        try {
            MethodHandles.Lookup hidden = LOOKUP.defineHiddenClassWithClassData(bytes, classData, true);
            Constructor<?> constructor = hidden.lookupClass().getDeclaredConstructor();
            return (CompiledEntry) constructor.newInstance();
        } catch (LinkageError | ReflectiveOperationException | IllegalArgumentException | ClassCastException e) {
            Throwable cause = e instanceof java.lang.reflect.InvocationTargetException ite ? ite.getCause() : e;
            throw new LoadException("jit: the class generated for program " + programName
                    + " was rejected (" + cause + "); this is a bug in the code generator.\n"
                    + verifierReport(bytes), e);
        }
    }

    private static CompilationUnit.Compiled compile(VerifiedProgram program, HelperTable helpers) {
        String name = className(program.program());
        try {
            return CompilationUnit.compile(name, program, helpers, true);
        } catch (LoadException e) {
            throw e;
        } catch (RuntimeException e) {
            // ASM failed (frame computation, an oversized method...): emit again without frames so
            // the verifier can say which method and instruction are wrong.
            String report;
            try {
                report = verifierReport(CompilationUnit.compile(name, program, helpers, false).bytes());
            } catch (RuntimeException again) {
                report = "(the class could not be written without frames either: " + again + ")";
            }
            throw new LoadException("jit: generating the class for program " + program.program().name() + " failed (" + e
                    + "); this is a bug in the code generator.\n" + report, e);
        }
    }

    /** The output of ASM's bytecode verifier for a class, truncated to a readable size. */
    static String verifierReport(byte[] bytes) {
        StringWriter out = new StringWriter();
        try (PrintWriter pw = new PrintWriter(out)) {
            CheckClassAdapter.verify(new ClassReader(bytes), ClassDefiner.class.getClassLoader(), false, pw);
        } catch (RuntimeException e) {
            out.write("verifier failed: " + e);
        }
        String text = out.toString();
        return text.length() > MAX_REPORT ? text.substring(0, MAX_REPORT) + "\n... (truncated)" : text;
    }

    /** A readable class name: the program name's identifier characters, in this package. */
    static String className(BpfProgram program) {
        StringBuilder sb = new StringBuilder("dev/jvmbpf/jit/internal/Bpf_");
        String name = program.name() == null ? "" : program.name();
        for (int i = 0; i < name.length() && sb.length() < 80; i++) {
            char c = name.charAt(i);
            sb.append(Character.isJavaIdentifierPart(c) && c < 128 ? c : '_');
        }
        return sb.toString();
    }
}
