package dev.jvmbpf.runtime.isa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** The shared bpf_conformance vectors against the assembler and the decoder. */
class ConformanceVectorsTest {

    @TestFactory
    Stream<DynamicTest> everyVectorAssemblesToValidInstructions() {
        List<Path> files = SharedVectors.files("tests");
        assertFalse(files.isEmpty(), "no vectors found");
        return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            Map<String, String> sections = SharedVectors.sections(file);
            String asm = sections.get("asm");
            assertTrue(asm != null, "vector has no asm section");
            Instruction[] program = Assembler.assemble(asm);
            InstructionDecoder.validate(program);
            Instruction[] decoded = InstructionDecoder.decode(Instruction.encode(program));
            assertArrayEquals(program, decoded);
            if (sections.containsKey("raw")) {
                assertArrayEquals(SharedVectors.raw(sections.get("raw")), Instruction.encode(program),
                        "assembled bytes differ from the raw section");
            }
            // The writer's text assembles back to the same instructions.
            assertArrayEquals(program, Assembler.assemble(AsmWriter.source(program)));
        }));
    }

    @TestFactory
    Stream<DynamicTest> everyReservedFieldVectorIsRejectedNamingTheField() {
        List<Path> files = SharedVectors.files("negative").stream()
                .filter(p -> p.getFileName().toString().startsWith("unused-")).toList();
        assertFalse(files.isEmpty(), "no unused-* vectors found");
        return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            String name = file.getFileName().toString();
            String field = name.substring(name.lastIndexOf('-') + 1, name.length() - ".data".length());
            byte[] bytes = SharedVectors.raw(SharedVectors.sections(file).get("raw"));
            InvalidInstructionException e = assertThrows(InvalidInstructionException.class,
                    () -> InstructionDecoder.decode(bytes));
            // Each of these files puts the instruction under test first and a valid exit after it.
            assertEquals(0, e.index(), e.getMessage());
            Instruction first = Instruction.read(bytes, 0);
            assertTrue(e.getMessage().startsWith("instruction 0 (" + first.hex() + "): "), e.getMessage());
            assertTrue(e.reason().contains("must have " + field + " "), "field " + field + " not named: " + e.getMessage());
        }));
    }

    /** The 15 malformed-text vectors: what rejects each of them, and with which words. */
    @Test
    void malformedAssemblyIsRejected() {
        Map<String, String> expected = Map.ofEntries(
                Map.entry("empty.data", "no instructions"),
                Map.entry("empty_instructions.data", "no instructions"),
                Map.entry("invalid_unknown_directive.data", "no instructions"),
                Map.entry("invalid_imm32_dec_range.data", "Invalid immediate 2147483648"),
                Map.entry("invalid_imm32_hex_range.data", "Invalid immediate 0x100000000"),
                Map.entry("invalid_label.data", "Invalid label NOT_A_LABEL"),
                Map.entry("invalid_lock.data", "Invalid number of operands for lock"),
                Map.entry("invalid_lock2.data", "Invalid number of operands for lock"),
                Map.entry("invalid_mnemonic.data", "Invalid mnemonic ldxq"),
                Map.entry("invalid_offset.data", "Invalid memory operand %r1"),
                Map.entry("invalid_offset_range.data", "Invalid offset +0x10000"),
                Map.entry("invalid_operand_count.data", "Invalid number of operands for lddw"),
                Map.entry("invalid_register.data", "Invalid register %r50"));
        int checked = 0;
        for (Path file : SharedVectors.files("negative")) {
            String name = file.getFileName().toString();
            if (name.startsWith("unused-")) {
                continue;
            }
            Map<String, String> sections = SharedVectors.sections(file);
            String asm = sections.getOrDefault("asm", "");
            if (expected.containsKey(name)) {
                AssemblyException e = assertThrows(AssemblyException.class, () -> Assembler.assemble(asm), name);
                assertTrue(e.getMessage().contains(expected.get(name)), name + ": " + e.getMessage());
                String error = sections.get("error");
                if (error != null && !name.equals("invalid_unknown_directive.data")) {
                    assertTrue(e.getMessage().contains(error.strip()), name + ": " + e.getMessage());
                }
                checked++;
            } else {
                // error.data is refused by the verifier and incorrect_return_value_high_bits.data by
                // the result check; both are valid assembly.
                assertTrue(name.equals("error.data") || name.equals("incorrect_return_value_high_bits.data"), name);
                InstructionDecoder.validate(Assembler.assemble(asm));
            }
        }
        assertEquals(expected.size(), checked);
    }
}
