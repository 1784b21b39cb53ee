package dev.jvmbpf.conformance.fuzz;

import dev.jvmbpf.runtime.isa.Instruction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.jvmbpf.runtime.isa.AsmWriter;
import dev.jvmbpf.runtime.isa.Assembler;
import java.util.Arrays;
import java.util.List;

/**
 * Writes a program as a conformance vector: comments saying where it came from and what each
 * engine did, the code as a {@code -- asm} section (a {@code -- raw} section, 8 bytes per line,
 * should the assembler not read the text back to the same instructions), the memory and the
 * reference engine's r0 as the expected result.
 */
public final class VectorWriter {
    private VectorWriter() {
    }

    public static String format(FuzzProgram p, List<String> comments, long expectedR0) {
        StringBuilder sb = new StringBuilder();
        for (String c : comments) {
            for (String line : c.split("\n")) {
                sb.append("# ").append(line).append('\n');
            }
        }
        Instruction[] code = p.code();
        String asm = assembly(code);
        if (asm != null) {
            sb.append("-- asm\n").append(asm);
        } else {
            sb.append("-- raw\n");
            for (Instruction i : code) {
                sb.append(i.hex()).append('\n');
            }
        }
        byte[] memory = p.memory();
        if (memory.length > 0) {
            sb.append("-- mem\n");
            for (int at = 0; at < memory.length; at += 8) {
                for (int j = at; j < Math.min(memory.length, at + 8); j++) {
                    if (j > at) {
                        sb.append(' ');
                    }
                    sb.append(String.format("%02x", memory[j] & 0xff));
                }
                sb.append('\n');
            }
        }
        sb.append("-- result\n0x").append(Long.toHexString(expectedR0)).append('\n');
        return sb.toString();
    }

    /** The program in the assembler's syntax, or null when that text would not give it back. */
    static String assembly(Instruction[] code) {
        try {
            String text = AsmWriter.source(code);
            return Arrays.equals(Assembler.assemble(text), code) ? text : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    public static Path write(Path dir, String name, String text) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }
}
