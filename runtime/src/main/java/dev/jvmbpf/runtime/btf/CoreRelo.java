package dev.jvmbpf.runtime.btf;

/**
 * One CO-RE relocation record of {@code .BTF.ext} ({@code struct bpf_core_relo}): instruction
 * {@code insn} of its section (an index, not a byte offset) uses type {@code typeId} of the
 * object's BTF through {@code access} ({@code "0:1:2"}: pointer index, then member or array
 * indexes); {@code kind} is the raw {@link CoreKind} id. {@code index} numbers the records of one
 * section from 0, as libbpf numbers them in its messages ({@code relo #3}).
 */
public record CoreRelo(int index, int insn, int typeId, String access, int kindId) {
    /** The kind, or null when the id is unknown. */
    public CoreKind kind() {
        return CoreKind.ofId(kindId);
    }

    /** The kind's name, or {@code kind N} for an unknown id. */
    public String kindName() {
        CoreKind k = kind();
        return k == null ? "kind " + kindId : k.name();
    }
}
