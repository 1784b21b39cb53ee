package dev.jvmbpf.kernel.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The kernel's tracing file system: a tracepoint's id (which perf_event_open takes) and the size
 * of its record (from its {@code format} file, the fixed part: offset plus size of the last field).
 */
public final class Tracefs {
    private static final Path MOUNT_POINT = Path.of("/sys/kernel/tracing");
    private static final List<Path> ROOTS = List.of(MOUNT_POINT, Path.of("/sys/kernel/debug/tracing"));
    private static final Pattern FIELD = Pattern.compile("offset:(\\d+);\\s*size:(\\d+);");

    private final Path root;

    private Tracefs(Path root) {
        this.root = root;
    }

    /** A tracepoint as the kernel describes it. */
    public record Tracepoint(String category, String name, int id, int recordSize) {
    }

    /**
     * The mounted tracefs. When none is mounted and the mount point exists, mounts it there, as
     * bpftool does; a {@link IllegalStateException} saying what is missing when that fails.
     */
    public static Tracefs open() {
        for (Path p : ROOTS) {
            if (Files.isDirectory(p.resolve("events"))) {
                return new Tracefs(p);
            }
        }
        if (Files.isDirectory(MOUNT_POINT)) {
            try {
                Libc.mount("tracefs", MOUNT_POINT.toString());
                if (Files.isDirectory(MOUNT_POINT.resolve("events"))) {
                    return new Tracefs(MOUNT_POINT);
                }
            } catch (SyscallException e) {
                throw new IllegalStateException("tracefs is not mounted and mounting it failed (" + e.getMessage()
                        + "); mount it: mount -t tracefs nodev " + MOUNT_POINT);
            }
        }
        throw new IllegalStateException("no tracefs (looked in " + ROOTS + "); mount it: mount -t tracefs nodev "
                + MOUNT_POINT);
    }

    public Path root() {
        return root;
    }

    /** Tracepoint {@code category:name}; an {@link IllegalArgumentException} when the kernel has none. */
    public Tracepoint tracepoint(String category, String name) {
        Path dir = root.resolve("events").resolve(category).resolve(name);
        try {
            int id = Integer.parseInt(Files.readString(dir.resolve("id")).strip());
            int size = 0;
            Matcher m = FIELD.matcher(Files.readString(dir.resolve("format")));
            while (m.find()) {
                size = Math.max(size, Integer.parseInt(m.group(1)) + Integer.parseInt(m.group(2)));
            }
            return new Tracepoint(category, name, id, size);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("the kernel has no tracepoint " + category + ":" + name + " (no "
                    + dir + ")");
        } catch (IOException | NumberFormatException e) {
            throw new IllegalArgumentException("cannot read tracepoint " + category + ":" + name + " from " + dir
                    + ": " + e.getMessage());
        }
    }
}
