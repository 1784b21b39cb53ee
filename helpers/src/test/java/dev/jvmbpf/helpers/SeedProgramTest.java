package dev.jvmbpf.helpers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.helpers.context.ProgramContext;
import dev.jvmbpf.helpers.context.TracepointContext;
import dev.jvmbpf.runtime.exec.Executable;
import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.interp.Interpreter;
import dev.jvmbpf.runtime.object.BpfObject;
import dev.jvmbpf.runtime.object.ObjectProgram;
import dev.jvmbpf.runtime.verifier.Verifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The seed program, as clang compiled it for the examples and the ELF fixtures, with the standard helpers. */
class SeedProgramTest {
    private static Path root() {
        return Path.of(System.getProperty("jvmbpf.root", "..")).toAbsolutePath();
    }

    static Stream<String> objects() {
        return Stream.of("examples/execve_trace.o", "runtime/src/test/resources/elf/seed.o",
                "runtime/src/test/resources/elf/seed-clang14.o", "runtime/src/test/resources/elf/seed-clang16.o");
    }

    @ParameterizedTest
    @MethodSource("objects")
    void printsThePidOfTheCaller(String file) throws Exception {
        Path path = root().resolve(file);
        assertTrue(Files.isRegularFile(path), "the repository holds " + path);
        BpfObject obj = BpfObject.open(path);
        ObjectProgram prog = obj.program("trace_execve");
        Executable exe = new Interpreter().load(Verifier.verifyOrUnverified(prog.program(), StandardHelpers.table()), StandardHelpers.table());
        List<String> out = new ArrayList<>();
        Machine m = exe.newMachine(out::add);
        for (int run = 0; run < 2; run++) {
            m.beginRun();
            ProgramContext.Entry e = TracepointContext.sysEnter(59, 0x1000, 0x2000, 0x3000).install(m);
            assertEquals(0, exe.execute(m, e.r1(), e.r2(), 0, 0, 0));
        }
        String line = "execve called by PID: " + ProcessHandle.current().pid();
        assertEquals(List.of(line, line), out);
    }
}
