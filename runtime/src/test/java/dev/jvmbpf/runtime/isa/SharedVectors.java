package dev.jvmbpf.runtime.isa;

import dev.jvmbpf.testing.SharedData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Finds the shared bpf_conformance vectors beside the clone and splits them into sections. */
final class SharedVectors {
    private SharedVectors() {
    }

    /** The vector directory, or an aborted test (with the reason printed) when it is absent. */
    static Path directory(String name) {
        return SharedData.CONFORMANCE.require(name);
    }

    static List<Path> files(String name) {
        try (Stream<Path> s = Files.list(directory(name))) {
            return s.filter(p -> p.toString().endsWith(".data")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Section name (without "-- ") to body; text before the first section is dropped. */
    static Map<String, String> sections(Path file) {
        Map<String, String> sections = new LinkedHashMap<>();
        String current = null;
        StringBuilder body = new StringBuilder();
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith("-- ")) {
                    if (current != null) {
                        sections.put(current, body.toString());
                    }
                    current = line.substring(3).strip();
                    body.setLength(0);
                } else if (current != null) {
                    body.append(line).append('\n');
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (current != null) {
            sections.put(current, body.toString());
        }
        return sections;
    }

    /** The bytes of a {@code -- raw} section: 8 hex bytes per line, or one 0x-prefixed 64-bit number per line. */
    static byte[] raw(String body) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (String line : body.split("\n")) {
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            if (t.startsWith("0x")) {
                long v = Long.parseUnsignedLong(t.substring(2), 16);
                for (int i = 0; i < 8; i++) {
                    out.write((int) (v >>> (8 * i)));
                }
            } else {
                for (String b : t.split("\\s+")) {
                    out.write(Integer.parseInt(b, 16));
                }
            }
        }
        return out.toByteArray();
    }
}
