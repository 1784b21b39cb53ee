package dev.jvmbpf.cli;

import dev.jvmbpf.conformance.ConformanceHelpers;
import dev.jvmbpf.runtime.exec.LoadException;
import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.verifier.VerifiedProgram;
import dev.jvmbpf.runtime.verifier.Verifier;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jvmbpf verify FILE}: the verifier's verdict. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Runs the verifier on raw bytes, hex text, assembly or a .data vector.",
            "Prints 'OK: N instructions' and exits with 0, or prints the error and exits with 1."})
final class VerifyCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "raw bytes, hex text, .s/.asm or .data vector")
    Path file;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try {
            Instruction[] program = ProgramFiles.instructions(file);
            String name = file.getFileName().toString();
            VerifiedProgram verified = Verifier.verify(BpfProgram.raw(name, program), ConformanceHelpers.table());
            out.println("OK: " + count(program) + " instructions"
                    + (verified.subprogramCount() > 1 ? " in " + verified.subprogramCount() + " functions" : ""));
            out.flush();
            return 0;
        } catch (LoadException e) {
            return Failure.report(spec, file + ": " + e.getMessage());
        }
    }

    /** Instructions, not slots: a lddw counts once. */
    private static int count(Instruction[] program) {
        int n = 0;
        for (int pc = 0; pc < program.length; pc++) {
            n++;
            if (program[pc].isWide()) {
                pc++;
            }
        }
        return n;
    }
}
