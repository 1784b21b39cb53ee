package dev.jvmbpf.conformance.vector;

import java.nio.file.Path;

/**
 * One runnable conformance vector: a program, the memory it runs on and what must happen.
 *
 * @param name     how reports name it (the file name without {@code .data}, relative to the
 *                 directory it was found in)
 * @param file     where it came from
 * @param program  the program text or bytes
 * @param memory   the input memory, or null when the vector has none (then r1 = r2 = 0)
 * @param readOnly whether the program may only read the memory ({@code -- mem readonly})
 * @param expected what a correct engine does with it
 * @param unverified whether engines run it without the verifier ({@code -- unverified}): it tests
 *                 their run-time checks with a program the verifier would refuse
 */
public record Vector(String name, Path file, ProgramText program, byte[] memory, boolean readOnly,
        Expectation expected, boolean unverified) implements ParsedVector {
    public Vector {
        memory = memory == null ? null : memory.clone();
    }

    /** A vector that goes through the verifier. */
    public Vector(String name, Path file, ProgramText program, byte[] memory, boolean readOnly, Expectation expected) {
        this(name, file, program, memory, readOnly, expected, false);
    }

    @Override
    public byte[] memory() {
        return memory == null ? null : memory.clone();
    }

    public boolean hasMemory() {
        return memory != null;
    }

    public int memoryLength() {
        return memory == null ? 0 : memory.length;
    }
}
