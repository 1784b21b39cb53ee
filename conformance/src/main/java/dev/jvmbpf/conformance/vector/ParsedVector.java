package dev.jvmbpf.conformance.vector;

import java.nio.file.Path;

/** What parsing a vector file gives: a {@link Vector} to run, or a {@link SkippedVector} and why. */
public sealed interface ParsedVector permits Vector, SkippedVector {
    String name();

    Path file();
}
