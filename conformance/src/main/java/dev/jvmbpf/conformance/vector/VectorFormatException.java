package dev.jvmbpf.conformance.vector;

import dev.jvmbpf.runtime.exec.LoadException;
import java.nio.file.Path;

/** A vector file that does not follow the format; the message is {@code file:line: what}. */
public final class VectorFormatException extends LoadException {
    private final Path file;
    private final int line;

    public VectorFormatException(Path file, int line, String message) {
        super(file + (line > 0 ? ":" + line : "") + ": " + message);
        this.file = file;
        this.line = line;
    }

    public Path file() {
        return file;
    }

    /** The 1-based line, or 0 when the problem concerns the whole file. */
    public int line() {
        return line;
    }
}
