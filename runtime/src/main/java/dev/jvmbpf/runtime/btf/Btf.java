package dev.jvmbpf.runtime.btf;

import dev.jvmbpf.runtime.exec.InputFiles;
import dev.jvmbpf.runtime.elf.internal.Window;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Parsed BTF type information: the {@code .BTF} section of an object file or a kernel's
 * {@code /sys/kernel/btf/vmlinux}. Every type id a type refers to is checked at parse time, so
 * lookups never fail on a dangling id; cycles (a malformed typedef loop) are caught when resolving.
 */
public final class Btf {
    public static final int MAGIC = 0xeb9f;
    private static final int HEADER_MIN = 24;
    /** Chains of typedefs and qualifiers longer than this are treated as loops. */
    private static final int MAX_RESOLVE_DEPTH = 32;

    private final String where;
    private final List<BtfType> types;
    private final Window strings;
    private Map<String, List<BtfType>> byName;

    private Btf(String where, List<BtfType> types, Window strings) {
        this.where = where;
        this.types = types;
        this.strings = strings;
    }

    /** Parses raw BTF; {@code where} names the data in errors (for example {@code "prog.o .BTF"}). */
    public static Btf parse(byte[] data, String where) {
        Window all = new Window(data, 0, data.length, (off, why) -> new BtfException(where + " offset " + off + ": " + why));
        if (data.length < HEADER_MIN) {
            throw all.fail(0, "truncated BTF header (" + data.length + " bytes)");
        }
        int magic = all.u16(0);
        if (magic == 0x9feb) {
            throw all.fail(0, "big-endian BTF is not supported");
        }
        if (magic != MAGIC) {
            throw all.fail(0, "bad BTF magic 0x" + Integer.toHexString(magic));
        }
        if (all.u8(2) != 1) {
            throw all.fail(2, "unsupported BTF version " + all.u8(2));
        }
        long headerLength = all.u32(4);
        if (headerLength < HEADER_MIN || headerLength > data.length) {
            throw all.fail(4, "BTF header length " + headerLength + " out of range");
        }
        long typeOff = all.u32(8);
        long typeLen = all.u32(12);
        long strOff = all.u32(16);
        long strLen = all.u32(20);
        Window typeData = all.sub(headerLength + typeOff, typeLen,
                (off, why) -> new BtfException(where + " type section offset " + off + ": " + why));
        Window strData = all.sub(headerLength + strOff, strLen,
                (off, why) -> new BtfException(where + " string section offset " + off + ": " + why));
        if (strLen == 0 || strData.u8(0) != 0) {
            throw all.fail(headerLength + strOff, "BTF string section must start with an empty string");
        }
        List<BtfType> types = new TypeReader(typeData, strData).readAll();
        Btf btf = new Btf(where, Collections.unmodifiableList(types), strData);
        btf.checkReferences();
        return btf;
    }

    /** Parses a BTF file such as {@code /sys/kernel/btf/vmlinux}. */
    public static Btf read(Path path) throws IOException {
        return parse(InputFiles.read(path), path.toString());
    }

    /**
     * A copy in which each of {@code replacements} takes the place of the type with its id. The object
     * loader uses it to give DATASECs the offsets and sizes clang leaves at 0 (as libbpf does).
     */
    public Btf replacing(List<? extends BtfType> replacements) {
        List<BtfType> copy = new ArrayList<>(types);
        for (BtfType t : replacements) {
            if (t.kind() != type(t.id()).kind()) {
                throw new IllegalArgumentException("type " + t.id() + " is a " + type(t.id()).kind() + ", not a " + t.kind());
            }
            copy.set(t.id(), t);
        }
        Btf btf = new Btf(where, Collections.unmodifiableList(copy), strings);
        btf.checkReferences();
        return btf;
    }

    /** All types by id; index 0 is {@code void}. */
    public List<BtfType> types() {
        return types;
    }

    public int size() {
        return types.size();
    }

    public BtfType type(int id) {
        if (id < 0 || id >= types.size()) {
            throw new BtfException(where + ": no type with id " + id + " (" + types.size() + " types)");
        }
        return types.get(id);
    }

    /** The string at {@code offset} of the string section. */
    public String string(long offset) {
        return strings.cString(offset);
    }

    /** Skips typedefs, qualifiers and type tags; returns the type underneath. */
    public BtfType resolve(int id) {
        BtfType t = type(id);
        for (int depth = 0; depth < MAX_RESOLVE_DEPTH; depth++) {
            switch (t) {
                case BtfType.Typedef td -> t = type(td.type());
                case BtfType.Qualifier q -> t = type(q.type());
                default -> {
                    return t;
                }
            }
        }
        throw new BtfException(where + ": type " + id + " resolves through more than " + MAX_RESOLVE_DEPTH
                + " typedefs or qualifiers (a loop?)");
    }

    /**
     * Whether an array of element type {@code elementType} is text: plain {@code char} (or a
     * CHAR-encoded int), reached through qualifiers only. As bpftool, typedefs are not followed,
     * so {@code __u8 mac[6]} or {@code u8 addr[16]} are numbers: as a string their bytes would
     * vanish after the first zero. {@code unsigned char} arrays are bytes too.
     */
    public boolean isTextElement(int elementType) {
        BtfType t = type(elementType);
        for (int depth = 0; t instanceof BtfType.Qualifier q && depth < MAX_RESOLVE_DEPTH; depth++) {
            t = type(q.type());
        }
        return t instanceof BtfType.Int i && i.size() == 1
                && ((i.encoding() & BtfType.Int.CHAR) != 0 || i.name().equals("char"));
    }

    /** The size in bytes of a value of type {@code id}. */
    public long sizeOf(int id) {
        return sizeOf(id, 0);
    }

    private long sizeOf(int id, int depth) {
        if (depth > MAX_RESOLVE_DEPTH) {
            throw new BtfException(where + ": type " + id + " nests too deeply to have a size (a loop?)");
        }
        BtfType t = type(id);
        return switch (t) {
            case BtfType.Int i -> i.size();
            case BtfType.Ptr p -> 8;
            case BtfType.Array a -> {
                long element = sizeOf(a.elementType(), depth + 1);
                if (element != 0 && a.length() > Long.MAX_VALUE / 2 / element) {
                    throw new BtfException(where + ": array type " + id + " is too large");
                }
                yield a.length() * element;
            }
            case BtfType.Composite c -> c.size();
            case BtfType.Enum e -> e.size();
            case BtfType.Float f -> f.size();
            case BtfType.Datasec d -> d.size();
            case BtfType.Typedef td -> sizeOf(td.type(), depth + 1);
            case BtfType.Qualifier q -> sizeOf(q.type(), depth + 1);
            case BtfType.Var v -> sizeOf(v.type(), depth + 1);
            case BtfType.Void v -> throw new BtfException(where + ": void has no size");
            case BtfType.Fwd f -> throw new BtfException(where + ": " + describe(id) + " is only declared, it has no size");
            case BtfType.Func f -> throw new BtfException(where + ": function " + f.name() + " has no size");
            case BtfType.FuncProto f -> throw new BtfException(where + ": a function prototype has no size");
            case BtfType.DeclTag d -> throw new BtfException(where + ": a declaration tag has no size");
        };
    }

    /** Types with this name, in id order (empty when none). */
    public List<BtfType> findByName(String name) {
        if (byName == null) {
            Map<String, List<BtfType>> index = new HashMap<>();
            for (BtfType t : types) {
                if (!t.name().isEmpty()) {
                    index.computeIfAbsent(t.name(), k -> new ArrayList<>(1)).add(t);
                }
            }
            byName = index;
        }
        return byName.getOrDefault(name, List.of());
    }

    /** The first type of this kind and name, or null. */
    public BtfType find(BtfKind kind, String name) {
        for (BtfType t : findByName(name)) {
            if (t.kind() == kind) {
                return t;
            }
        }
        return null;
    }

    /** The struct with this name, or null. */
    public BtfType.Composite struct(String name) {
        return (BtfType.Composite) find(BtfKind.STRUCT, name);
    }

    /**
     * The struct the first parameter of function {@code function} points to: the layout of a
     * program's context ({@code int prog(struct xdp_md *ctx)}). Null when the function is unknown,
     * has no parameter, or the parameter is no pointer to a struct or union.
     */
    public BtfType.Composite contextType(String function) {
        if (!(find(BtfKind.FUNC, function) instanceof BtfType.Func f)
                || !(resolve(f.type()) instanceof BtfType.FuncProto proto) || proto.params().isEmpty()) {
            return null;
        }
        if (resolve(proto.params().getFirst().type()) instanceof BtfType.Ptr p
                && resolve(p.type()) instanceof BtfType.Composite c) {
            return c;
        }
        return null;
    }

    /** Where a field lies inside its outermost struct: bit offset, bit size (0 unless a bitfield), type id. */
    public record Field(long bitOffset, int bitSize, int type) {
        public long byteOffset() {
            return bitOffset / 8;
        }
    }

    /**
     * Locates {@code path} inside type {@code id}: member names joined by dots, each optionally
     * indexed ({@code args[1]}, {@code hdr.saddr}). Members of anonymous structs and unions are
     * found as if they were direct members, as in C. Lets contexts be laid out by field name.
     */
    public Field field(int id, String path) {
        long bit = 0;
        int bitSize = 0;
        int type = id;
        for (String part : path.split("\\.", -1)) {
            String name = part;
            List<Integer> indexes = new ArrayList<>();
            int bracket = part.indexOf('[');
            if (bracket >= 0) {
                name = part.substring(0, bracket);
                for (String idx : part.substring(bracket + 1).split("\\]\\[?", -1)) {
                    if (idx.isEmpty()) {
                        continue;
                    }
                    try {
                        indexes.add(Integer.parseInt(idx));
                    } catch (NumberFormatException e) {
                        throw new BtfException(where + ": bad index '" + idx + "' in field path " + path);
                    }
                }
            }
            if (!(resolve(type) instanceof BtfType.Composite c)) {
                throw new BtfException(where + ": " + describe(type) + " has no member '" + name + "' (path " + path + ")");
            }
            Field f = member(c, name, 0);
            if (f == null) {
                throw new BtfException(where + ": " + describe(c.id()) + " has no member '" + name + "'");
            }
            bit += f.bitOffset();
            bitSize = f.bitSize();
            type = f.type();
            for (int index : indexes) {
                if (!(resolve(type) instanceof BtfType.Array a) || index < 0 || index >= a.length()) {
                    throw new BtfException(where + ": index " + index + " is outside " + describe(type) + " (path "
                            + path + ")");
                }
                bit += index * sizeOf(a.elementType()) * 8;
                type = a.elementType();
            }
        }
        return new Field(bit, bitSize, type);
    }

    private Field member(BtfType.Composite c, String name, int depth) {
        if (depth > MAX_RESOLVE_DEPTH) {
            return null;
        }
        for (BtfType.Member m : c.members()) {
            if (m.name().equals(name)) {
                return new Field(m.bitOffset(), m.bitSize(), m.type());
            }
            if (m.name().isEmpty() && resolve(m.type()) instanceof BtfType.Composite inner) {
                Field f = member(inner, name, depth + 1);
                if (f != null) {
                    return new Field(m.bitOffset() + f.bitOffset(), f.bitSize(), f.type());
                }
            }
        }
        return null;
    }

    /** A C-like spelling of type {@code id}: {@code struct event}, {@code __u32}, {@code char[16]}, {@code int *}. */
    public String describe(int id) {
        return describe(id, 0);
    }

    private String describe(int id, int depth) {
        if (depth > MAX_RESOLVE_DEPTH) {
            return "...";
        }
        BtfType t = type(id);
        return switch (t) {
            case BtfType.Void v -> "void";
            case BtfType.Ptr p -> describe(p.type(), depth + 1) + " *";
            case BtfType.Array a -> describe(a.elementType(), depth + 1) + "[" + a.length() + "]";
            case BtfType.Composite c -> (c.union() ? "union " : "struct ") + orAnon(c.name());
            case BtfType.Enum e -> "enum " + orAnon(e.name());
            case BtfType.Fwd f -> (f.union() ? "union " : "struct ") + f.name();
            case BtfType.Qualifier q -> q.kind() == BtfKind.TYPE_TAG ? describe(q.type(), depth + 1)
                    : q.kind().name().toLowerCase(java.util.Locale.ROOT) + " " + describe(q.type(), depth + 1);
            case BtfType.FuncProto p -> describe(p.returnType(), depth + 1) + " (*)(...)";
            case BtfType.Func f -> f.name() + "()";
            default -> t.name();
        };
    }

    private static String orAnon(String name) {
        return name.isEmpty() ? "<anon>" : name;
    }

    private void checkReferences() {
        int count = types.size();
        for (BtfType t : types) {
            switch (t) {
                case BtfType.Ptr p -> checkRef(t, p.type(), count);
                case BtfType.Array a -> {
                    checkRef(t, a.elementType(), count);
                    checkRef(t, a.indexType(), count);
                }
                case BtfType.Composite c -> {
                    for (BtfType.Member m : c.members()) {
                        checkRef(t, m.type(), count);
                    }
                }
                case BtfType.Typedef td -> checkRef(t, td.type(), count);
                case BtfType.Qualifier q -> checkRef(t, q.type(), count);
                case BtfType.Func f -> checkRef(t, f.type(), count);
                case BtfType.FuncProto p -> {
                    checkRef(t, p.returnType(), count);
                    for (BtfType.Param param : p.params()) {
                        checkRef(t, param.type(), count);
                    }
                }
                case BtfType.Var v -> checkRef(t, v.type(), count);
                case BtfType.Datasec d -> {
                    for (BtfType.SectionVar v : d.vars()) {
                        checkRef(t, v.type(), count);
                    }
                }
                case BtfType.DeclTag d -> checkRef(t, d.type(), count);
                default -> {
                }
            }
        }
    }

    private void checkRef(BtfType from, int to, int count) {
        if (to < 0 || to >= count) {
            throw new BtfException(where + ": " + from.kind() + " type " + from.id() + " '" + from.name()
                    + "' refers to type " + Integer.toUnsignedString(to) + " but there are only " + count + " types");
        }
    }

    /** Decodes the type section record by record. */
    private static final class TypeReader {
        private final Window data;
        private final Window strings;

        TypeReader(Window data, Window strings) {
            this.data = data;
            this.strings = strings;
        }

        List<BtfType> readAll() {
            List<BtfType> out = new ArrayList<>();
            out.add(new BtfType.Void());
            long at = 0;
            while (at < data.length()) {
                int id = out.size();
                long nameOff = data.u32(at);
                int info = data.s32(at + 4);
                int sizeOrType = data.s32(at + 8);
                int vlen = info & 0xffff;
                int kindId = (info >>> 24) & 0x1f;
                boolean kindFlag = info < 0;
                BtfKind kind = BtfKind.ofId(kindId);
                if (kind == null || kind == BtfKind.VOID) {
                    throw data.fail(at, "type " + id + " has unknown kind " + kindId);
                }
                String name = name(nameOff, at);
                long body = at + 12;
                BtfType t;
                switch (kind) {
                    case INT -> {
                        int enc = data.s32(body);
                        int bits = enc & 0xff;
                        int offset = (enc >>> 16) & 0xff;
                        if (sizeOrType <= 0 || sizeOrType > 16 || bits > 128 || offset + bits > sizeOrType * 8L) {
                            throw data.fail(at, "INT type " + id + " '" + name + "' has size " + sizeOrType
                                    + " with " + bits + " bits at offset " + offset);
                        }
                        t = new BtfType.Int(id, name, sizeOrType, (enc >>> 24) & 0x0f, offset, bits);
                        body += 4;
                    }
                    case PTR -> t = new BtfType.Ptr(id, sizeOrType);
                    case ARRAY -> {
                        // nelems is a u32: __uint(max_entries, 1u << 31) and more are valid counts
                        t = new BtfType.Array(id, data.s32(body), data.s32(body + 4), data.u32(body + 8));
                        body += 12;
                    }
                    case STRUCT, UNION -> {
                        List<BtfType.Member> members = new ArrayList<>(vlen);
                        for (int i = 0; i < vlen; i++, body += 12) {
                            String memberName = name(data.u32(body), body);
                            int type = data.s32(body + 4);
                            long offset = data.u32(body + 8);
                            int bitSize = 0;
                            if (kindFlag) {
                                bitSize = (int) (offset >>> 24);
                                offset &= 0xffffff;
                            }
                            members.add(new BtfType.Member(memberName, type, offset, bitSize));
                        }
                        t = new BtfType.Composite(id, name, kind == BtfKind.UNION, checkedSize(sizeOrType, at, id), members);
                    }
                    case ENUM, ENUM64 -> {
                        boolean wide = kind == BtfKind.ENUM64;
                        List<BtfType.EnumValue> values = new ArrayList<>(vlen);
                        for (int i = 0; i < vlen; i++) {
                            String valueName = name(data.u32(body), body);
                            long v;
                            if (wide) {
                                v = data.u32(body + 4) | (data.u32(body + 8) << 32);
                                body += 12;
                            } else {
                                v = kindFlag ? data.s32(body + 4) : data.u32(body + 4);
                                body += 8;
                            }
                            values.add(new BtfType.EnumValue(valueName, v));
                        }
                        t = new BtfType.Enum(id, name, wide, kindFlag, checkedSize(sizeOrType, at, id), values);
                    }
                    case FWD -> t = new BtfType.Fwd(id, name, kindFlag);
                    case TYPEDEF -> t = new BtfType.Typedef(id, name, sizeOrType);
                    case VOLATILE, CONST, RESTRICT, TYPE_TAG -> t = new BtfType.Qualifier(id, name, kind, sizeOrType);
                    case FUNC -> t = new BtfType.Func(id, name, sizeOrType, vlen);
                    case FUNC_PROTO -> {
                        List<BtfType.Param> params = new ArrayList<>(vlen);
                        for (int i = 0; i < vlen; i++, body += 8) {
                            params.add(new BtfType.Param(name(data.u32(body), body), data.s32(body + 4)));
                        }
                        t = new BtfType.FuncProto(id, sizeOrType, params);
                    }
                    case VAR -> {
                        t = new BtfType.Var(id, name, sizeOrType, data.s32(body));
                        body += 4;
                    }
                    case DATASEC -> {
                        List<BtfType.SectionVar> vars = new ArrayList<>(vlen);
                        for (int i = 0; i < vlen; i++, body += 12) {
                            vars.add(new BtfType.SectionVar(data.s32(body), data.s32(body + 4), data.s32(body + 8)));
                        }
                        t = new BtfType.Datasec(id, name, sizeOrType, vars);
                    }
                    case FLOAT -> t = new BtfType.Float(id, name, checkedSize(sizeOrType, at, id));
                    case DECL_TAG -> {
                        t = new BtfType.DeclTag(id, name, sizeOrType, data.s32(body));
                        body += 4;
                    }
                    default -> throw data.fail(at, "type " + id + " has unsupported kind " + kind);
                }
                data.check(at, body - at);
                out.add(t);
                at = body;
            }
            return out;
        }

        private int checkedSize(int size, long at, int id) {
            if (size < 0) {
                throw data.fail(at, "type " + id + " has negative size " + size);
            }
            return size;
        }

        private String name(long offset, long at) {
            if (offset == 0) {
                return "";
            }
            if (offset >= strings.length()) {
                throw data.fail(at, "name offset " + offset + " outside the string section (" + strings.length()
                        + " bytes)");
            }
            return strings.cString(offset);
        }
    }
}
