/** The JIT: BPF to JVM bytecode with ASM, one hidden class per program. */
module dev.jvmbpf.jit {
    requires transitive dev.jvmbpf.runtime;
    requires dev.jvmbpf.helpers;
    requires org.objectweb.asm;
    requires org.objectweb.asm.util;

    exports dev.jvmbpf.jit;
}
