package dev.jvmbpf.cli;

import dev.jvmbpf.runtime.exec.LoadException;
import dev.jvmbpf.runtime.isa.Assembler;
import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.isa.InstructionDecoder;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jvmbpf asm FILE [-o OUT]}: conformance-syntax assembly to instruction bytes. */
@Command(name = "asm", mixinStandardHelpOptions = true,
        description = {"Assembles bpf_conformance syntax (a text file, or the -- asm section of a .data vector).",
            "With -o writes the raw little-endian bytes to OUT; otherwise prints them as hex, one instruction a line.",
            "Exits with 1 when the text does not assemble."})
final class AsmCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "assembly text or .data vector")
    Path file;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT", description = "file to write the raw bytes to")
    Path output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try {
            Instruction[] program = Assembler.assemble(ProgramFiles.assemblySource(file));
            InstructionDecoder.validate(program);
            if (output != null) {
                Files.write(output, Instruction.encode(program));
            } else {
                for (Instruction insn : program) {
                    out.println(insn.hex());
                }
                out.flush();
            }
            return 0;
        } catch (LoadException e) {
            return Failure.report(spec, file + ": " + e.getMessage());
        } catch (IOException e) {
            return Failure.report(spec, "cannot write " + output + ": " + Failure.reason(e));
        }
    }
}
