package dev.jvmbpf.conformance.vector;

import java.nio.file.Path;

/** A well-formed vector this project does not run, for example one with a section it does not know. */
public record SkippedVector(String name, Path file, String reason) implements ParsedVector {
}
