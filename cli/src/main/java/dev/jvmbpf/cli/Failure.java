package dev.jvmbpf.cli;

import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;

/** One line on stderr and exit status 1: how a command reports input it refuses. */
final class Failure {
    static final int EXIT = 1;

    private Failure() {
    }

    static int report(CommandSpec spec, String message) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("jvmbpf: " + message);
        err.flush();
        return EXIT;
    }
}
