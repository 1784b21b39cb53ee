package dev.jvmbpf.conformance.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.Bpf;
import dev.jvmbpf.Program;
import dev.jvmbpf.jit.JitEngine;
import dev.jvmbpf.runtime.exec.Engine;
import dev.jvmbpf.runtime.interp.Interpreter;
import dev.jvmbpf.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The kernel's verifier selftests that need no context ({@code SEC("syscall")}) and state what
 * they return ({@code __retval(N)}), run on the interpreter and the JIT: each must return what
 * the kernel's test run returns. These are the bits iterator's tests (kfuncs run in userspace).
 */
class SelftestsRetvalTest {
    /** Numeric retvals only (others name macros such as INT_MIN or POINTER_VALUE). */
    private static final Pattern RETVAL = Pattern.compile("__retval\\((-?(?:0x[0-9a-fA-F]+|[0-9]+))\\)");
    private static final Pattern FUNCTION = Pattern.compile("^int\\s+(\\w+)\\s*\\(");

    private record Case(String object, String program, long retval) {
    }

    private static List<Case> cases(Path dir) throws IOException {
        List<Case> out = new ArrayList<>();
        try (var files = Files.list(dir.resolve("src"))) {
            for (Path src : files.filter(p -> p.toString().endsWith(".c")).sorted().toList()) {
                String object = src.getFileName().toString().replaceFirst("\\.c$", "");
                boolean syscall = false;
                Long retval = null;
                for (String line : Files.readAllLines(src)) {
                    if (line.startsWith("SEC(")) {
                        syscall = line.startsWith("SEC(\"syscall\")");
                        retval = null;
                        continue;
                    }
                    Matcher r = RETVAL.matcher(line);
                    if (r.find()) {
                        retval = Long.decode(r.group(1));
                    }
                    Matcher f = FUNCTION.matcher(line);
                    if (f.find()) {
                        if (syscall && retval != null) {
                            out.add(new Case(object, f.group(1), retval));
                        }
                        syscall = false;
                    }
                }
            }
        }
        return out;
    }

    @Test
    void syscallProgramsReturnTheirRetval() throws IOException {
        Path dir = SharedData.CORPORA.require("verifier-selftests");
        List<Case> cases = cases(dir);
        assertTrue(cases.size() >= 10, "syscall programs with __retval found: " + cases);
        List<String> wrong = new ArrayList<>();
        for (Case c : cases) {
            for (Engine engine : List.of(new Interpreter(), new JitEngine())) {
                Program p = Bpf.open(dir.resolve("obj").resolve(c.object() + ".o")).engine(engine)
                        .load(c.program()).program(c.program());
                long r0 = p.run();
                if ((int) r0 != (int) c.retval()) {
                    wrong.add(c + " on " + engine.name() + ": " + r0);
                }
            }
        }
        System.out.println("SelftestsRetvalTest: " + cases.size() + " programs, " + wrong.size() + " wrong");
        assertEquals(List.of(), wrong);
    }
}
