package dev.jvmbpf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConformanceCommandTest {
    @TempDir
    Path dir;



    private void write(String relative, String text) throws IOException {
        Path p = dir.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    @Test
    void directoriesAreSearchedRecursivelyAndSorted() throws IOException {
        write("b.data", "-- asm\nmov %r0, 2\nexit\n-- result\n2\n");
        write("sub/a.data", "-- asm\nmov %r0, 1\nexit\n-- result\n1\n");
        write("notes.txt", "not a vector");
        CliRun r = CliRun.of("conformance", dir.toString());
        assertEquals(0, r.status(), r.err());
        assertEquals("PASS b\nPASS sub/a\n2 passed, 0 failed, 0 skipped\n", r.out().replace("\r\n", "\n"));
    }

    @Test
    void aFailedVectorMakesTheExitStatusNonZero() throws IOException {
        write("bad.data", "-- asm\nmov %r0, 2\nexit\n-- result\n3\n");
        write("skip.data", "-- asm\nexit\n-- unheard of\n");
        CliRun r = CliRun.of("conformance", dir.toString(), "--engine", "interpreter");
        assertEquals(1, r.status());
        assertTrue(r.out().contains("FAIL bad: expected 0x3 got 0x2"), r.out());
        assertTrue(r.out().contains("SKIP skip: unknown section"), r.out());
        assertTrue(r.out().contains("0 passed, 1 failed, 1 skipped"), r.out());
    }

    @Test
    void compareRunsEveryEngine() throws IOException {
        write("v.data", "-- asm\nmov %r0, 2\nexit\n-- result\n2\n");
        CliRun r = CliRun.of("conformance", dir.resolve("v.data").toString(), "--compare", "interpreter,interpreter");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("1 passed, 0 failed, 0 skipped"), r.out());
    }

    @Test
    void badPathAndUnknownEngineAreOneLineErrors() {
        CliRun missing = CliRun.of("conformance", dir.resolve("missing").toString());
        assertEquals(1, missing.status());
        assertEquals(1, missing.err().strip().lines().count(), missing.err());
        assertTrue(missing.err().contains("missing: no such file or directory"), missing.err());
        CliRun engine = CliRun.of("conformance", dir.toString(), "--engine", "warp");
        assertEquals(2, engine.status());
        assertEquals(1, engine.err().strip().lines().count(), engine.err());
        assertTrue(engine.err().contains("unknown engine 'warp'"), engine.err());
    }

    @Test
    void noVectorsAreRefusedAndAComparisonOfOneIsAUsageError() throws IOException {
        write("notes.txt", "not a vector");
        CliRun empty = CliRun.of("conformance", dir.toString());
        assertEquals(1, empty.status(), empty.out());
        assertEquals("jvmbpf: no .data vectors in " + dir, empty.err().strip());
        write("v.data", "-- asm\nmov %r0, 2\nexit\n-- result\n2\n");
        CliRun one = CliRun.of("conformance", dir.toString(), "--compare", "interpreter");
        assertEquals(2, one.status(), one.out());
        assertEquals("jvmbpf: --compare needs at least two engines, got 'interpreter'", one.err().strip());
    }

    /** ubpf's dialect: memory as tcpdump -x prints a packet, and an error given as a pattern. */
    @Test
    void readsUbpfStyleVectors() throws IOException {
        write("tcpdump_mem.data", "-- asm\nldxb %r0, [%r1+16]\nexit\n-- mem\n"
                + "\t0x0000:  4500 0054 1e4b 4000 4001 d83a c0a8 0101\n\t0x0010:  c0a8 0102\n-- result\n0xc0\n");
        write("bad_jump.data", "-- asm\nja +5\nexit\n-- error pattern\njump .* (out of|outside)\n-- reload\n");
        CliRun r = CliRun.of("conformance", dir.toString(), "--engine", "interpreter");
        assertEquals(0, r.status(), r.out() + r.err());
        assertEquals("PASS bad_jump\nPASS tcpdump_mem\n2 passed, 0 failed, 0 skipped\n", r.out().replace("\r\n", "\n"));
        write("bad_jump.data", "-- asm\nja +5\nexit\n-- error pattern\ninvalid opcode\n");
        CliRun miss = CliRun.of("conformance", dir.resolve("bad_jump.data").toString(), "--engine", "jit");
        assertEquals(1, miss.status());
        assertTrue(miss.out().contains("FAIL bad_jump: expected an error matching /invalid opcode/ got"), miss.out());
    }
}
