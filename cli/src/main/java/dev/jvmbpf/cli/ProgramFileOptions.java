package dev.jvmbpf.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The file and the options that pick its programs, shared by {@code disasm} and {@code verify}
 * so that both read a file, and say so in their help, the same way.
 */
final class ProgramFileOptions {
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
}
