package dev.jvmbpf.conformance.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.runtime.memory.FaultKind;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class VectorParserTest {
    private static final Path FILE = Path.of("dir", "v.data");

    private static ParsedVector parse(String text) {
        return VectorParser.parse("v", FILE, text);
    }

    private static Vector vector(String text) {
        return assertInstanceOf(Vector.class, parse(text));
    }

    private static VectorFormatException malformed(String text) {
        return assertThrows(VectorFormatException.class, () -> parse(text));
    }

    @Test
    void unverifiedMarksVectorsForTheEnginesAlone() {
        assertFalse(vector("-- asm\nexit\n-- result\n0\n").unverified());
        assertTrue(vector("-- asm\nexit\n-- result\n0\n-- unverified\n").unverified());
        VectorFormatException e = malformed("-- asm\nexit\n-- result\n0\n-- unverified\nyes\n");
        assertTrue(e.getMessage().contains("takes no content"), e.getMessage());
    }

    @Test
    void readsAsmMemoryAndResult() {
        Vector v = vector("""
                # comment
                -- asm
                mov %r0, 1 # trailing comment
                exit
                -- mem
                00 01 ff
                0a
                -- result
                0xffffffffffffffff
                """);
        ProgramText.Assembly asm = assertInstanceOf(ProgramText.Assembly.class, v.program());
        String[] lines = asm.source().split("\n", -1);
        assertEquals("mov %r0, 1", lines[2]);
        assertEquals("exit", lines[3]);
        assertEquals("", lines[5]);
        assertArrayEquals(new byte[] {0, 1, (byte) 0xff, 0x0a}, v.memory());
        assertFalse(v.readOnly());
        assertEquals(new Expectation.Returns(-1L), v.expected());
    }

    @Test
    void decimalAndNegativeResults() {
        assertEquals(new Expectation.Returns(42), vector("-- asm\nexit\n-- result\n42\n").expected());
        assertEquals(new Expectation.Returns(-2), vector("-- asm\nexit\n-- result\n-2\n").expected());
        assertEquals(new Expectation.Returns(-1), vector("-- asm\nexit\n-- result\n18446744073709551615\n").expected());
    }

    @Test
    void rawAsBytesOrAsWordsAndRawWinsOverAsm() {
        Vector bytes = vector("-- raw\nb7 00 00 00 05 00 00 00\n95 00 00 00 00 00 00 00\n-- result\n5\n");
        ProgramText.Raw raw = assertInstanceOf(ProgramText.Raw.class, bytes.program());
        assertEquals(16, raw.bytes().length);
        assertEquals((byte) 0xb7, raw.bytes()[0]);
        Vector words = vector("-- asm\nexit\n-- raw\n0x5566778800000018\n0x1122334400000000\n-- result\n0\n");
        byte[] b = assertInstanceOf(ProgramText.Raw.class, words.program()).bytes();
        assertArrayEquals(new byte[] {0x18, 0, 0, 0, (byte) 0x88, 0x77, 0x66, 0x55, 0, 0, 0, 0, 0x44, 0x33, 0x22, 0x11}, b);
    }

    @Test
    void errorSectionsMayBeEmptyOrCarryText() {
        assertEquals(new Expectation.Rejected(List.of()), vector("-- raw\n95 00 00 00 00 00 00 01\n-- error\n").expected());
        assertEquals(new Expectation.Rejected(List.of("Invalid register # kept")),
                vector("-- asm\nor %r0, %r50\n-- error\nInvalid register # kept\n").expected());
    }

    @Test
    void faultSections() {
        assertEquals(new Expectation.Faults(FaultKind.OUT_OF_BOUNDS, -1),
                vector("-- asm\nexit\n-- fault\nout of bounds\n").expected());
        assertEquals(new Expectation.Faults(FaultKind.READ_ONLY, 3),
                vector("-- asm\nexit\n-- fault\nread-only at pc 3\n").expected());
        assertEquals(new Expectation.Faults(FaultKind.CALL_DEPTH, -1),
                vector("-- asm\nexit\n-- fault\nCALL_DEPTH\n").expected());
        VectorFormatException e = malformed("-- asm\nexit\n-- fault\nsegfault\n");
        assertEquals(4, e.line());
        assertTrue(e.getMessage().contains("segfault"), e.getMessage());
    }

    @Test
    void readOnlyMemory() {
        Vector v = vector("-- asm\nexit\n-- mem readonly\n01 02\n-- result\n0\n");
        assertTrue(v.readOnly());
        assertArrayEquals(new byte[] {1, 2}, v.memory());
    }

    @Test
    void ignoredSectionsOfThePublicSuite() {
        Vector v = vector("-- c\nint main() { return 2; }\n-- asm\nmov %r0, 2\nexit\n-- result\n0x2\n"
                + "-- no register offset\ncall instruction\n");
        assertEquals(new Expectation.Returns(2), v.expected());
    }

    @Test
    void unknownSectionSkipsTheVectorWithTheReason() {
        SkippedVector s = assertInstanceOf(SkippedVector.class, parse("-- asm\nexit\n-- maps\nfoo\n-- result\n0\n"));
        assertTrue(s.reason().contains("-- maps") && s.reason().contains("line 3"), s.reason());
    }

    @Test
    void malformedVectorsNameFileAndLine() {
        VectorFormatException e = malformed("-- asm\nexit\n-- mem\n00 zz\n-- result\n0\n");
        assertEquals(4, e.line());
        assertTrue(e.getMessage().startsWith(FILE + ":4: "), e.getMessage());
        assertTrue(e.getMessage().contains("zz"), e.getMessage());

        assertEquals(4, malformed("-- asm\nexit\n-- result\n0xnothex\n").line());
        assertEquals(3, malformed("-- asm\nexit\n-- result\n1 2\n").line());
        assertEquals(2, malformed("# header\nstray text\n-- asm\nexit\n-- result\n0\n").line());
        assertEquals(3, malformed("-- asm\nexit\n-- asm\nexit\n-- result\n0\n").line());
        assertEquals(5, malformed("-- asm\nexit\n-- result\n0\n-- error\nx\n").line());
        assertEquals(3, malformed("-- raw\nb7 00\n0xzz\n-- result\n0\n").line());
    }

    @Test
    void missingProgramOrExpectationIsMalformed() {
        VectorFormatException noProgram = malformed("# nothing\n-- result\n0\n");
        assertEquals(0, noProgram.line());
        assertTrue(noProgram.getMessage().contains("no program"), noProgram.getMessage());
        assertTrue(malformed("").getMessage().contains("no program"));
        VectorFormatException noExpectation = malformed("-- asm\nexit\n");
        assertTrue(noExpectation.getMessage().contains("no expectation"), noExpectation.getMessage());
        assertTrue(malformed("-- asm\n# only a comment\n-- result\n0\n").getMessage().contains("empty"));
    }

    @Test
    void memoryMayBeAHexDumpAsTcpdumpOrHexdumpPrintsIt() {
        byte[] packet = {0x45, 0x00, 0x00, 0x54, 0x1e, 0x4b, 0x40, 0x00, 0x40, 0x01, (byte) 0xd8, 0x3a, (byte) 0xc0,
            (byte) 0xa8, 0x01, 0x01, (byte) 0xc0, (byte) 0xa8, 0x01, 0x02};
        // tcpdump -x: a tab, an offset with a colon, 16-bit groups.
        Vector tcpdump = vector("-- asm\nexit\n-- mem\n\t0x0000:  4500 0054 1e4b 4000 4001 d83a c0a8 0101\n"
                + "\t0x0010:  c0a8 0102\n-- result\n0\n");
        assertArrayEquals(packet, tcpdump.memory());
        // ubpf's suite: any offset before a colon, then bytes.
        Vector ubpf = vector("-- asm\nexit\n-- mem\n00: 45 00 00 54 1e 4b 40 00 40 01 d8 3a c0 a8 01 01\n"
                + "10: c0 a8 01 02\n-- result\n0\n");
        assertArrayEquals(packet, ubpf.memory());
        // hexdump -C: a long offset without a colon, and the bytes as text between bars.
        Vector hexdump = vector("-- asm\nexit\n-- mem\n"
                + "00000000  45 00 00 54 1e 4b 40 00  40 01 d8 3a c0 a8 01 01  |E..T.K@.@..:....|\n"
                + "00000010  c0 a8 01 02                                       |....|\n-- result\n0\n");
        assertArrayEquals(packet, hexdump.memory());
    }

    @Test
    void aHexDumpWithALineMissingIsAnErrorNotAShiftedPacket() {
        VectorFormatException e = malformed("-- asm\nexit\n-- mem\n0x0000:  4500 0054\n0x0020:  c0a8 0102\n"
                + "-- result\n0\n");
        assertTrue(e.getMessage().contains("v.data:5:"), e.getMessage());
        assertTrue(e.getMessage().contains("offset 0x20 does not follow the 4 bytes before it"), e.getMessage());
        VectorFormatException odd = malformed("-- asm\nexit\n-- mem\n450\n-- result\n0\n");
        assertTrue(odd.getMessage().contains("memory byte '450'"), odd.getMessage());
    }

    @Test
    void ubpfsErrorPatternAndRunnerFlags() {
        Vector v = vector("-- asm\nja +0\n-- error pattern\n(jump|offset) .* out of (range|bounds)\n-- reload\n");
        Expectation.RejectedMatching m = assertInstanceOf(Expectation.RejectedMatching.class, v.expected());
        assertTrue(m.pattern().matcher("error: jump offset 5 out of range").find());
        assertFalse(m.pattern().matcher("invalid opcode").find());
        VectorFormatException both = malformed("-- asm\nexit\n-- error pattern\nx\n-- result\n0\n");
        assertTrue(both.getMessage().contains("exactly one of"), both.getMessage());
        VectorFormatException bad = malformed("-- asm\nexit\n-- error pattern\n(unclosed\n");
        assertTrue(bad.getMessage().contains("not a regular expression"), bad.getMessage());
    }
}
