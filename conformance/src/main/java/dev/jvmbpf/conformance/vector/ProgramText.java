package dev.jvmbpf.conformance.vector;

/** The program of a vector, as the file gives it. */
public sealed interface ProgramText {
    /**
     * The {@code -- asm} section. {@code source} has as many lines as the file, with everything
     * outside the section blanked, so the assembler's line numbers are the file's.
     */
    record Assembly(String source) implements ProgramText {
    }

    /** The {@code -- raw} section: the instruction bytes, little-endian, and the section's first line. */
    record Raw(byte[] bytes, int line) implements ProgramText {
        public Raw {
            bytes = bytes.clone();
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }
    }
}
