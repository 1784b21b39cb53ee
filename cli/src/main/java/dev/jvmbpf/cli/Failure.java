package dev.jvmbpf.cli;

import dev.jvmbpf.runtime.exec.LoadException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.function.IntSupplier;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;

/** One line on stderr and exit status 1 (2 for a {@link UsageError}): how a command reports what it refuses. */
final class Failure {
    static final int EXIT = 1;

    private Failure() {
    }

    /**
     * Runs a command's body; the errors a wrong argument or a refused program raises become one
     * line on stderr and exit status 1 (with the stack trace under --debug).
     */
    static int guarded(CommandSpec spec, IntSupplier body) {
        try {
            return body.getAsInt();
        } catch (LoadException | IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
            spec.commandLine().getOut().flush();
            if (spec.root().userObject() instanceof Main m && m.debug) {
                e.printStackTrace(spec.commandLine().getErr());
            }
            report(spec, e.getMessage());
            return e instanceof UsageError ? UsageError.EXIT : EXIT;
        }
    }

    static int report(CommandSpec spec, String message) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("jvmbpf: " + oneLine(message));
        err.flush();
        return EXIT;
    }

    /**
     * {@code message} on one line: names from a file or the command line may hold line breaks,
     * which would split the one error line (other control characters are quoted by SafeText).
     */
    static String oneLine(String message) {
        return message == null ? null : message.replace("\r", "\\r").replace("\n", "\\n");
    }

    /**
     * {@code message} about {@code file}, prefixed by the file's path unless it already starts with
     * the file's name: the object loader's errors name the file themselves
     * ({@code prog.o: section .maps offset 0: ...}), and the line should name it once.
     */
    static String about(Path file, String message) {
        Path name = file.getFileName();
        if (message != null && name != null && (message.startsWith(name + ":") || message.startsWith(file + ":"))) {
            return message;
        }
        return file + ": " + message;
    }

    /**
     * What went wrong with a file, without repeating its path: the messages of NIO's exceptions
     * are often only the path itself, which says nothing next to a line that already names it.
     */
    static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
