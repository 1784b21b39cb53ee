package dev.jvmbpf.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Finds vector files: each path is a {@code .data} file or a directory searched recursively. */
public final class VectorFiles {
    /** A vector file and the name reports give it. */
    public record Entry(String name, Path file) {
        @Override
        public String toString() {
            return name;
        }
    }

    private VectorFiles() {
    }

    /**
     * The vectors under {@code paths}, each directory's sorted by path. Names are relative to the
     * directory given, without {@code .data}. Throws {@link IllegalArgumentException} naming a path
     * that does not exist or is neither a directory nor a {@code .data} file.
     */
    public static List<Entry> collect(List<Path> paths) {
        List<Entry> out = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.walk(p)) {
                    s.filter(f -> Files.isRegularFile(f) && f.getFileName().toString().endsWith(".data"))
                            .sorted()
                            .forEach(f -> out.add(new Entry(stem(p.relativize(f)), f)));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot list " + p + ": " + e.getMessage(), e);
                }
            } else if (Files.isRegularFile(p)) {
                if (!p.getFileName().toString().endsWith(".data")) {
                    throw new IllegalArgumentException(p + " is not a .data vector file");
                }
                out.add(new Entry(stem(p.getFileName()), p));
            } else {
                throw new IllegalArgumentException(p + ": no such file or directory");
            }
        }
        return out;
    }

    private static String stem(Path relative) {
        String s = relative.toString().replace('\\', '/');
        return s.endsWith(".data") ? s.substring(0, s.length() - ".data".length()) : s;
    }
}
