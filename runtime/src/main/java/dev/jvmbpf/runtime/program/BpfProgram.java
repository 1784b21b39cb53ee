package dev.jvmbpf.runtime.program;

import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.maps.BpfMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A program ready for the verifier and the engines. Relocations are applied: an {@code lddw}
 * with source {@code PSEUDO_MAP_IDX} loads a handle of {@code maps().get(imm)}, one with
 * {@code PSEUDO_MAP_IDX_VALUE} the address of that map's value plus the next slot's imm (global
 * data). Calls with source {@code CALL_LOCAL} are pc-relative, as in the kernel.
 *
 * @param kfuncs the name of the kernel function each kfunc call ({@code CALL_KFUNC}) immediate
 *     stands for: the function's id in the running kernel's BTF, as libbpf resolves it (or, where
 *     there is no kernel BTF, the id of the extern in the object's own BTF, so that the program
 *     still runs here). Calls whose immediate is missing are named by the kernel's BTF, if any.
 */
public record BpfProgram(String name, String section, ProgramType type, Instruction[] instructions,
        List<BpfMap> maps, String license, Map<Integer, String> kfuncs) {
    /** The licence strings the kernel takes as GPL-compatible (include/linux/license.h); exact matches only. */
    private static final Set<String> GPL_COMPATIBLE = Set.of("GPL", "GPL v2", "GPL and additional rights",
            "Dual BSD/GPL", "Dual MIT/GPL", "Dual MPL/GPL");

    public BpfProgram {
        instructions = instructions.clone();
        maps = List.copyOf(maps);
        kfuncs = Map.copyOf(kfuncs);
    }

    /** A program without kfunc names. */
    public BpfProgram(String name, String section, ProgramType type, Instruction[] instructions, List<BpfMap> maps,
            String license) {
        this(name, section, type, instructions, maps, license, Map.of());
    }

    public static BpfProgram raw(String name, Instruction[] instructions) {
        return new BpfProgram(name, "", ProgramType.RAW, instructions, List.of(), "");
    }

    /**
     * Whether the kernel would let this program call GPL-only helpers and kfuncs. A program without
     * a licence (null or empty: raw programs, conformance vectors, objects with no {@code license}
     * section) counts as GPL-compatible: jvmbpf has always run those, and it cannot tell an object's
     * missing section from a bare program's absent licence.
     */
    public boolean gplCompatible() {
        return license == null || license.isEmpty() || GPL_COMPATIBLE.contains(license);
    }

    @Override
    public Instruction[] instructions() {
        return instructions.clone();
    }

    /** The instructions without a defensive copy; callers must not modify the array. */
    public Instruction[] instructionsView() {
        return instructions;
    }

    public int length() {
        return instructions.length;
    }
}
