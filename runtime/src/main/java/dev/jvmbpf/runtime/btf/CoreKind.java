package dev.jvmbpf.runtime.btf;

/**
 * The kinds of CO-RE relocation ({@code enum bpf_core_relo_kind}), with the ids clang writes in
 * {@code .BTF.ext}. Field kinds relocate a member access ({@code 0:1:2}), type kinds a whole type
 * (access string {@code 0}), enum value kinds one enumerator (its index).
 */
public enum CoreKind {
    FIELD_BYTE_OFFSET(0), FIELD_BYTE_SIZE(1), FIELD_EXISTS(2), FIELD_SIGNED(3), FIELD_LSHIFT_U64(4),
    FIELD_RSHIFT_U64(5), TYPE_ID_LOCAL(6), TYPE_ID_TARGET(7), TYPE_EXISTS(8), TYPE_SIZE(9), ENUMVAL_EXISTS(10),
    ENUMVAL_VALUE(11), TYPE_MATCHES(12);

    private static final CoreKind[] BY_ID = values();
    private final int id;

    CoreKind(int id) {
        this.id = id;
    }

    public int id() {
        return id;
    }

    /** The kind with this id, or null when clang wrote one this runtime does not know. */
    public static CoreKind ofId(int id) {
        return id >= 0 && id < BY_ID.length ? BY_ID[id] : null;
    }

    public boolean fieldBased() {
        return id <= FIELD_RSHIFT_U64.id;
    }

    public boolean typeBased() {
        return this == TYPE_ID_LOCAL || this == TYPE_ID_TARGET || this == TYPE_EXISTS || this == TYPE_SIZE
                || this == TYPE_MATCHES;
    }

    public boolean enumValueBased() {
        return this == ENUMVAL_EXISTS || this == ENUMVAL_VALUE;
    }
}
