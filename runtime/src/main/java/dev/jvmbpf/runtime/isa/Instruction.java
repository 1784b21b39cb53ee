package dev.jvmbpf.runtime.isa;

/**
 * One 8-byte instruction slot as it is encoded: {@code opcode:8 dst:4 src:4 offset:16 imm:32}.
 * A {@code lddw} takes two slots; the second carries the upper 32 bits of the constant in its
 * {@code imm} and has opcode 0. Program counters index slots, as in the kernel.
 */
public record Instruction(int opcode, int dst, int src, short offset, int imm) {
    public static final int SIZE = 8;

    public Instruction {
        if ((opcode & ~0xff) != 0 || (dst & ~0xf) != 0 || (src & ~0xf) != 0) {
            throw new IllegalArgumentException("instruction field out of range: opcode=" + opcode
                    + " dst=" + dst + " src=" + src);
        }
    }

    public static Instruction of(int opcode, int dst, int src, int offset, int imm) {
        return new Instruction(opcode, dst, src, (short) offset, imm);
    }

    /** Decodes the little-endian slot at {@code bytes[at..at+8)} without validating it. */
    public static Instruction read(byte[] bytes, int at) {
        int opcode = bytes[at] & 0xff;
        int regs = bytes[at + 1] & 0xff;
        short offset = (short) ((bytes[at + 2] & 0xff) | (bytes[at + 3] & 0xff) << 8);
        int imm = (bytes[at + 4] & 0xff) | (bytes[at + 5] & 0xff) << 8 | (bytes[at + 6] & 0xff) << 16
                | (bytes[at + 7] & 0xff) << 24;
        return new Instruction(opcode, regs & 0x0f, regs >>> 4, offset, imm);
    }

    /** Encodes this slot little-endian into {@code out[at..at+8)}. */
    public void write(byte[] out, int at) {
        out[at] = (byte) opcode;
        out[at + 1] = (byte) (dst | src << 4);
        out[at + 2] = (byte) offset;
        out[at + 3] = (byte) (offset >> 8);
        out[at + 4] = (byte) imm;
        out[at + 5] = (byte) (imm >> 8);
        out[at + 6] = (byte) (imm >> 16);
        out[at + 7] = (byte) (imm >> 24);
    }

    public byte[] toBytes() {
        byte[] out = new byte[SIZE];
        write(out, 0);
        return out;
    }

    public int instructionClass() {
        return opcode & 0x07;
    }

    public boolean isWide() {
        return opcode == Opcodes.LDDW;
    }

    /** The raw bytes as {@code "07 00 01 00 01 00 00 00"}, for error messages. */
    public String hex() {
        StringBuilder sb = new StringBuilder(23);
        for (byte b : toBytes()) {
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return sb.toString();
    }

    /** Encodes a whole instruction sequence. */
    public static byte[] encode(Instruction[] program) {
        byte[] out = new byte[program.length * SIZE];
        for (int i = 0; i < program.length; i++) {
            program[i].write(out, i * SIZE);
        }
        return out;
    }

    /** The 64-bit constant of the {@code lddw} at {@code pc} (its own imm and the next slot's). */
    public static long wideImmediate(Instruction[] program, int pc) {
        return (program[pc].imm() & 0xffffffffL) | ((long) program[pc + 1].imm() << 32);
    }
}
