package dev.jvmbpf.conformance.fuzz;

import dev.jvmbpf.runtime.isa.Instruction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * Writes a program as a conformance vector: comments saying where it came from and what each
 * engine did, the code as a {@code -- raw} section (8 bytes per line), the memory and the
 * kernel's r0 as the expected result.
 */
public final class VectorWriter {
    private VectorWriter() {
    }

    public static String format(FuzzProgram p, List<String> comments, Function<Instruction[], List<String>> listing,
            long expectedR0) {
        StringBuilder sb = new StringBuilder();
        for (String c : comments) {
            for (String line : c.split("\n")) {
                sb.append("# ").append(line).append('\n');
            }
        }
        Instruction[] code = p.code();
        List<String> lines = listing.apply(code);
        if (!lines.isEmpty()) {
            sb.append("#\n");
            for (String line : lines) {
                sb.append("#   ").append(line).append('\n');
            }
        }
        sb.append("-- raw\n");
        for (Instruction i : code) {
            sb.append(i.hex()).append('\n');
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

    public static Path write(Path dir, String name, String text) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }
}
