package dev.jvmbpf.cli;

import dev.jvmbpf.runtime.exec.LoadException;
import dev.jvmbpf.runtime.isa.AsmWriter;
import dev.jvmbpf.runtime.isa.Disassembler;
import dev.jvmbpf.runtime.isa.Instruction;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jvmbpf disasm FILE}: instructions in LLVM syntax, one line each with its pc. */
@Command(name = "disasm", mixinStandardHelpOptions = true,
        description = {"Disassembles raw instruction bytes, hex text, assembly or a .data vector.",
            "Prints the LLVM syntax of llvm-objdump, one line per instruction prefixed with its pc.",
            "Exits with 1 on invalid input."})
final class DisasmCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "raw bytes, hex text, .s/.asm or .data vector")
    Path file;

    @Option(names = "--conformance-syntax", description = "print the bpf_conformance assembly syntax instead")
    boolean conformanceSyntax;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try {
            Instruction[] program = ProgramFiles.instructions(file);
            if (conformanceSyntax) {
                out.print(AsmWriter.source(program));
            } else {
                for (String line : Disassembler.listing(program)) {
                    out.println(line);
                }
            }
            out.flush();
            return 0;
        } catch (LoadException e) {
            return Failure.report(spec, file + ": " + e.getMessage());
        }
    }
}
