package dev.jvmbpf.runtime.btf;

import java.util.List;

/**
 * One BTF type. Ids index {@link Btf#type(int)}; id 0 is {@code void}. References between types
 * are ids, resolved through the owning {@link Btf}.
 */
public sealed interface BtfType {
    int id();

    /** The type's name; empty for anonymous types and for kinds without names. */
    String name();

    BtfKind kind();

    /** {@code void}, id 0. */
    record Void() implements BtfType {
        public int id() {
            return 0;
        }

        public String name() {
            return "void";
        }

        public BtfKind kind() {
            return BtfKind.VOID;
        }
    }

    /** An integer of {@code size} bytes whose value occupies {@code bits} bits from {@code bitOffset}. */
    record Int(int id, String name, int size, int encoding, int bitOffset, int bits) implements BtfType {
        public static final int SIGNED = 1;
        public static final int CHAR = 2;
        public static final int BOOL = 4;

        public BtfKind kind() {
            return BtfKind.INT;
        }

        public boolean signed() {
            return (encoding & SIGNED) != 0;
        }

        public boolean isChar() {
            return (encoding & CHAR) != 0 || (size == 1 && name.endsWith("char"));
        }

        public boolean isBool() {
            return (encoding & BOOL) != 0;
        }
    }

    record Ptr(int id, int type) implements BtfType {
        public String name() {
            return "";
        }

        public BtfKind kind() {
            return BtfKind.PTR;
        }
    }

    /** An array type; {@code length} is BTF's {@code nelems}, an unsigned 32-bit count (0 to 2^32 - 1). */
    record Array(int id, int elementType, int indexType, long length) implements BtfType {
        public String name() {
            return "";
        }

        public BtfKind kind() {
            return BtfKind.ARRAY;
        }
    }

    /** A struct member or union variant; {@code bitSize} is 0 unless it is a bitfield. */
    record Member(String name, int type, long bitOffset, int bitSize) {
        public boolean isBitfield() {
            return bitSize != 0;
        }
    }

    /** A struct or union of {@code size} bytes. */
    record Composite(int id, String name, boolean union, int size, List<Member> members) implements BtfType {
        public Composite {
            members = List.copyOf(members);
        }

        public BtfKind kind() {
            return union ? BtfKind.UNION : BtfKind.STRUCT;
        }

        /** The member with this name, or null (anonymous nested members are not searched). */
        public Member member(String memberName) {
            for (Member m : members) {
                if (m.name().equals(memberName)) {
                    return m;
                }
            }
            return null;
        }
    }

    record EnumValue(String name, long value) {
    }

    /** ENUM (32-bit values) or ENUM64. */
    record Enum(int id, String name, boolean wide, boolean signed, int size, List<EnumValue> values)
            implements BtfType {
        public Enum {
            values = List.copyOf(values);
        }

        public BtfKind kind() {
            return wide ? BtfKind.ENUM64 : BtfKind.ENUM;
        }
    }

    record Fwd(int id, String name, boolean union) implements BtfType {
        public BtfKind kind() {
            return BtfKind.FWD;
        }
    }

    record Typedef(int id, String name, int type) implements BtfType {
        public BtfKind kind() {
            return BtfKind.TYPEDEF;
        }
    }

    /** VOLATILE, CONST, RESTRICT or TYPE_TAG (whose name is the tag) in front of {@code type}. */
    record Qualifier(int id, String name, BtfKind kind, int type) implements BtfType {
    }

    /** A function; {@code type} is its FUNC_PROTO, {@code linkage} 0 static, 1 global, 2 extern. */
    record Func(int id, String name, int type, int linkage) implements BtfType {
        public BtfKind kind() {
            return BtfKind.FUNC;
        }
    }

    record Param(String name, int type) {
    }

    record FuncProto(int id, int returnType, List<Param> params) implements BtfType {
        public FuncProto {
            params = List.copyOf(params);
        }

        public String name() {
            return "";
        }

        public BtfKind kind() {
            return BtfKind.FUNC_PROTO;
        }
    }

    record Var(int id, String name, int type, int linkage) implements BtfType {
        /** {@code linkage} values (BTF_VAR_*): a static variable, and an extern one (no storage here). */
        public static final int STATIC = 0;
        public static final int GLOBAL_EXTERN = 2;

        public BtfKind kind() {
            return BtfKind.VAR;
        }
    }

    /** A variable placed in a data section: VAR id, byte offset and size. */
    record SectionVar(int type, int offset, int size) {
    }

    record Datasec(int id, String name, int size, List<SectionVar> vars) implements BtfType {
        public Datasec {
            vars = List.copyOf(vars);
        }

        public BtfKind kind() {
            return BtfKind.DATASEC;
        }
    }

    record Float(int id, String name, int size) implements BtfType {
        public BtfKind kind() {
            return BtfKind.FLOAT;
        }
    }

    /** A tag on {@code type} ({@code component} -1) or on its member/parameter number {@code component}. */
    record DeclTag(int id, String name, int type, int component) implements BtfType {
        public BtfKind kind() {
            return BtfKind.DECL_TAG;
        }
    }
}
