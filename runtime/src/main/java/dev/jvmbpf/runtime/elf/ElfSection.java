package dev.jvmbpf.runtime.elf;

/**
 * One section header. {@code offset}/{@code size} locate the contents in the file; NOBITS
 * sections ({@code .bss}) have a size but no contents.
 */
public record ElfSection(int index, String name, int type, long flags, long offset, long size, int link,
        int info, long addralign, long entsize) {
    public static final int SHT_NULL = 0;
    public static final int SHT_PROGBITS = 1;
    public static final int SHT_SYMTAB = 2;
    public static final int SHT_STRTAB = 3;
    public static final int SHT_RELA = 4;
    public static final int SHT_NOBITS = 8;
    public static final int SHT_REL = 9;

    public static final long SHF_WRITE = 0x1;
    public static final long SHF_ALLOC = 0x2;
    public static final long SHF_EXECINSTR = 0x4;

    public boolean executable() {
        return (flags & SHF_EXECINSTR) != 0;
    }

    public boolean writable() {
        return (flags & SHF_WRITE) != 0;
    }

    public boolean noBits() {
        return type == SHT_NOBITS;
    }
}
