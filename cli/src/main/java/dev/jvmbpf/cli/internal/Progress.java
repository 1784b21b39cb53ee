package dev.jvmbpf.cli.internal;

import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One status line on a terminal, rewritten in place ({@code \r}) while a long command works, and
 * erased when it is done; nothing at all where the stream is not a terminal, so that logs and
 * piped output stay clean.
 */
public final class Progress {
    private final PrintWriter out;
    private int shown;

    private Progress(PrintWriter out) {
        this.out = out;
    }

    /** Progress on {@code out}, or none when {@code enabled} is false. */
    public static Progress to(PrintWriter out, boolean enabled) {
        return new Progress(enabled ? out : null);
    }

    /** Whether standard error is a terminal a status line can be rewritten on. */
    public static boolean stderrIsTerminal() {
        // Linux says where descriptor 2 goes; System.console() would only say it of stdin and stdout,
        // and bench --json > file still has a terminal to show progress on.
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            Console c = System.console();
            return c != null && c.isTerminal();
        }
    }

    public void show(String status) {
        if (out == null) {
            return;
        }
        String text = SafeText.quote(status);
        out.print("\r" + text + " ".repeat(Math.max(0, shown - text.length())));
        out.flush();
        shown = text.length();
    }

    public void clear() {
        if (out == null || shown == 0) {
            return;
        }
        out.print("\r" + " ".repeat(shown) + "\r");
        out.flush();
        shown = 0;
    }
}
