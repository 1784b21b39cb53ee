package dev.jvmbpf.cli;

import java.util.List;

/** The subcommands, one class each; add new ones here. */
final class Subcommands {
    private Subcommands() {
    }

    static List<Object> all() {
        return List.of(new RunCommand(),
                new ConformanceCommand(),
                new AsmCommand(),
                new DisasmCommand(),
                new VerifyCommand(),
                new FuzzCommand(),
                new BenchCommand(),
                new TraceCommand());
    }
}
