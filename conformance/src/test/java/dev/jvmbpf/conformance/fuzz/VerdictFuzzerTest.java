package dev.jvmbpf.conformance.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.kernel.testing.KernelRequired;
import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.isa.Opcodes;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A small seeded verdict campaign against the running kernel's verifier. */
class VerdictFuzzerTest {
    @BeforeAll
    static void kernelAvailable() {
        KernelRequired.assume("verdict fuzzing against the kernel");
    }

    @Test
    void aProgramBothRefuseForAnUninitialisedRegisterIsAnAgreement() {
        // r0 += r3 with r3 never written: the kernel's "R3 !read_ok".
        FuzzProgram p = new FuzzProgram(new Instruction[] {
            Instruction.of(Opcodes.CLASS_ALU64 | Opcodes.ALU_MOV | Opcodes.SRC_K, 0, 0, 0, 0),
            Instruction.of(Opcodes.CLASS_ALU64 | Opcodes.ALU_ADD | Opcodes.SRC_X, 0, 3, 0, 0),
            Instruction.of(Opcodes.EXIT, 0, 0, 0, 0)}, new byte[0]);
        VerdictFuzzer.Verdict kernel = VerdictFuzzer.kernel(p);
        VerdictFuzzer.Verdict ours = VerdictFuzzer.jvmbpf(p);
        assertFalse(kernel.accepted());
        assertEquals("R3 !read_ok", kernel.reason());
        assertFalse(ours.accepted());
        assertNull(VerdictFuzzer.kind(ours, kernel));
    }

    @Test
    void aProgramBothAcceptIsAnAgreement() {
        FuzzProgram p = new FuzzProgram(new Instruction[] {
            Instruction.of(Opcodes.CLASS_ALU64 | Opcodes.ALU_MOV | Opcodes.SRC_K, 0, 0, 0, 2),
            Instruction.of(Opcodes.EXIT, 0, 0, 0, 0)}, new byte[0]);
        assertTrue(VerdictFuzzer.kernel(p).accepted());
        assertNull(VerdictFuzzer.kind(VerdictFuzzer.jvmbpf(p), VerdictFuzzer.kernel(p)));
    }

    @Test
    void kindsNameTheRefusingSideAndItsReasonWithoutNumbers() {
        VerdictFuzzer.Verdict accepts = new VerdictFuzzer.Verdict(true, "");
        VerdictFuzzer.Verdict refuses = new VerdictFuzzer.Verdict(false, "R4 invalid mem access 'scalar' off=-8");
        assertEquals("false accept: R# invalid mem access 'scalar' off=N", VerdictFuzzer.kind(accepts, refuses));
        assertEquals("false refuse: R# invalid mem access 'scalar' off=N", VerdictFuzzer.kind(refuses, accepts));
        assertEquals("crash: java.lang.IllegalStateException: N",
                VerdictFuzzer.kind(new VerdictFuzzer.Verdict(false, "crash: java.lang.IllegalStateException: 7"),
                        refuses));
    }

    @Test
    void aSeededCampaignCountsEveryProgramAndFindsNoDisagreement() {
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        VerdictFuzzer.Report r = VerdictFuzzer.run(new VerdictFuzzer.Options(7, 120, 0,
                new PrintStream(progress, true, StandardCharsets.UTF_8), 400, 1));
        assertEquals(120, r.programs());
        // The generator makes programs the kernel refuses and programs it accepts.
        assertTrue(r.kernelRefused() > 0 && r.kernelRefused() < 120, "kernel refused " + r.kernelRefused());
        assertEquals(r.falseAccepts() + r.falseRefusals() + r.byKind().entrySet().stream()
                .filter(e -> e.getKey().startsWith("crash")).mapToLong(e -> e.getValue()).sum(), r.disagreements());
        // The verifier's rules reached the kernel's on this campaign (20,000 programs of seed 42 too).
        assertEquals(0, r.disagreements(), r.byKind().toString());
        assertEquals(r.kernelRefused(), r.jvmbpfRefused());
    }

    /**
     * Minimisation keeps what it minimises for: with no disagreement left to minimise, a joint
     * refusal stands in, kept with the kernel's reason on both sides while instructions go.
     */
    @Test
    void minimisationKeepsTheVerdictsItMinimisesFor() {
        FuzzProgram found = null;
        VerdictFuzzer.Verdict reason = null;
        for (long i = 0; found == null && i < 200; i++) {
            FuzzProgram p = VerdictGenerator.generate(ProgramGenerator.programSeed(7, i));
            VerdictFuzzer.Verdict kernel = VerdictFuzzer.kernel(p);
            if (!kernel.accepted() && p.length() > 10 && !VerdictFuzzer.jvmbpf(p).accepted()) {
                found = p;
                reason = kernel;
            }
        }
        assertTrue(found != null, "no program of 200 that both refuse");
        String why = VerdictFuzzer.normalise(reason.reason());
        java.util.function.Predicate<FuzzProgram> bothRefuse = q -> {
            VerdictFuzzer.Verdict k = VerdictFuzzer.kernel(q);
            VerdictFuzzer.Verdict j = VerdictFuzzer.jvmbpf(q);
            return !k.accepted() && !j.accepted() && VerdictFuzzer.normalise(k.reason()).equals(why);
        };
        FuzzProgram small = Minimizer.minimize(found, bothRefuse, 400);
        assertTrue(bothRefuse.test(small), "the minimised program lost the property");
        assertTrue(small.length() < found.length(), "minimisation removed nothing from " + found.length());
    }
}
