package dev.jvmbpf.runtime.isa;

/**
 * The eBPF encoding constants (RFC 9669 plus the kernel's later additions). An opcode byte is
 * {@code class | source | op} for ALU and JMP classes and {@code class | size | mode} for memory.
 */
public final class Opcodes {
    private Opcodes() {
    }

    // Instruction classes (low 3 bits).
    public static final int CLASS_LD = 0x00;
    public static final int CLASS_LDX = 0x01;
    public static final int CLASS_ST = 0x02;
    public static final int CLASS_STX = 0x03;
    public static final int CLASS_ALU = 0x04;
    public static final int CLASS_JMP = 0x05;
    public static final int CLASS_JMP32 = 0x06;
    public static final int CLASS_ALU64 = 0x07;

    // Source bit of ALU/JMP classes.
    public static final int SRC_K = 0x00;
    public static final int SRC_X = 0x08;

    // ALU operations (high 4 bits).
    public static final int ALU_ADD = 0x00;
    public static final int ALU_SUB = 0x10;
    public static final int ALU_MUL = 0x20;
    public static final int ALU_DIV = 0x30;
    public static final int ALU_OR = 0x40;
    public static final int ALU_AND = 0x50;
    public static final int ALU_LSH = 0x60;
    public static final int ALU_RSH = 0x70;
    public static final int ALU_NEG = 0x80;
    public static final int ALU_MOD = 0x90;
    public static final int ALU_XOR = 0xa0;
    public static final int ALU_MOV = 0xb0;
    public static final int ALU_ARSH = 0xc0;
    public static final int ALU_END = 0xd0;

    // JMP operations (high 4 bits).
    public static final int JMP_JA = 0x00;
    public static final int JMP_JEQ = 0x10;
    public static final int JMP_JGT = 0x20;
    public static final int JMP_JGE = 0x30;
    public static final int JMP_JSET = 0x40;
    public static final int JMP_JNE = 0x50;
    public static final int JMP_JSGT = 0x60;
    public static final int JMP_JSGE = 0x70;
    public static final int JMP_CALL = 0x80;
    public static final int JMP_EXIT = 0x90;
    public static final int JMP_JLT = 0xa0;
    public static final int JMP_JLE = 0xb0;
    public static final int JMP_JSLT = 0xc0;
    public static final int JMP_JSLE = 0xd0;
    /** {@code may_goto}: JMP class, op 0xe0, SRC_K. */
    public static final int JMP_JCOND = 0xe0;

    // Memory sizes (bits 3-4).
    public static final int SIZE_W = 0x00;
    public static final int SIZE_H = 0x08;
    public static final int SIZE_B = 0x10;
    public static final int SIZE_DW = 0x18;

    // Memory modes (high 3 bits).
    public static final int MODE_IMM = 0x00;
    public static final int MODE_ABS = 0x20;
    public static final int MODE_IND = 0x40;
    public static final int MODE_MEM = 0x60;
    /** Sign-extending load (LDX only). */
    public static final int MODE_MEMSX = 0x80;
    public static final int MODE_ATOMIC = 0xc0;

    // Atomic operations (in imm).
    public static final int ATOMIC_ADD = 0x00;
    public static final int ATOMIC_OR = 0x40;
    public static final int ATOMIC_AND = 0x50;
    public static final int ATOMIC_XOR = 0xa0;
    public static final int ATOMIC_FETCH = 0x01;
    public static final int ATOMIC_XCHG = 0xe0 | ATOMIC_FETCH;
    public static final int ATOMIC_CMPXCHG = 0xf0 | ATOMIC_FETCH;
    public static final int ATOMIC_LOAD_ACQ = 0x100;
    public static final int ATOMIC_STORE_REL = 0x110;

    // Source values of lddw (the pseudo forms the loader resolves).
    public static final int PSEUDO_NONE = 0;
    public static final int PSEUDO_MAP_FD = 1;
    public static final int PSEUDO_MAP_VALUE = 2;
    public static final int PSEUDO_BTF_ID = 3;
    public static final int PSEUDO_FUNC = 4;
    public static final int PSEUDO_MAP_IDX = 5;
    public static final int PSEUDO_MAP_IDX_VALUE = 6;

    // Source values of call.
    public static final int CALL_HELPER = 0;
    public static final int CALL_LOCAL = 1;
    public static final int CALL_KFUNC = 2;
    /**
     * The helper id libbpf calls in place of an instruction whose CO-RE relocation it could not
     * resolve ({@code call 0xbad2310}, "bad relo"): no kernel has it; dead code may hold it.
     */
    public static final int HELPER_CORE_POISON = 0xbad2310;

    // Frequently used full opcodes.
    public static final int LDDW = CLASS_LD | SIZE_DW | MODE_IMM; // 0x18
    public static final int CALL = CLASS_JMP | JMP_CALL; // 0x85
    public static final int CALLX = CLASS_JMP | JMP_CALL | SRC_X; // 0x8d
    public static final int EXIT = CLASS_JMP | JMP_EXIT; // 0x95
    public static final int JA = CLASS_JMP | JMP_JA; // 0x05
    public static final int JA32 = CLASS_JMP32 | JMP_JA; // 0x06, "gotol"
    public static final int MAY_GOTO = CLASS_JMP | JMP_JCOND; // 0xe5

    public static int instructionClass(int opcode) {
        return opcode & 0x07;
    }

    public static int aluOp(int opcode) {
        return opcode & 0xf0;
    }

    public static int source(int opcode) {
        return opcode & 0x08;
    }

    public static int size(int opcode) {
        return opcode & 0x18;
    }

    public static int mode(int opcode) {
        return opcode & 0xe0;
    }

    /** Access width in bytes of a memory size field. */
    public static int sizeBytes(int opcode) {
        return switch (opcode & 0x18) {
            case SIZE_W -> 4;
            case SIZE_H -> 2;
            case SIZE_B -> 1;
            default -> 8;
        };
    }

    public static boolean isAlu(int opcode) {
        int c = opcode & 0x07;
        return c == CLASS_ALU || c == CLASS_ALU64;
    }

    public static boolean isJump(int opcode) {
        int c = opcode & 0x07;
        return c == CLASS_JMP || c == CLASS_JMP32;
    }
}
