package dev.jvmbpf.runtime.isa;

/** Raised while parsing one statement; the assembler adds the line number. */
final class AsmSyntaxError extends RuntimeException {
    AsmSyntaxError(String message) {
        super(message, null, false, false);
    }
}
