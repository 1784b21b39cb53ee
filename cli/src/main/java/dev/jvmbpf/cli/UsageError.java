package dev.jvmbpf.cli;

/**
 * The command line itself is wrong, whatever the files say: an unknown engine or workload, an
 * option value of the wrong form or range. Exit status 2, as for the errors picocli finds while
 * parsing; what the files or the program refuse is exit status 1 ({@link Failure#EXIT}).
 */
final class UsageError extends IllegalArgumentException {
    static final int EXIT = 2;

    UsageError(String message) {
        super(message);
    }

    UsageError(String message, Throwable cause) {
        super(message, cause);
    }
}
