package dev.jvmbpf.runtime.elf;

/** One symbol table entry; {@code section} is the section index ({@code SHN_UNDEF} = 0 for externs). */
public record ElfSymbol(int index, String name, int info, int other, int section, long value, long size) {
    public static final int STB_LOCAL = 0;
    public static final int STB_GLOBAL = 1;
    public static final int STB_WEAK = 2;

    public static final int STT_NOTYPE = 0;
    public static final int STT_OBJECT = 1;
    public static final int STT_FUNC = 2;
    public static final int STT_SECTION = 3;

    public static final int SHN_UNDEF = 0;
    public static final int SHN_LORESERVE = 0xff00;
    public static final int SHN_ABS = 0xfff1;
    public static final int SHN_COMMON = 0xfff2;

    public int bind() {
        return info >>> 4;
    }

    public int type() {
        return info & 0xf;
    }

    public boolean isFunction() {
        return type() == STT_FUNC;
    }

    public boolean isSection() {
        return type() == STT_SECTION;
    }

    public boolean isGlobal() {
        return bind() == STB_GLOBAL || bind() == STB_WEAK;
    }

    public boolean isDefined() {
        return section != SHN_UNDEF && section < SHN_LORESERVE;
    }
}
