package dev.jvmbpf.runtime.elf;

import dev.jvmbpf.runtime.exec.LoadException;

/** An object file that is malformed or uses something the loader does not support. */
public final class ElfException extends LoadException {
    public ElfException(String message) {
        super(message);
    }

    /** An error at byte {@code offset} of section {@code section} (file offsets when section is null). */
    public static ElfException at(String object, String section, long offset, String reason) {
        String where = section == null ? "file offset " + offset : "section " + section + " offset " + offset;
        return new ElfException(object + ": " + where + ": " + reason);
    }
}
