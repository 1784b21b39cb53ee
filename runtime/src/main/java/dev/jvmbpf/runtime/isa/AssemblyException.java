package dev.jvmbpf.runtime.isa;

import dev.jvmbpf.runtime.exec.LoadException;

/** Assembly text that does not assemble; the message names the line and what is wrong with it. */
public final class AssemblyException extends LoadException {
    private final int line;

    public AssemblyException(int line, String message) {
        super(line > 0 ? "line " + line + ": " + message : message);
        this.line = line;
    }

    /** The 1-based source line, or 0 when the error concerns the whole text. */
    public int line() {
        return line;
    }
}
