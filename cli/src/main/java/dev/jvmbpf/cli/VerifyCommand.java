package dev.jvmbpf.cli;

import dev.jvmbpf.conformance.ConformanceHelpers;
import dev.jvmbpf.helpers.StandardHelpers;
import dev.jvmbpf.runtime.exec.LoadException;
import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.object.ObjectProgram;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.verifier.VerifiedProgram;
import dev.jvmbpf.runtime.verifier.Verifier;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jvmbpf verify FILE}: the verifier's verdict. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Runs the verifier on raw bytes, hex text, assembly, a .data vector or the programs of an ELF"
                + " object file (with the standard helpers).",
            "Prints 'OK: N instructions' (prefixed by the program's name for an ELF file) and exits with 0, or"
                + " prints the error and exits with 1."})
final class VerifyCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "raw bytes, hex text, .s/.asm, .data vector or ELF .o")
    Path file;

    @Option(names = {"-p", "--program"}, paramLabel = "NAME", description = "only this program of an ELF object file")
    String program;

    @Option(names = "--btf", paramLabel = "FILE",
            description = "resolve CO-RE relocations against this BTF instead of /sys/kernel/btf/vmlinux")
    Path btf;

    @Option(names = "--type", paramLabel = "TYPE", description = "the type of the --program named (without it:"
            + " of every program whose section names no type): xdp, socket, tc, kprobe, tracepoint, raw_tp, ...")
    String type;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try {
            List<ObjectProgram> programs = ProgramFiles.objectPrograms(file, this.program, btf, this.type);
            if (programs.isEmpty()) {
                Instruction[] instructions = ProgramFiles.instructions(file);
                String name = file.getFileName().toString();
                BpfProgram raw = BpfProgram.raw(name, instructions);
                out.println(verdict(raw, Verifier.verify(raw, ConformanceHelpers.table())));
                out.flush();
                return 0;
            }
            // Every program gets its verdict, so one refusal does not hide the others.
            int status = 0;
            for (ObjectProgram p : programs) {
                try {
                    out.println(p.name() + ": " + verdict(p.program(), Verifier.verify(p.program(), StandardHelpers.table())));
                    out.flush();
                } catch (LoadException e) {
                    status = Failure.report(spec, file + ": " + p.name() + ": " + e.getMessage());
                }
            }
            return status;
        } catch (LoadException e) {
            return Failure.report(spec, Failure.about(file, e.getMessage()));
        }
    }

    private static String verdict(BpfProgram program, VerifiedProgram verified) {
        return "OK: " + count(program.instructionsView()) + " instructions"
                + (verified.subprogramCount() > 1 ? " in " + verified.subprogramCount() + " functions" : "");
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
