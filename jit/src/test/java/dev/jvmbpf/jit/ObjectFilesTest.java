package dev.jvmbpf.jit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.helpers.StandardHelpers;
import dev.jvmbpf.helpers.context.Contexts;
import dev.jvmbpf.helpers.context.ProgramContext;
import dev.jvmbpf.runtime.exec.Engine;
import dev.jvmbpf.runtime.exec.Executable;
import dev.jvmbpf.runtime.exec.HelperTable;
import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.interp.Interpreter;
import dev.jvmbpf.runtime.memory.BpfFault;
import dev.jvmbpf.runtime.object.BpfObject;
import dev.jvmbpf.runtime.object.ObjectProgram;
import dev.jvmbpf.runtime.verifier.Verifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The committed clang-compiled objects (examples and the helper fixture) on the interpreter and the
 * JIT with the standard helpers: every program, run three times so map state carries over, must
 * return the same values, print the same lines and fault the same way on both engines.
 */
class ObjectFilesTest {
    static Stream<Path> objects() throws IOException {
        String root = System.getProperty("jvmbpf.root");
        if (root == null) {
            System.out.println("SKIPPED object files: system property jvmbpf.root is not set (run through Maven)");
            return Stream.empty();
        }
        List<Path> files = new ArrayList<>();
        for (Path dir : List.of(Path.of(root, "examples"), Path.of(root, "helpers/src/test/resources/bpf"))) {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> s = Files.list(dir)) {
                    s.filter(p -> p.toString().endsWith(".o")).sorted().forEach(files::add);
                }
            }
        }
        return files.stream();
    }

    /** What the programs of one freshly opened object did, run after run. */
    static List<String> runAll(Engine engine, Path file) throws IOException {
        BpfObject object = BpfObject.open(file);
        HelperTable helpers = StandardHelpers.table();
        object.fillProgramArrays(p -> engine.load(Verifier.verifyOrUnverified(p, helpers), helpers));
        List<String> log = new ArrayList<>();
        for (ObjectProgram program : object.programs()) {
            Executable exe = engine.load(Verifier.verifyOrUnverified(program.program(), helpers), helpers);
            Machine machine = exe.newMachine(line -> log.add(program.name() + " printed " + line));
            for (int run = 0; run < 3; run++) {
                byte[] data = new byte[128];
                for (int i = 0; i < data.length; i++) {
                    data[i] = (byte) (i * 7 + run);
                }
                machine.beginRun();
                ProgramContext.Entry entry = Contexts.forType(program.type(), data).install(machine);
                try {
                    log.add(program.name() + " returned " + exe.execute(machine, entry.r1(), entry.r2(), 0, 0, 0));
                } catch (BpfFault f) {
                    log.add(program.name() + " faulted " + f.kind() + " at pc " + f.pc());
                }
            }
        }
        return log;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("objects")
    void jitBehavesLikeTheInterpreter(Path file) throws IOException {
        Assumptions.assumeTrue(Files.exists(file));
        List<String> expected = runAll(new Interpreter(), file);
        List<String> actual = runAll(new JitEngine(), file);
        System.out.println(file.getFileName() + ": " + expected.size() + " events, e.g. " + expected.getFirst());
        assertTrue(!expected.isEmpty());
        assertEquals(String.join("\n", expected), String.join("\n", actual));
    }
}
