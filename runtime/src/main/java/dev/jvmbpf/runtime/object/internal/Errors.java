package dev.jvmbpf.runtime.object.internal;

import dev.jvmbpf.runtime.elf.ElfException;
import dev.jvmbpf.runtime.elf.ElfFile;
import dev.jvmbpf.runtime.elf.ElfSection;
import dev.jvmbpf.runtime.exec.LoadException;

/** Loader errors name the object, the section and the byte offset in it. */
final class Errors {
    private Errors() {
    }

    static LoadException at(ElfFile elf, ElfSection section, long offset, String reason) {
        return ElfException.at(elf.name(), section == null ? null : section.name(), offset, reason);
    }
}
