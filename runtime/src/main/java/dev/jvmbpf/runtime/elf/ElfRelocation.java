package dev.jvmbpf.runtime.elf;

/**
 * One REL entry applied to {@code target}: the patched bytes start at {@code offset} of that
 * section. BPF objects use REL, so the addend is whatever the patched field already holds.
 */
public record ElfRelocation(ElfSection target, long offset, int type, ElfSymbol symbol) {
    /** No relocation; libbpf skips such entries. */
    public static final int R_BPF_NONE = 0;
    /** lddw: 64-bit absolute address split over the two imm fields. */
    public static final int R_BPF_64_64 = 1;
    public static final int R_BPF_64_ABS64 = 2;
    public static final int R_BPF_64_ABS32 = 3;
    /** 32-bit absolute value in debug and BTF sections that no dynamic linker resolves. */
    public static final int R_BPF_64_NODYLD32 = 4;
    /** call: pc-relative target in units of instructions. */
    public static final int R_BPF_64_32 = 10;

    /**
     * The bytes a relocation of {@code type} patches. In code, R_BPF_64_64 is an lddw (two
     * instruction slots) and R_BPF_64_32 a call (one slot); in data, old LLVM used the same types
     * for plain 8- and 4-byte values, and R_BPF_64_ABS64 / R_BPF_64_ABS32 / R_BPF_64_NODYLD32 are
     * 8, 4 and 4 bytes anywhere.
     */
    public static int width(int type, boolean code) {
        return switch (type) {
            case R_BPF_64_64 -> code ? 16 : 8;
            case R_BPF_64_32 -> code ? 8 : 4;
            case R_BPF_64_ABS64 -> 8;
            default -> 4;
        };
    }

    public static String typeName(int type) {
        return switch (type) {
            case R_BPF_NONE -> "R_BPF_NONE";
            case R_BPF_64_64 -> "R_BPF_64_64";
            case R_BPF_64_ABS64 -> "R_BPF_64_ABS64";
            case R_BPF_64_ABS32 -> "R_BPF_64_ABS32";
            case R_BPF_64_NODYLD32 -> "R_BPF_64_NODYLD32";
            case R_BPF_64_32 -> "R_BPF_64_32";
            default -> "unknown relocation type " + type;
        };
    }

    public static boolean known(int type) {
        return type == R_BPF_64_64 || type == R_BPF_64_ABS64 || type == R_BPF_64_ABS32
                || type == R_BPF_64_NODYLD32 || type == R_BPF_64_32;
    }
}
