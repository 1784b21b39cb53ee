package dev.jvmbpf.runtime.isa;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jvmbpf.runtime.memory.BpfFault;
import dev.jvmbpf.runtime.memory.FaultKind;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Disassembly in LLVM syntax, one assembled statement at a time. */
class DisassemblerTest {

    private static String text(String asm) {
        Instruction[] program = Assembler.assemble(asm);
        return Disassembler.disassemble(program, 0);
    }

    @Test
    void printsLlvmSyntax() {
        String[][] cases = {
            {"mov %r0, 1", "r0 = 1"},
            {"mov32 %r0, -1", "w0 = -1"},
            {"mov %r0, %r1", "r0 = r1"},
            {"add32 %r1, %r2", "w1 += w2"},
            {"add32 %r1, -1", "w1 += -1"},
            {"sub %r1, 3", "r1 -= 3"},
            {"mul %r1, %r2", "r1 *= r2"},
            {"div %r1, %r2", "r1 /= r2"},
            {"or %r1, 1", "r1 |= 1"},
            {"and %r1, 1", "r1 &= 1"},
            {"lsh %r0, %r1", "r0 <<= r1"},
            {"rsh32 %r0, 4", "w0 >>= 4"},
            {"mod %r1, 7", "r1 %= 7"},
            {"xor %r1, %r2", "r1 ^= r2"},
            {"arsh %r0, 3", "r0 s>>= 3"},
            {"sdiv %r0, %r1", "r0 s/= r1"},
            {"smod32 %r0, 3", "w0 s%= 3"},
            {"neg %r0", "r0 = -r0"},
            {"neg32 %r0", "w0 = -w0"},
            {"movsx864 %r0, %r1", "r0 = (s8)r1"},
            {"movsx1632 %r0, %r1", "w0 = (s16)w1"},
            {"movsx3264 %r0, %r1", "r0 = (s32)r1"},
            {"be16 %r1", "r1 = be16 r1"},
            {"le32 %r1", "r1 = le32 r1"},
            {"bswap16 %r1", "r1 = bswap16 r1"},
            {"swap64 %r1", "r1 = bswap64 r1"},
            {"jgt %r1, 2, +3", "if r1 > 0x2 goto +3"},
            {"jslt32 %r1, -2, +3", "if w1 s< -0x2 goto +3"},
            {"jset %r1, %r2, -1", "if r1 & r2 goto -1"},
            {"jeq %r1, 0, +0", "if r1 == 0x0 goto +0"},
            {"jne32 %r1, %r2, +1", "if w1 != w2 goto +1"},
            {"jsge %r1, 1, +1", "if r1 s>= 0x1 goto +1"},
            {"jle %r1, 1, +1", "if r1 <= 0x1 goto +1"},
            {"ja -1", "goto -1"},
            {"ja32 +5", "gotol +5"},
            {"may_goto +2", "may_goto +2"},
            {"call 14", "call 14"},
            {"call local +3", "call pc+3"},
            {"call %r2", "callx r2"},
            {"exit", "exit"},
            {"stxw [%r10-4], %r1", "*(u32 *)(r10 - 4) = r1"},
            {"stdw [%r10-8], 5", "*(u64 *)(r10 - 8) = 5"},
            {"ldxdw %r0, [%r1-8]", "r0 = *(u64 *)(r1 - 8)"},
            {"ldxh %r0, [%r1+2]", "r0 = *(u16 *)(r1 + 2)"},
            {"ldxsb %r0, [%r1]", "r0 = *(s8 *)(r1 + 0)"},
            {"lddw %r0, 0x1122334455667788", "r0 = 0x1122334455667788 ll"},
            {"ldmapfd %r1, 3", "r1 = map_fd(3) ll"},
            {"ldmapidxvalue %r1, 0, 16", "r1 = map_idx_value(0) + 16 ll"},
            {"lock add [%r10-8], %r1", "lock *(u64 *)(r10 - 8) += r1"},
            {"lock or32 [%r10-8], %r1", "lock *(u32 *)(r10 - 8) |= w1"},
            {"lock fetch add [%r10-8], %r0", "r0 = atomic_fetch_add((u64 *)(r10 - 8), r0)"},
            {"lock fetch and32 [%r10-8], %r3", "w3 = atomic_fetch_and((u32 *)(r10 - 8), w3)"},
            {"lock xchg [%r10-8], %r0", "r0 = xchg_64(r10 - 8, r0)"},
            {"lock cmpxchg [%r10-8], %r1", "r0 = cmpxchg_64(r10 - 8, r0, r1)"},
            {"lock cmpxchg32 [%r10-8], %r1", "w0 = cmpxchg32_32(r10 - 8, w0, w1)"},
            {"ldacqdw %r0, [%r1+0]", "r0 = load_acquire((u64 *)(r1 + 0))"},
            {"ldacqb %r0, [%r1+0]", "w0 = load_acquire((u8 *)(r1 + 0))"},
            {"streldw [%r1+0], %r2", "store_release((u64 *)(r1 + 0), r2)"},
            {"ldabsb 12", "r0 = *(u8 *)skb[12]"},
            {"ldindh %r1, 0", "r0 = *(u16 *)skb[r1]"},
        };
        for (String[] c : cases) {
            assertEquals(c[1], text(c[0]), c[0]);
        }
    }

    @Test
    void listingNumbersSlotsAndSkipsTheSecondHalfOfLddw() {
        Instruction[] program = Assembler.assemble("lddw %r0, 1\nmov %r1, 2\nexit");
        assertEquals(List.of("0: r0 = 0x1 ll", "2: r1 = 2", "3: exit"), Disassembler.listing(program));
    }

    @Test
    void invalidSlotsPrintTheirBytes() {
        assertEquals("<invalid: 07 00 01 00 01 00 00 00>", Disassembler.format(Instruction.of(0x07, 0, 0, 1, 1)));
    }

    @Test
    void faultsPrintTheInstruction() {
        Instruction insn = Assembler.assemble("ldxdw %r0, [%r1+8]")[0];
        BpfFault fault = BpfFault.memory(FaultKind.values()[0], 0x1000, 8, "").at(3, insn);
        assertEquals(true, fault.getMessage().contains("at pc 3 (r0 = *(u64 *)(r1 + 8))"), fault.getMessage());
    }

    @Test
    void symbolsNameHelpersMapsAndFunctionsAndUnknownNumbersStayNumbers() {
        Instruction[] program = {
            Instruction.of(Opcodes.LDDW, 1, Opcodes.PSEUDO_MAP_IDX, 0, 1), Instruction.of(0, 0, 0, 0, 0),
            Instruction.of(Opcodes.LDDW, 2, Opcodes.PSEUDO_MAP_IDX_VALUE, 0, 0), Instruction.of(0, 0, 0, 0, 8),
            Instruction.of(Opcodes.CLASS_JMP | Opcodes.JMP_CALL, 0, 0, 0, 1),
            Instruction.of(Opcodes.CLASS_JMP | Opcodes.JMP_CALL, 0, 0, 0, 999),
            Instruction.of(Opcodes.CLASS_JMP | Opcodes.JMP_CALL, 0, Opcodes.CALL_LOCAL, 0, 1),
            Instruction.of(Opcodes.CLASS_JMP | Opcodes.JMP_EXIT, 0, 0, 0, 0),
            Instruction.of(Opcodes.CLASS_JMP | Opcodes.JMP_EXIT, 0, 0, 0, 0),
        };
        Disassembler.Symbols symbols = new Disassembler.Symbols() {
            @Override
            public String helper(int id) {
                return id == 1 ? "map_lookup_elem" : null;
            }

            @Override
            public String map(int index) {
                return index == 1 ? "counts" : null;
            }

            @Override
            public String function(int pc) {
                return pc == 8 ? "helper_fn" : null;
            }
        };
        assertEquals("r1 = map[counts] ll", Disassembler.disassemble(program, 0, symbols));
        assertEquals("r2 = map_idx_value(0) + 8 ll", Disassembler.disassemble(program, 2, symbols));
        assertEquals("call bpf_map_lookup_elem#1", Disassembler.disassemble(program, 4, symbols));
        assertEquals("call 999", Disassembler.disassemble(program, 5, symbols));
        assertEquals("call pc+1 <helper_fn>", Disassembler.disassemble(program, 6, symbols));
        // Without symbols, the plain LLVM syntax the assembler reads back.
        assertEquals("call 1", Disassembler.disassemble(program, 4));
        assertEquals("r1 = map_idx(1) ll", Disassembler.disassemble(program, 0));
    }
}
