package dev.jvmbpf.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.runtime.isa.Assembler;
import dev.jvmbpf.runtime.isa.Instruction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code asm}, {@code disasm} and {@code verify} through the command line. */
class IsaCommandsTest {
    @TempDir
    Path dir;



    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void assemblesToRawBytesAndDisassemblesThem() throws IOException {
        Path src = write("p.s", "mov %r0, 1\nlddw %r1, 0x1122334455667788\njeq %r1, 0, +1\nexit\nexit\n");
        Path bin = dir.resolve("p.bin");
        CliRun asm = CliRun.of("asm", src.toString(), "-o", bin.toString());
        assertEquals(0, asm.status(), asm.err());
        assertArrayEquals(Instruction.encode(Assembler.assemble(Files.readString(src))), Files.readAllBytes(bin));
        CliRun dis = CliRun.of("disasm", bin.toString());
        assertEquals(0, dis.status(), dis.err());
        assertEquals("0: r0 = 1\n1: r1 = 0x1122334455667788 ll\n3: if r1 == 0x0 goto +1\n4: exit\n5: exit\n",
                dis.out().replace(System.lineSeparator(), "\n"));
    }

    @Test
    void objectFilesAreDisassembledAndVerifiedProgramByProgram() {
        Path examples = Path.of(System.getProperty("jvmbpf.root", ".."), "examples").normalize();
        String seed = examples.resolve("execve_trace.o").toString();
        CliRun dis = CliRun.of("disasm", seed, "--no-source");
        assertEquals(0, dis.status(), dis.err());
        List<String> lines = dis.out().lines().toList();
        assertEquals("trace_execve (section tp/syscalls/sys_enter_execve):", lines.get(0));
        assertEquals("0: call bpf_get_current_pid_tgid#14", lines.get(1));
        assertTrue(lines.contains("6: call bpf_trace_printk#6"), dis.out());
        assertEquals("8: exit", lines.get(lines.size() - 1));

        String tails = examples.resolve("tail_calls.o").toString();
        CliRun all = CliRun.of("verify", tails);
        assertEquals(0, all.status(), all.err());
        assertEquals(List.of("stage0", "stage1", "stage2", "entry"),
                all.out().lines().map(l -> l.substring(0, l.indexOf(':'))).toList());
        assertTrue(all.out().lines().allMatch(l -> l.matches("\\w+: OK: \\d+ instructions.*")), all.out());
        CliRun one = CliRun.of("verify", tails, "--program", "stage1");
        assertEquals(0, one.status(), one.err());
        assertEquals(1, one.out().lines().count(), one.out());
        CliRun none = CliRun.of("disasm", tails, "--program", "nope");
        assertEquals(1, none.status());
        assertTrue(none.err().strip().endsWith("no program named 'nope'; it has [stage0, stage1, stage2, entry]"),
                none.err());
    }

    @Test
    void aBrokenObjectIsNamedOnce() throws IOException {
        // The loader's messages name the object already ("cut.o: file offset 40: ..."); disasm and
        // verify used to put the path in front again ("jvmbpf: /tmp/cut.o: cut.o: file offset ...").
        Path examples = Path.of(System.getProperty("jvmbpf.root", ".."), "examples").normalize();
        byte[] whole = Files.readAllBytes(examples.resolve("counter.o"));
        Path cut = Files.write(dir.resolve("cut.o"), Arrays.copyOf(whole, 200));
        for (String command : List.of("disasm", "verify", "run")) {
            CliRun broken = CliRun.of(command, cut.toString());
            assertEquals(1, broken.status());
            assertEquals(1, broken.err().split("cut\\.o", -1).length - 1, command + ": " + broken.err());
            assertTrue(broken.err().contains("section header table"), broken.err());
        }
    }

    @Test
    void anUnwritableOutputIsOneLineSayingWhy() throws IOException {
        Path src = write("p.s", "mov %r0, 1\nexit\n");
        Path out = dir.resolve("missing").resolve("p.bin");
        CliRun asm = CliRun.of("asm", src.toString(), "-o", out.toString());
        assertEquals(1, asm.status());
        assertEquals("jvmbpf: cannot write " + out + ": no such file or directory",
                asm.err().replace(System.lineSeparator(), "\n").strip());
        CliRun dis = CliRun.of("disasm", dir.resolve("absent.bin").toString());
        assertEquals(1, dis.status());
        assertEquals("jvmbpf: " + dir.resolve("absent.bin") + ": no such file",
                dis.err().replace(System.lineSeparator(), "\n").strip());
    }

    @Test
    void printsHexWithoutOutputFileAndReadsItBack() throws IOException {
        CliRun asm = CliRun.of("asm", write("p.s", "mov32 %r0, 2\nexit\n").toString());
        assertEquals("b4 00 00 00 02 00 00 00\n95 00 00 00 00 00 00 00\n", asm.out().replace(System.lineSeparator(), "\n"));
        CliRun verify = CliRun.of("verify", write("p.hex", asm.out()).toString());
        assertEquals(0, verify.status(), verify.err());
        assertEquals("OK: 2 instructions", verify.out().strip());
    }

    @Test
    void verifyRefusesWithOneLineAndStatusOne() throws IOException {
        Path src = write("bad.s", "stxdw [%r10-520], %r1\nexit\n");
        CliRun verify = CliRun.of("verify", src.toString());
        assertEquals(1, verify.status());
        assertEquals("jvmbpf: " + src + ": pc 0 (*(u64 *)(r10 - 520) = r1): invalid write to stack R10 off=-520 size=8;"
                + " 8-byte stack access at r10 - 520 is outside the frame [-512, 0)", verify.err().strip());
        assertEquals("", verify.out());
    }

    @Test
    void assemblyErrorsAreOneLine() throws IOException {
        Path src = write("bad.data", "-- asm\nmov %r0, 1\nlock\nexit\n-- result\n0x1\n");
        CliRun asm = CliRun.of("asm", src.toString());
        assertEquals(1, asm.status());
        assertEquals("jvmbpf: " + src + ": line 3: Invalid number of operands for lock", asm.err().strip());
    }

    @Test
    void disassemblesVectorsAndRejectsBadBytes() throws IOException {
        Path vector = write("v.data", "-- raw\n07 00 01 00 01 00 00 00\n95 00 00 00 00 00 00 00\n-- result\n0x0\n");
        CliRun dis = CliRun.of("disasm", vector.toString());
        assertEquals(1, dis.status());
        assertTrue(dis.err().strip().endsWith("instruction 0 (07 00 01 00 01 00 00 00): add64 with immediate must have"
                + " offset 0 (found 1)"), dis.err());
        Path truncated = Files.write(dir.resolve("t.bin"), new byte[] {(byte) 0x95, 0, 0});
        CliRun t = CliRun.of("disasm", truncated.toString());
        assertEquals(1, t.status());
        assertTrue(t.err().contains("not a multiple of 8 bytes"), t.err());
    }
}
