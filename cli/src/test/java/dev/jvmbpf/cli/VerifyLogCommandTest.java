package dev.jvmbpf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.cli.internal.JsonReader;
import dev.jvmbpf.kernel.testing.KernelRequired;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code verify --log-level}, {@code --compare kernel} and {@code --json}. */
class VerifyLogCommandTest {
    private static final Path EXAMPLES = Path.of(System.getProperty("jvmbpf.root", ".."), "examples").normalize();

    @TempDir
    Path dir;

    /** r3 is read but never written. */
    private Path uninitialised() throws IOException {
        return Files.writeString(dir.resolve("bad.s"), "mov %r0, 0\nldxdw %r2, [%r10-8]\nadd %r0, %r3\nexit\n");
    }

    private static void assumeKernel() {
        KernelRequired.assume("verify --compare kernel");
    }

    @Test
    void levelOnePrintsTheRefusedInstructionTheReasonAndTheSummary() throws IOException {
        CliRun r = CliRun.of("verify", uninitialised().toString(), "--log-level", "1");
        assertEquals(1, r.status());
        assertEquals(List.of("2: (0f) r0 += r3", "R3 !read_ok",
                "processed 3 insns (limit 1000000) max_states_per_insn 1 total_states 1 peak_states 1 mark_read 0"),
                r.lines());
        assertTrue(r.err().contains("pc 2 (r0 += r3): R3 !read_ok"), r.err());
    }

    @Test
    void levelTwoPrintsTheWalkWithSourceLinesOfAnObjectFile() {
        CliRun r = CliRun.of("verify", EXAMPLES.resolve("xdp_filter.o").toString(), "-p", "xdp_block", "--log-level",
                "2");
        assertEquals(0, r.status(), r.err());
        List<String> lines = r.lines();
        assertEquals("xdp_block:", lines.get(0));
        assertEquals("0: R1=ctx() R10=fp0", lines.get(1));
        assertTrue(lines.contains("1: (61) r2 = *(u32 *)(r1 +4)          ; R1=ctx() R2=pkt_end()"), r.out());
        assertTrue(lines.contains("5: (2d) if r1 > r2 goto pc+17         ; R1=pkt(off=14,r=14) R2=pkt_end()"),
                r.out());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("; ") && l.contains(" @ xdp_filter.c:")), r.out());
        assertTrue(lines.get(lines.size() - 2).startsWith("processed "), r.out());
        assertEquals("xdp_block: OK: 23 instructions", lines.getLast());
    }

    @Test
    void wrongValuesAreUsageErrors() throws IOException {
        String file = uninitialised().toString();
        CliRun level = CliRun.of("verify", file, "--log-level", "3");
        assertEquals(2, level.status());
        assertEquals("jvmbpf: --log-level must be 1 or 2: 3\n", level.err());
        CliRun compare = CliRun.of("verify", file, "--compare", "ubpf");
        assertEquals(2, compare.status());
        assertTrue(compare.err().contains("--compare takes 'kernel'"), compare.err());
    }

    @Test
    @SuppressWarnings("unchecked")
    void jsonWithoutTheKernelParsesAndCarriesTheVerdict() throws IOException {
        CliRun r = CliRun.of("verify", uninitialised().toString(), "--json");
        assertEquals(1, r.status());
        Map<String, Object> o = (Map<String, Object>) JsonReader.parse(r.out());
        assertEquals(List.of("file", "kernel", "skipped", "programs"), List.copyOf(o.keySet()));
        assertNull(o.get("kernel"));
        Map<String, Object> p = (Map<String, Object>) ((List<Object>) o.get("programs")).getFirst();
        assertEquals(List.of("name", "type", "instructions", "jvmbpf", "kernel", "kernel_skipped", "agree", "log"),
                List.copyOf(p.keySet()));
        assertEquals("raw", p.get("type"));
        Map<String, Object> j = (Map<String, Object>) p.get("jvmbpf");
        assertEquals(false, j.get("accepted"));
        assertEquals(new BigDecimal(2), j.get("pc"));
        assertEquals("R3 !read_ok", j.get("reason"));
        assertNull(p.get("agree"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void compareWithTheKernelPrintsBothVerdictsAndExitsZeroWhenTheyAgree() throws IOException {
        assumeKernel();
        CliRun text = CliRun.of("verify", uninitialised().toString(), "--compare", "kernel");
        assertEquals(0, text.status(), text.err());
        assertEquals(List.of("jvmbpf: refused: pc 2 (r0 += r3): R3 !read_ok",
                "kernel: refused (EACCES): R3 !read_ok (kernel pcs are 3 higher: the raw program's prologue)",
                "agree"), text.lines());
        CliRun obj = CliRun.of("verify", EXAMPLES.resolve("xdp_filter.o").toString(), "--compare", "kernel", "--json");
        assertEquals(0, obj.status(), obj.err());
        Map<String, Object> o = (Map<String, Object>) JsonReader.parse(obj.out());
        assertTrue(((String) o.get("kernel")).startsWith("Linux "));
        for (Object each : (List<Object>) o.get("programs")) {
            Map<String, Object> p = (Map<String, Object>) each;
            Map<String, Object> k = (Map<String, Object>) p.get("kernel");
            assertEquals(true, k.get("accepted"), p.toString());
            assertTrue(((String) k.get("summary")).startsWith("processed "), p.toString());
            assertEquals(true, p.get("agree"));
        }
    }

    @Test
    void aDisagreementExitsWithOne() throws IOException {
        assumeKernel();
        // A spill of a pointer's low half: the kernel refuses it ("invalid size of register spill").
        Path spill = Files.writeString(dir.resolve("spill.s"), "mov %r0, 0\nstxw [%r10-8], %r1\nexit\n");
        CliRun r = CliRun.of("verify", spill.toString(), "--compare", "kernel");
        String kernelLine = r.lines().get(1);
        assertTrue(kernelLine.startsWith("kernel: refused (EACCES): invalid size of register spill"), r.out());
        boolean jvmbpfAccepts = r.lines().getFirst().startsWith("jvmbpf: OK");
        assertEquals(jvmbpfAccepts ? 1 : 0, r.status(), r.out());
        assertEquals(jvmbpfAccepts ? "DISAGREE: jvmbpf accepts, the kernel refuses" : "agree", r.lines().get(2));
    }

    @Test
    void fuzzInVerdictModeEndsWithItsCountsAndRefusesForeignOptions() {
        CliRun wrong = CliRun.of("fuzz", "--mode", "verdicts");
        assertEquals(2, wrong.status());
        assertTrue(wrong.err().contains("--mode must be engines or verdict"), wrong.err());
        CliRun engines = CliRun.of("fuzz", "--mode", "verdict", "--engines", "interpreter");
        assertEquals(2, engines.status());
        assumeKernel();
        CliRun r = CliRun.of("fuzz", "--mode", "verdict", "--seed", "11", "--count", "40", "--examples", "1");
        String last = r.lines().getLast();
        assertTrue(last.matches("40 programs, \\d+ disagreements \\(\\d+ false accepts, \\d+ false refusals\\)"), last);
        boolean none = last.startsWith("40 programs, 0 disagreements");
        assertEquals(none ? 0 : 1, r.status(), r.out());
        assertEquals(none, !r.out().contains(" --from "), r.out());
    }

    /** A "Proprietary" object calling bpf_printk: both verifiers refuse it for its licence, in the kernel's words. */
    @Test
    void theObjectsLicenceReachesBothVerifiers() {
        String proprietary = EXAMPLES.resolveSibling("cli/src/test/resources/bpf/proprietary.o").toString();
        String words = "cannot call GPL-restricted function from non-GPL compatible program";
        CliRun alone = CliRun.of("verify", proprietary);
        assertEquals(1, alone.status(), alone.out());
        assertTrue((alone.out() + alone.err()).contains(words), alone.out() + alone.err());
        assumeKernel();
        CliRun compare = CliRun.of("verify", proprietary, "--compare", "kernel");
        assertEquals(0, compare.status(), compare.out());
        assertTrue(compare.out().contains("kernel: refused (EINVAL): " + words), compare.out());
        assertTrue(compare.out().contains("print_packet: agree"), compare.out());
    }
}
