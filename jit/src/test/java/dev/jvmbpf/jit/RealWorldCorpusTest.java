package dev.jvmbpf.jit;

import dev.jvmbpf.helpers.StandardHelpers;
import dev.jvmbpf.helpers.context.Contexts;
import dev.jvmbpf.helpers.context.ProgramContext;
import dev.jvmbpf.runtime.exec.Engine;
import dev.jvmbpf.runtime.exec.Executable;
import dev.jvmbpf.runtime.exec.HelperTable;
import dev.jvmbpf.runtime.exec.LoadException;
import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.interp.Interpreter;
import dev.jvmbpf.runtime.memory.BpfFault;
import dev.jvmbpf.runtime.object.BpfObject;
import dev.jvmbpf.runtime.object.ObjectProgram;
import dev.jvmbpf.runtime.verifier.Verifier;
import dev.jvmbpf.runtime.verifier.VerifierException;
import dev.jvmbpf.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The real-world corpus ({@code ../shared/corpora/realworld}, objects of the Linux samples, Cilium,
 * OVS, Suricata, Falco and the XDP tutorial with the running kernel's verdicts): every object opens
 * ({@code invalid/} ones may refuse, with a one-line load error), every program the kernel accepts
 * is in its object, passes the verifier and runs on the interpreter and the JIT, faulting at most
 * with a {@link BpfFault}. Programs the verifier still refuses for verifier reasons are listed, not
 * failed (they belong to the verifier's issue); loader refusals fail.
 */
class RealWorldCorpusTest {
    private static final AtomicInteger OBJECTS = new AtomicInteger();
    private static final AtomicInteger OPENED = new AtomicInteger();
    private static final AtomicInteger ACCEPTED = new AtomicInteger();
    private static final AtomicInteger FOUND = new AtomicInteger();
    private static final AtomicInteger VERIFIED = new AtomicInteger();
    private static final AtomicInteger RAN = new AtomicInteger();
    private static final Map<String, String> VERIFIER_REFUSED = new ConcurrentSkipListMap<>();
    private static final AtomicInteger ALL_PROGRAMS = new AtomicInteger();
    private static final AtomicInteger ALL_VERIFIED = new AtomicInteger();
    private static final AtomicInteger ALL_RAN = new AtomicInteger();

    static Path corpus() {
        return SharedData.CORPORA.location().resolve("realworld");
    }

    static Stream<String> objects() throws IOException {
        Path dir = corpus();
        if (!Files.isDirectory(dir)) {
            return Stream.of("(absent)"); // one case, which the assumption below skips saying why
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".o")).map(p -> dir.relativize(p).toString()).sorted().toList()
                    .stream();
        }
    }

    /** Programs the kernel accepted, by object (relative path). */
    static Map<String, List<String>> accepted() throws IOException {
        Map<String, List<String>> out = new TreeMap<>();
        for (String line : Files.readAllLines(corpus().resolve("kernel-verdicts.tsv"))) {
            String[] f = line.split("\t", -1);
            if (f.length >= 3 && f[2].equals("accept")) {
                out.computeIfAbsent(f[0], k -> new ArrayList<>()).add(f[1]);
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("objects")
    void opensVerifiesAndRuns(String relative) throws IOException {
        SharedData.CORPORA.require("realworld");
        Path file = corpus().resolve(relative);
        OBJECTS.incrementAndGet();
        List<String> wanted = accepted().getOrDefault(relative, List.of());
        ACCEPTED.addAndGet(wanted.size());
        BpfObject object;
        try {
            object = BpfObject.open(file);
        } catch (LoadException e) {
            String message = String.valueOf(e.getMessage());
            assertFalse(message.contains("\n"), "a load error is one line: " + message);
            if (relative.contains("invalid/")) {
                System.out.println(relative + ": refused as expected: " + message);
                return;
            }
            throw new AssertionError(relative + " does not open: " + message, e);
        }
        OPENED.incrementAndGet();
        List<String> names = object.programs().stream().map(ObjectProgram::name).toList();
        List<String> missing = wanted.stream().filter(n -> !names.contains(n)).toList();
        FOUND.addAndGet(wanted.size() - missing.size());
        if (!missing.isEmpty()) {
            fail(relative + ": the kernel accepts " + missing + " but the object has only " + names);
        }
        for (String name : wanted) {
            ObjectProgram p = object.program(name);
            try {
                Verifier.verify(p.program(), StandardHelpers.table());
            } catch (VerifierException e) {
                // A refusal the kernel would not make: the user could not run a valid program at all.
                VERIFIER_REFUSED.put(relative + " " + name + " (" + p.type() + ")", e.getMessage());
                fail(relative + " " + name + ": the kernel accepts it, the verifier refuses: " + e.getMessage());
            }
            VERIFIED.incrementAndGet();
            List<String> interpreted = run(new Interpreter(), file, name);
            List<String> compiled = run(new JitEngine(), file, name);
            // not compared value for value: programs call bpf_get_prandom_u32 and bpf_ktime_get_ns
            assertEquals(interpreted.size(), compiled.size(), relative + " " + name);
            RAN.incrementAndGet();
        }
        // every other program too, for the record: the verifier may refuse it, nothing may throw
        for (ObjectProgram p : object.programs()) {
            ALL_PROGRAMS.incrementAndGet();
            try {
                Verifier.verify(p.program(), StandardHelpers.table());
            } catch (VerifierException e) {
                continue;
            }
            ALL_VERIFIED.incrementAndGet();
            if (!wanted.contains(p.name())) {
                assertEquals(run(new Interpreter(), file, p.name()).size(), run(new JitEngine(), file, p.name()).size());
            }
            ALL_RAN.incrementAndGet();
        }
    }

    /** Three runs of a program of a freshly opened object, on three packets; faults are results. */
    private static List<String> run(Engine engine, Path file, String name) throws IOException {
        BpfObject object = BpfObject.open(file);
        HelperTable helpers = StandardHelpers.table();
        object.fillProgramArrays(p -> engine.load(Verifier.verifyOrUnverified(p, helpers), helpers));
        ObjectProgram program = object.program(name);
        Executable exe = engine.load(Verifier.verify(program.program(), helpers), helpers);
        List<String> log = new ArrayList<>();
        Machine machine = exe.newMachine(line -> log.add("printed " + line));
        for (int run = 0; run < 3; run++) {
            byte[] data = new byte[64 + 32 * run];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) (i * 7 + run);
            }
            machine.beginRun();
            ProgramContext.Entry entry = Contexts.forType(program.type(), data).install(machine);
            try {
                log.add("returned " + exe.execute(machine, entry.r1(), entry.r2(), 0, 0, 0));
            } catch (BpfFault f) {
                log.add("faulted " + f.kind());
            }
        }
        return log;
    }

    @AfterAll
    static void summary() {
        if (OBJECTS.get() == 0) {
            return;
        }
        VERIFIER_REFUSED.forEach((k, v) -> System.out.println("verifier refuses what the kernel accepts: " + k + ": " + v));
        System.out.println("RealWorldCorpusTest: objects opened " + OPENED + "/" + OBJECTS + "; accepted programs found "
                + FOUND + "/" + ACCEPTED + ", verified " + VERIFIED + ", run on both engines " + RAN + "; all programs "
                + ALL_PROGRAMS + ", verified " + ALL_VERIFIED + ", run on both engines " + ALL_RAN);
    }
}
