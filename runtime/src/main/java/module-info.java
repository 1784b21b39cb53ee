/**
 * The core of jvmbpf: the instruction set, ELF and BTF loading, the program and map model, the
 * memory model, the verifier and the reference interpreter, and the engine API the JIT and the
 * kernel backend implement.
 */
module dev.jvmbpf.runtime {
    exports dev.jvmbpf.runtime.btf;
    exports dev.jvmbpf.runtime.elf;
    exports dev.jvmbpf.runtime.exec;
    exports dev.jvmbpf.runtime.interp;
    exports dev.jvmbpf.runtime.isa;
    exports dev.jvmbpf.runtime.maps;
    exports dev.jvmbpf.runtime.memory;
    exports dev.jvmbpf.runtime.object;
    exports dev.jvmbpf.runtime.program;
    exports dev.jvmbpf.runtime.verifier;
}
