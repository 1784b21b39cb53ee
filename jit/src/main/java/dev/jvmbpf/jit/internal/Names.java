package dev.jvmbpf.jit.internal;

import org.objectweb.asm.Type;

/** Internal names and descriptors the generated code refers to, in one place. */
final class Names {
    static final String MACHINE = "dev/jvmbpf/runtime/exec/Machine";
    static final String HELPER = "dev/jvmbpf/runtime/exec/Helper";
    static final String HELPER_SPEC = "dev/jvmbpf/runtime/exec/HelperSpec";
    static final String INDEXED_MAP = "dev/jvmbpf/runtime/maps/IndexedMap";
    static final String HELPER_TABLE = "dev/jvmbpf/runtime/exec/HelperTable";
    static final String ADDRESS_SPACE = "dev/jvmbpf/runtime/memory/AddressSpace";
    static final String REGION = "dev/jvmbpf/runtime/memory/Region";
    static final String BPF_FAULT = "dev/jvmbpf/runtime/memory/BpfFault";
    static final String INSTRUCTION_ARRAY = "[Ldev/jvmbpf/runtime/isa/Instruction;";
    static final String ALU = "dev/jvmbpf/runtime/isa/Alu";
    static final String RUNTIME = Type.getInternalName(JitRuntime.class);
    static final String RUNTIME_PACKAGE = "dev/jvmbpf/jit/internal/";
    static final String ENTRY = Type.getInternalName(CompiledEntry.class);

    /** A BPF function: (machine, r1..r5, call depth) returning r0. */
    static final String FUNCTION_DESC = "(L" + MACHINE + ";JJJJJI)J";
    /** A chunk or dispatcher: (machine, register file, call depth, dispatch code) returning the next code. */
    static final String CHUNK_DESC = "(L" + MACHINE + ";[JII)I";
    static final String HELPER_CALL_DESC = "(L" + MACHINE + ";JJJJJ)J";
    static final String FAULT_DESC = "(I)L" + BPF_FAULT + ";";

    private Names() {
    }
}
