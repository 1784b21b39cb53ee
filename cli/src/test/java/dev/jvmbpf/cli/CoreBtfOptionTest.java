package dev.jvmbpf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.runtime.elf.ElfFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --btf FILE}: the CO-RE target of disasm, verify and run. */
class CoreBtfOptionTest {
    private static final Path CORE = Path.of(System.getProperty("jvmbpf.root", ".."),
            "runtime/src/test/resources/elf/core.o").normalize();

    @TempDir
    Path dir;

    /** core.o's own BTF with its flavors renamed away: rec___v1.legacy and REC_HUGE are in no type of it. */
    private Path withoutFlavors() throws IOException {
        ElfFile elf = ElfFile.parse(Files.readAllBytes(CORE), "core.o");
        byte[] btf = elf.contents(elf.section(".BTF"));
        replace(btf, "rec___v1", "zzz___v1");
        replace(btf, "rec_kind___v2", "zzz_kind___v2");
        return Files.write(dir.resolve("target.btf"), btf);
    }

    private static void replace(byte[] data, String from, String to) {
        byte[] f = (from + "\0").getBytes(StandardCharsets.US_ASCII);
        byte[] t = (to + "\0").getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i + f.length <= data.length; i++) {
            for (int j = 0; j < f.length; j++) {
                if (data[i + j] != f[j]) {
                    continue outer;
                }
            }
            System.arraycopy(t, 0, data, i, t.length);
            return;
        }
        throw new AssertionError(from + " not found");
    }

    @Test
    void disasmShowsTheInstructionsRelocatedAgainstTheGivenBtf() throws IOException {
        CliRun dis = CliRun.of("disasm", CORE.toString(), "--program", "read_rec", "--btf", withoutFlavors().toString());
        assertEquals(0, dis.status(), dis.err());
        // The guarded read of rec___v1.legacy is poisoned; nothing else is.
        assertEquals(1, dis.out().lines().filter(l -> l.endsWith("call 195896080")).count(), dis.out());
        CliRun verify = CliRun.of("verify", CORE.toString(), "--btf", withoutFlavors().toString());
        assertEquals(0, verify.status(), verify.err());
        assertTrue(verify.out().contains("read_rec: OK"), verify.out());
    }

    @Test
    void runTakesTheOptionAndAMissingFileIsNamed() throws IOException {
        Path mem = Files.write(dir.resolve("mem.bin"), new byte[64 + 14 * 8]);
        CliRun run = CliRun.of("run", CORE.toString(), "--program", "read_rec", "--mem", mem.toString(), "--btf",
                withoutFlavors().toString());
        assertEquals(0, run.status(), run.err());
        // The program writes what each relocation resolved to into the memory: run shows those bytes.
        assertEquals(List.of("return value: 0", "memory: 11 of 176 bytes changed"), run.lines().subList(0, 2));
        CliRun missing = CliRun.of("verify", CORE.toString(), "--btf", dir.resolve("nope.btf").toString());
        assertEquals(1, missing.status());
        assertTrue(missing.err().contains("nope.btf: no such file (--btf)"), missing.err());
    }
}
