package dev.jvmbpf.runtime.isa;

/**
 * Turns raw program bytes into instructions and checks every instruction the way the kernel's
 * loader does before any analysis: the opcode exists, every field the instruction does not use is
 * zero, registers are r0 to r10, and a {@code lddw} has its second slot. The checks follow RFC 9669
 * plus the kernel's later additions (signed division, sign-extending moves and loads, {@code bswap},
 * {@code gotol}, {@code may_goto}, {@code callx}, load-acquire and store-release).
 */
public final class InstructionDecoder {
    private InstructionDecoder() {
    }

    /** Decodes and validates little-endian program bytes. */
    public static Instruction[] decode(byte[] bytes) {
        if (bytes.length % Instruction.SIZE != 0) {
            throw new InvalidInstructionException(bytes.length / Instruction.SIZE, null,
                    "program length " + bytes.length + " is not a multiple of " + Instruction.SIZE
                            + " bytes (last instruction truncated)");
        }
        Instruction[] program = new Instruction[bytes.length / Instruction.SIZE];
        for (int i = 0; i < program.length; i++) {
            program[i] = Instruction.read(bytes, i * Instruction.SIZE);
        }
        validate(program);
        return program;
    }

    /**
     * Checks every instruction of an already decoded program.
     *
     * @throws InvalidInstructionException naming the first invalid instruction
     */
    public static void validate(Instruction[] program) {
        for (int pc = 0; pc < program.length; pc++) {
            Instruction insn = program[pc];
            String reason = InstructionRules.check(insn);
            if (reason != null) {
                throw new InvalidInstructionException(pc, insn, reason);
            }
            if (insn.isWide()) {
                if (pc + 1 >= program.length) {
                    throw new InvalidInstructionException(pc, insn, "lddw is missing its second slot");
                }
                Instruction second = program[++pc];
                String secondReason = InstructionRules.checkSecondSlot(insn, second);
                if (secondReason != null) {
                    throw new InvalidInstructionException(pc, second, secondReason);
                }
            }
        }
    }
}
