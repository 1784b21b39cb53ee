package dev.jvmbpf.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One run of the command line with its exit status and what it printed (line separators as
 * {@code \n}). The standard streams are process-wide, so runs are serialised.
 */
record CliRun(int status, String out, String err) {
    static synchronized CliRun of(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int status = Main.execute(args);
            return new CliRun(status, o.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n"),
                    e.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n"));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    List<String> lines() {
        return out.lines().toList();
    }

    /** The last line printed on standard output, trailing blank lines left out. */
    String lastLine() {
        return out.strip().lines().toList().getLast();
    }
}
