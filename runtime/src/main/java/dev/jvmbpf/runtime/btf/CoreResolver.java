package dev.jvmbpf.runtime.btf;

import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.isa.Opcodes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Resolves CO-RE relocations of one object ({@code local}, its BTF) against a target BTF, with
 * libbpf's rules ({@code tools/lib/bpf/relo_core.c}): candidates are the target types of a
 * compatible kind whose essential name (the name up to a {@code ___flavor} suffix) is the local
 * type's; a field access is matched member by member by name, through anonymous structs and
 * unions and array indexes; every candidate that matches must give the same value, else the
 * relocation is ambiguous. A relocation no candidate satisfies resolves to 0 for the existence
 * kinds and the type kinds, and poisons its instruction for the others (field offset, size,
 * shifts, signedness, enum value). With no target ({@code target} null) each relocation is
 * resolved against its own local type only: every value is what clang compiled.
 *
 * <p>Candidates are cached per local type and narrowed to those that matched, as libbpf does, so
 * one resolver serves one object.
 */
public final class CoreResolver {
    /** libbpf's {@code BPF_CORE_SPEC_MAX_LEN}: the deepest access it follows. */
    private static final int MAX_SPEC_LEN = 64;
    private static final int MAX_DEPTH = 32;

    private final Btf local;
    private final Btf target;
    private final Map<Integer, List<Integer>> candidates = new HashMap<>();
    /** Target types by essential name, per target BTF (a kernel's is shared by every object loaded). */
    private static final Map<Btf, Map<String, List<BtfType>>> BY_ESSENTIAL_NAME =
            java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    /** Resolves against {@code target}; null resolves every relocation to what clang compiled. */
    public CoreResolver(Btf local, Btf target) {
        this.local = local;
        this.target = target;
    }

    /**
     * What a relocation resolved to: the value clang compiled ({@code origValue}) and the value
     * for the target ({@code newValue}); whether the compiled value is checked against the
     * instruction ({@code validate}); for field offsets, the field's size before and after (0 when
     * not a plain field) and whether a load or store of it may not be resized ({@code
     * failMemSizeAdjust}); {@code poison} when the instruction is to be replaced by the poison
     * call; {@code spec}, the access as matched, for messages ({@code struct task_struct.pid
     * (0:3 @ offset 16)}).
     */
    public record Result(long origValue, long newValue, boolean validate, boolean poison, int origSize, int newSize,
            int origTypeId, int newTypeId, boolean failMemSizeAdjust, String spec) {
    }

    /** One level of a matched access: a named member, or an array index ({@code name} null). */
    private record Accessor(int typeId, int index, String name) {
    }

    /** An access string as followed through one BTF (libbpf's {@code bpf_core_spec}). */
    private static final class Spec {
        final Btf btf;
        final int rootId;
        final List<Accessor> acc = new ArrayList<>();
        final List<Integer> raw = new ArrayList<>();
        long bitOffset;
        int nextTargetId;

        Spec(Btf btf, int rootId) {
            this.btf = btf;
            this.rootId = rootId;
        }

        Accessor last() {
            return acc.getLast();
        }

        String format(CoreKind kind) {
            StringBuilder sb = new StringBuilder(btf.describe(rootId));
            if (kind.typeBased()) {
                return sb.toString();
            }
            if (kind.enumValueBased()) {
                return acc.isEmpty() ? sb.toString() : sb.append("::").append(acc.getFirst().name()).toString();
            }
            for (int i = 0; i < acc.size(); i++) {
                Accessor a = acc.get(i);
                if (a.name() != null) {
                    sb.append('.').append(a.name());
                } else if (i > 0 || a.index() > 0) {
                    sb.append('[').append(a.index()).append(']');
                }
            }
            sb.append(" (");
            for (int i = 0; i < raw.size(); i++) {
                sb.append(i == 0 ? "" : ":").append(raw.get(i));
            }
            sb.append(" @ offset ").append(bitOffset / 8);
            if (bitOffset % 8 != 0) {
                sb.append('.').append(bitOffset % 8);
            }
            return sb.append(')').toString();
        }
    }

    /** Resolves {@code relo}; a {@link BtfException} when libbpf would refuse the object over it. */
    public Result resolve(CoreRelo relo) {
        CoreKind kind = relo.kind();
        if (kind == null) {
            throw new BtfException("unknown CO-RE relocation kind " + relo.kindId());
        }
        BtfType localType = local.type(relo.typeId());
        Spec localSpec = parseSpec(relo, kind);
        if (kind == CoreKind.TYPE_ID_LOCAL) {
            return new Result(relo.typeId(), relo.typeId(), false, false, 0, 0, 0, 0, false,
                    localSpec.format(kind));
        }
        String localName = nameOf(localType);
        if (localName.isEmpty()) {
            throw new BtfException(kind + " relocation of an anonymous type (" + local.describe(relo.typeId())
                    + ") is not supported, as in libbpf");
        }
        List<Integer> cands = candidates.computeIfAbsent(relo.typeId(), id -> findCandidates(localType));
        Result chosen = null;
        Spec chosenSpec = null;
        List<Integer> matching = new ArrayList<>();
        for (int cand : cands) {
            Spec candSpec = new Spec(targetBtf(), cand);
            if (!match(localSpec, cand, candSpec, kind)) {
                continue;
            }
            Result r = calc(relo, kind, localSpec, candSpec);
            if (chosen == null) {
                chosen = r;
                chosenSpec = candSpec;
            } else if (candSpec.bitOffset != chosenSpec.bitOffset) {
                throw new BtfException("field offset ambiguity: " + candSpec.format(kind) + " and "
                        + chosenSpec.format(kind) + " both match");
            } else if (r.poison() != chosen.poison() || r.newValue() != chosen.newValue()) {
                throw new BtfException("relocation decision ambiguity: " + candSpec.format(kind) + " gives "
                        + (r.poison() ? "failure" : r.newValue()) + ", " + chosenSpec.format(kind) + " gives "
                        + (chosen.poison() ? "failure" : chosen.newValue()));
            }
            matching.add(cand);
        }
        if (!matching.isEmpty()) {
            candidates.put(relo.typeId(), matching);
            return chosen;
        }
        return calc(relo, kind, localSpec, null);
    }

    private Btf targetBtf() {
        return target == null ? local : target;
    }

    /** A relocation's access as the local BTF follows it, for messages; the raw string when it does not parse. */
    public String describe(CoreRelo relo) {
        try {
            CoreKind kind = relo.kind();
            return kind == null ? local.describe(relo.typeId()) + " " + relo.access() : parseSpec(relo, kind).format(kind);
        } catch (BtfException e) {
            return local.describe(relo.typeId()) + " " + relo.access();
        }
    }

    // ------------------------------------------------------------------ candidates

    private List<Integer> findCandidates(BtfType localType) {
        List<Integer> out = new ArrayList<>();
        if (target == null) {
            out.add(localType.id());
            return out;
        }
        String essential = essentialName(nameOf(localType));
        Map<String, List<BtfType>> byName = BY_ESSENTIAL_NAME.computeIfAbsent(target, CoreResolver::essentialNames);
        for (BtfType t : byName.getOrDefault(essential, List.of())) {
            if (kindCompatible(t, localType)) {
                out.add(t.id());
            }
        }
        return out;
    }

    private static Map<String, List<BtfType>> essentialNames(Btf btf) {
        Map<String, List<BtfType>> index = new HashMap<>();
        for (BtfType t : btf.types()) {
            if (t.id() != 0 && !t.name().isEmpty()) {
                index.computeIfAbsent(essentialName(t.name()), k -> new ArrayList<>(1)).add(t);
            }
        }
        return index;
    }

    /** The name up to its last {@code ___} flavor separator ({@code task_struct___old} is {@code task_struct}). */
    public static String essentialName(String name) {
        for (int i = name.length() - 5; i >= 0; i--) {
            if (name.charAt(i) != '_' && name.charAt(i + 1) == '_' && name.charAt(i + 2) == '_'
                    && name.charAt(i + 3) == '_' && name.charAt(i + 4) != '_') {
                return name.substring(0, i + 1);
            }
        }
        return name;
    }

    private static String nameOf(BtfType t) {
        return t.id() == 0 ? "" : t.name();
    }

    private static boolean isEnum(BtfType t) {
        return t instanceof BtfType.Enum;
    }

    private static boolean kindCompatible(BtfType a, BtfType b) {
        return a.kind() == b.kind() || (isEnum(a) && isEnum(b));
    }

    // ------------------------------------------------------------------ local spec

    private Spec parseSpec(CoreRelo relo, CoreKind kind) {
        String access = relo.access();
        String where = "access string '" + access + "' of " + local.describe(relo.typeId());
        if (access.isEmpty() || access.charAt(0) == ':') {
            throw new BtfException("bad " + where);
        }
        Spec spec = new Spec(local, relo.typeId());
        if (kind.typeBased()) {
            if (!access.equals("0")) {
                throw new BtfException("bad " + where + " (a type relocation's is 0)");
            }
            return spec;
        }
        for (String part : access.split(":", -1)) {
            int idx;
            try {
                idx = Integer.parseInt(part);
            } catch (NumberFormatException e) {
                throw new BtfException("bad " + where);
            }
            if (idx < 0) {
                throw new BtfException("bad " + where);
            }
            if (spec.raw.size() == MAX_SPEC_LEN) {
                throw new BtfException(where + " is longer than " + MAX_SPEC_LEN);
            }
            spec.raw.add(idx);
        }
        BtfType t = local.resolve(relo.typeId());
        int id = t.id();
        int first = spec.raw.getFirst();
        if (kind.enumValueBased()) {
            if (!(t instanceof BtfType.Enum e) || spec.raw.size() > 1 || first >= e.values().size()) {
                throw new BtfException("bad " + where + " for an enum value relocation");
            }
            spec.acc.add(new Accessor(id, first, e.values().get(first).name()));
            return spec;
        }
        spec.acc.add(new Accessor(id, first, null));
        spec.bitOffset = (long) first * local.sizeOf(id) * 8;
        for (int i = 1; i < spec.raw.size(); i++) {
            t = local.resolve(id);
            id = t.id();
            int idx = spec.raw.get(i);
            if (t instanceof BtfType.Composite c) {
                if (idx >= c.members().size()) {
                    throw new BtfException("bad " + where + ": " + local.describe(id) + " has no member #" + idx);
                }
                BtfType.Member m = c.members().get(idx);
                spec.bitOffset += m.bitOffset();
                if (!m.name().isEmpty()) {
                    spec.acc.add(new Accessor(id, idx, m.name()));
                }
                id = m.type();
            } else if (t instanceof BtfType.Array a) {
                BtfType element = local.resolve(a.elementType());
                boolean flex = isFlexibleArray(local, spec.last(), a);
                if (!flex && idx >= a.length()) {
                    throw new BtfException("bad " + where + ": index " + idx + " is outside " + local.describe(a.id()));
                }
                id = element.id();
                spec.acc.add(new Accessor(id, idx, null));
                spec.bitOffset += (long) idx * local.sizeOf(id) * 8;
            } else {
                throw new BtfException("bad " + where + ": step " + i + " reaches " + local.describe(id)
                        + ", neither a struct, a union nor an array");
            }
        }
        return spec;
    }

    /** An array of no elements that is the last member of the struct the access went through. */
    private static boolean isFlexibleArray(Btf btf, Accessor enclosing, BtfType.Array a) {
        if (enclosing.name() == null || a.length() > 0) {
            return false;
        }
        return btf.type(enclosing.typeId()) instanceof BtfType.Composite c && enclosing.index() == c.members().size() - 1;
    }

    // ------------------------------------------------------------------ matching

    private boolean match(Spec localSpec, int targetId, Spec t, CoreKind kind) {
        Btf tb = t.btf;
        if (kind.typeBased()) {
            return kind == CoreKind.TYPE_MATCHES ? typesMatch(localSpec.rootId, targetId, false, MAX_DEPTH)
                    : typesCompatible(localSpec.rootId, targetId, MAX_DEPTH);
        }
        if (kind.enumValueBased()) {
            if (!(tb.resolve(targetId) instanceof BtfType.Enum e)) {
                return false;
            }
            String want = essentialName(localSpec.acc.getFirst().name());
            for (int i = 0; i < e.values().size(); i++) {
                if (essentialName(e.values().get(i).name()).equals(want)) {
                    t.acc.add(new Accessor(e.id(), i, e.values().get(i).name()));
                    t.raw.add(i);
                    return true;
                }
            }
            return false;
        }
        int id = targetId;
        for (int i = 0; i < localSpec.acc.size(); i++) {
            Accessor la = localSpec.acc.get(i);
            BtfType tt = tb.resolve(id);
            id = tt.id();
            if (la.name() != null) {
                int found = matchMember(la, id, t, 0);
                if (found <= 0) {
                    return false;
                }
                id = t.nextTargetId;
            } else {
                if (i > 0) {
                    if (!(tt instanceof BtfType.Array a)) {
                        return false;
                    }
                    boolean flex = isFlexibleArray(tb, t.acc.get(i - 1), a);
                    if (!flex && la.index() >= a.length()) {
                        return false;
                    }
                    id = tb.resolve(a.elementType()).id();
                }
                if (t.raw.size() == MAX_SPEC_LEN) {
                    throw new BtfException("access to " + tb.describe(targetId) + " nests more than " + MAX_SPEC_LEN
                            + " levels deep");
                }
                t.acc.add(new Accessor(id, la.index(), null));
                t.raw.add(la.index());
                t.bitOffset += (long) la.index() * tb.sizeOf(id) * 8;
            }
        }
        return true;
    }

    /** Finds the local member {@code la} names in target composite {@code targetId}: 1 found, 0 not. */
    private int matchMember(Accessor la, int targetId, Spec t, int depth) {
        Btf tb = t.btf;
        if (depth > MAX_DEPTH) {
            throw new BtfException(tb.describe(targetId) + " nests anonymous members too deeply");
        }
        BtfType tt = tb.resolve(targetId);
        if (!(tt instanceof BtfType.Composite c)) {
            return 0;
        }
        BtfType.Member localMember = ((BtfType.Composite) local.type(la.typeId())).members().get(la.index());
        for (int i = 0; i < c.members().size(); i++) {
            BtfType.Member m = c.members().get(i);
            if (t.raw.size() == MAX_SPEC_LEN) {
                throw new BtfException("access to " + tb.describe(targetId) + " nests more than " + MAX_SPEC_LEN
                        + " levels deep");
            }
            t.bitOffset += m.bitOffset();
            t.raw.add(i);
            if (m.name().isEmpty()) {
                int found = matchMember(la, m.type(), t, depth + 1);
                if (found != 0) {
                    return found;
                }
            } else if (m.name().equals(localMember.name())) {
                t.acc.add(new Accessor(c.id(), i, m.name()));
                t.nextTargetId = m.type();
                if (!fieldsCompatible(localMember.type(), m.type())) {
                    t.acc.removeLast();
                    return 0;
                }
                return 1;
            }
            t.bitOffset -= m.bitOffset();
            t.raw.removeLast();
        }
        return 0;
    }

    /** libbpf's field compatibility: composites with composites, pointers, floats, same-name enums, ints. */
    private boolean fieldsCompatible(int localId, int targetId) {
        Btf tb = targetBtf();
        for (int depth = 0; depth < MAX_DEPTH; depth++) {
            BtfType l = local.resolve(localId);
            BtfType t = tb.resolve(targetId);
            if (l instanceof BtfType.Composite && t instanceof BtfType.Composite) {
                return true;
            }
            if (!kindCompatible(l, t)) {
                return false;
            }
            switch (l) {
                case BtfType.Ptr p -> {
                    return true;
                }
                case BtfType.Float f -> {
                    return true;
                }
                case BtfType.Fwd f -> {
                    return namesCompatible(l, t);
                }
                case BtfType.Enum e -> {
                    return namesCompatible(l, t);
                }
                case BtfType.Int i -> {
                    return i.bitOffset() == 0 && ((BtfType.Int) t).bitOffset() == 0;
                }
                case BtfType.Array a -> {
                    localId = a.elementType();
                    targetId = ((BtfType.Array) t).elementType();
                }
                default -> {
                    return false;
                }
            }
        }
        throw new BtfException(local.describe(localId) + " nests arrays too deeply");
    }

    /** One anonymous, or both with the same essential name. */
    private static boolean namesCompatible(BtfType l, BtfType t) {
        String a = essentialName(nameOf(l));
        String b = essentialName(nameOf(t));
        return a.isEmpty() || b.isEmpty() || a.equals(b);
    }

    /** libbpf's {@code bpf_core_types_are_compat}: for TYPE_ID_TARGET, TYPE_EXISTS and TYPE_SIZE. */
    private boolean typesCompatible(int localId, int targetId, int level) {
        Btf tb = targetBtf();
        if (!kindCompatible(local.type(localId), tb.type(targetId))) {
            return false;
        }
        for (int depth = 0; depth < MAX_DEPTH; depth++) {
            BtfType l = local.resolve(localId);
            BtfType t = tb.resolve(targetId);
            if (!kindCompatible(l, t)) {
                return false;
            }
            switch (l) {
                case BtfType.Void v -> {
                    return true;
                }
                case BtfType.Composite c -> {
                    return true;
                }
                case BtfType.Enum e -> {
                    return true;
                }
                case BtfType.Fwd f -> {
                    return true;
                }
                case BtfType.Int i -> {
                    return i.bitOffset() == 0 && ((BtfType.Int) t).bitOffset() == 0;
                }
                case BtfType.Ptr p -> {
                    localId = p.type();
                    targetId = ((BtfType.Ptr) t).type();
                }
                case BtfType.Array a -> {
                    localId = a.elementType();
                    targetId = ((BtfType.Array) t).elementType();
                }
                case BtfType.FuncProto lp -> {
                    BtfType.FuncProto tp = (BtfType.FuncProto) t;
                    if (lp.params().size() != tp.params().size()) {
                        return false;
                    }
                    for (int i = 0; i < lp.params().size(); i++) {
                        if (level <= 0) {
                            throw new BtfException("function prototypes nest too deeply");
                        }
                        if (!typesCompatible(local.resolve(lp.params().get(i).type()).id(),
                                tb.resolve(tp.params().get(i).type()).id(), level - 1)) {
                            return false;
                        }
                    }
                    localId = lp.returnType();
                    targetId = tp.returnType();
                }
                default -> {
                    return false;
                }
            }
        }
        throw new BtfException(local.describe(localId) + " nests too deeply to compare");
    }

    /** Names equal up to flavors; an anonymous target matches only an anonymous local type. */
    private static boolean namesMatch(String localName, String targetName) {
        if (targetName.isEmpty()) {
            return localName.isEmpty();
        }
        return essentialName(localName).equals(essentialName(targetName));
    }

    /** libbpf's {@code bpf_core_types_match}: for TYPE_MATCHES. */
    private boolean typesMatch(int localId, int targetId, boolean behindPointer, int level) {
        if (level <= 0) {
            throw new BtfException("types nest too deeply to match");
        }
        Btf tb = targetBtf();
        for (int depth = 0; depth < MAX_DEPTH; depth++) {
            BtfType l = local.resolve(localId);
            BtfType t = tb.resolve(targetId);
            if (!namesMatch(nameOf(l), nameOf(t))) {
                return false;
            }
            switch (l) {
                case BtfType.Void v -> {
                    return t.id() == 0;
                }
                case BtfType.Fwd lf -> {
                    if (behindPointer) {
                        if (t instanceof BtfType.Fwd tf) {
                            return lf.union() == tf.union();
                        }
                        return t instanceof BtfType.Composite c && c.union() == lf.union();
                    }
                    return t instanceof BtfType.Fwd tf && lf.union() == tf.union();
                }
                case BtfType.Enum le -> {
                    return t instanceof BtfType.Enum te && enumsMatch(le, te);
                }
                case BtfType.Composite lc -> {
                    if (behindPointer) {
                        if (t.kind() == l.kind()) {
                            return true;
                        }
                        return t instanceof BtfType.Fwd tf && tf.union() == lc.union();
                    }
                    return t.kind() == l.kind() && compositesMatch(lc, (BtfType.Composite) t, behindPointer, level);
                }
                case BtfType.Int li -> {
                    return t instanceof BtfType.Int ti && li.size() == ti.size() && li.signed() == ti.signed();
                }
                case BtfType.Ptr lp -> {
                    if (!(t instanceof BtfType.Ptr tp)) {
                        return false;
                    }
                    behindPointer = true;
                    localId = lp.type();
                    targetId = tp.type();
                }
                case BtfType.Array la -> {
                    if (!(t instanceof BtfType.Array ta) || la.length() != ta.length()) {
                        return false;
                    }
                    localId = la.elementType();
                    targetId = ta.elementType();
                }
                case BtfType.FuncProto lp -> {
                    if (!(t instanceof BtfType.FuncProto tp) || lp.params().size() != tp.params().size()) {
                        return false;
                    }
                    for (int i = 0; i < lp.params().size(); i++) {
                        if (!typesMatch(lp.params().get(i).type(), tp.params().get(i).type(), behindPointer, level - 1)) {
                            return false;
                        }
                    }
                    localId = lp.returnType();
                    targetId = tp.returnType();
                }
                default -> {
                    return false;
                }
            }
        }
        throw new BtfException(local.describe(localId) + " nests too deeply to match");
    }

    private static boolean enumsMatch(BtfType.Enum l, BtfType.Enum t) {
        if (l.size() != t.size() || l.values().size() > t.values().size()) {
            return false;
        }
        for (BtfType.EnumValue lv : l.values()) {
            boolean found = false;
            for (BtfType.EnumValue tv : t.values()) {
                if (namesMatch(lv.name(), tv.name())) {
                    found = true;
                    break;
                }
            }
            if (!found) {
                return false;
            }
        }
        return true;
    }

    private boolean compositesMatch(BtfType.Composite l, BtfType.Composite t, boolean behindPointer, int level) {
        if (l.members().size() > t.members().size()) {
            return false;
        }
        for (BtfType.Member lm : l.members()) {
            boolean found = false;
            for (BtfType.Member tm : t.members()) {
                if (namesMatch(lm.name(), tm.name()) && typesMatch(lm.type(), tm.type(), behindPointer, level - 1)) {
                    found = true;
                    break;
                }
            }
            if (!found) {
                return false;
            }
        }
        return true;
    }

    // ------------------------------------------------------------------ values

    /** A field relocation's value through {@code spec} (null: not found), with its field size and type. */
    private record FieldValue(long value, int size, int typeId, boolean validate, boolean poison) {
    }

    private Result calc(CoreRelo relo, CoreKind kind, Spec localSpec, Spec targetSpec) {
        String spec = (targetSpec == null ? localSpec : targetSpec).format(kind);
        if (kind.fieldBased()) {
            FieldValue orig = fieldValue(relo, kind, localSpec);
            FieldValue now = fieldValue(relo, kind, targetSpec);
            boolean poison = orig.poison() || now.poison();
            boolean fail = false;
            if (!poison && orig.size() != now.size()) {
                BtfType o = local.type(orig.typeId());
                BtfType n = targetBtf().type(now.typeId());
                boolean pointers = o instanceof BtfType.Ptr && n instanceof BtfType.Ptr;
                boolean unsignedInts = o instanceof BtfType.Int oi && n instanceof BtfType.Int ni
                        && oi.encoding() != BtfType.Int.SIGNED && ni.encoding() != BtfType.Int.SIGNED;
                fail = !pointers && !unsignedInts;
            }
            return new Result(orig.value(), now.value(), orig.validate(), poison, orig.size(), now.size(),
                    orig.typeId(), now.typeId(), fail, spec);
        }
        if (kind.typeBased()) {
            return new Result(typeValue(kind, localSpec), typeValue(kind, targetSpec), kind != CoreKind.TYPE_ID_TARGET,
                    false, 0, 0, 0, 0, false, spec);
        }
        long orig = enumValue(kind, localSpec);
        if (kind == CoreKind.ENUMVAL_VALUE && targetSpec == null) {
            return new Result(orig, 0, true, true, 0, 0, 0, 0, false, spec);
        }
        return new Result(orig, enumValue(kind, targetSpec), true, false, 0, 0, 0, 0, false, spec);
    }

    private FieldValue fieldValue(CoreRelo relo, CoreKind kind, Spec spec) {
        if (kind == CoreKind.FIELD_EXISTS) {
            return new FieldValue(spec == null ? 0 : 1, 0, 0, true, false);
        }
        if (spec == null) {
            return new FieldValue(0, 0, 0, true, true);
        }
        Btf btf = spec.btf;
        Accessor acc = spec.last();
        if (acc.name() == null) {
            if (kind == CoreKind.FIELD_BYTE_OFFSET) {
                int element = elementId(btf, acc.typeId());
                return new FieldValue(spec.bitOffset / 8, (int) btf.sizeOf(element), acc.typeId(), true, false);
            }
            if (kind == CoreKind.FIELD_BYTE_SIZE) {
                return new FieldValue(btf.sizeOf(acc.typeId()), 0, 0, true, false);
            }
            throw new BtfException(kind + " cannot be applied to an array element (" + spec.format(kind) + ")");
        }
        BtfType.Member m = ((BtfType.Composite) btf.type(acc.typeId())).members().get(acc.index());
        BtfType mt = btf.resolve(m.type());
        long bitOff = spec.bitOffset;
        long bitSize = m.bitSize();
        boolean bitfield = bitSize > 0;
        long byteSize;
        long byteOff;
        if (bitfield) {
            byteSize = btf.sizeOf(mt.id());
            if (byteSize <= 0) {
                throw new BtfException("bitfield " + spec.format(kind) + " has a type of no size");
            }
            byteOff = bitOff / 8 / byteSize * byteSize;
            while (bitOff + bitSize - byteOff * 8 > byteSize * 8) {
                if (byteSize >= 8) {
                    throw new BtfException("bitfield " + spec.format(kind) + " cannot be read with a 64-bit load");
                }
                byteSize *= 2;
                byteOff = bitOff / 8 / byteSize * byteSize;
            }
        } else {
            byteSize = btf.sizeOf(mt.id());
            byteOff = bitOff / 8;
            bitSize = byteSize * 8;
        }
        return switch (kind) {
            case FIELD_BYTE_OFFSET -> bitfield ? new FieldValue(byteOff, 0, 0, false, false)
                    : new FieldValue(byteOff, (int) btf.sizeOf(elementId(btf, mt.id())), mt.id(), true, false);
            case FIELD_BYTE_SIZE -> new FieldValue(byteSize, 0, 0, !bitfield, false);
            case FIELD_SIGNED -> new FieldValue((mt instanceof BtfType.Enum e && e.signed())
                    || (mt instanceof BtfType.Int i && i.signed()) ? 1 : 0, 0, 0, true, false);
            case FIELD_LSHIFT_U64 -> new FieldValue(64 - (bitOff + bitSize - byteOff * 8), 0, 0, !bitfield, false);
            case FIELD_RSHIFT_U64 -> new FieldValue(64 - bitSize, 0, 0, true, false);
            default -> throw new BtfException("unexpected field relocation " + kind);
        };
    }

    /** {@code id} with typedefs and qualifiers skipped, through any arrays down to their element. */
    private static int elementId(Btf btf, int id) {
        BtfType t = btf.resolve(id);
        for (int depth = 0; t instanceof BtfType.Array a && depth < MAX_DEPTH; depth++) {
            t = btf.resolve(a.elementType());
        }
        return t.id();
    }

    private static long typeValue(CoreKind kind, Spec spec) {
        if (spec == null) {
            return 0;
        }
        return switch (kind) {
            case TYPE_ID_TARGET -> spec.rootId;
            case TYPE_EXISTS, TYPE_MATCHES -> 1;
            case TYPE_SIZE -> spec.btf.sizeOf(spec.rootId);
            default -> throw new BtfException("unexpected type relocation " + kind);
        };
    }

    private static long enumValue(CoreKind kind, Spec spec) {
        if (kind == CoreKind.ENUMVAL_EXISTS) {
            return spec == null ? 0 : 1;
        }
        Accessor a = spec.acc.getFirst();
        BtfType.Enum e = (BtfType.Enum) spec.btf.type(a.typeId());
        long v = e.values().get(a.index()).value();
        // libbpf reads a 32-bit enumerator as a signed int widened to 64 bits.
        return e.wide() ? v : (long) (int) v;
    }

    // ------------------------------------------------------------------ patching

    /** libbpf's poisoned instruction: a call of helper {@link Opcodes#HELPER_CORE_POISON}, which no kernel has. */
    public static Instruction poisonInstruction() {
        return Instruction.of(Opcodes.CALL, 0, Opcodes.CALL_HELPER, 0, Opcodes.HELPER_CORE_POISON);
    }

    /**
     * Patches instruction {@code at} of {@code insns} with {@code r}, as libbpf's
     * {@code bpf_core_patch_insn}: an ALU immediate, a load or store offset (and its size, when a
     * plain field of pointer or unsigned integer type changed size), or an {@code lddw} constant;
     * a poisoned result replaces the instruction (both slots of an {@code lddw}) by the poison
     * call, as does a load or store of a field whose size changed in a way a resized access cannot
     * read correctly. Returns whether the instruction was poisoned; a {@link BtfException} when
     * the instruction is not what the relocation expects.
     */
    public static boolean patch(Instruction[] insns, int at, Result r) {
        Instruction insn = insns[at];
        boolean wide = insn.opcode() == Opcodes.LDDW;
        if (r.poison()) {
            return poison(insns, at, wide);
        }
        long orig = r.origValue();
        long now = r.newValue();
        int cls = insn.instructionClass();
        switch (cls) {
            case Opcodes.CLASS_ALU, Opcodes.CLASS_ALU64 -> {
                if (Opcodes.source(insn.opcode()) != Opcodes.SRC_K) {
                    throw new BtfException("instruction " + insn.hex() + " takes no immediate to relocate");
                }
                if (r.validate() && (long) insn.imm() != orig) {
                    throw new BtfException("unexpected ALU immediate " + insn.imm() + " (expected " + orig + ")");
                }
                insns[at] = new Instruction(insn.opcode(), insn.dst(), insn.src(), insn.offset(), (int) now);
            }
            case Opcodes.CLASS_LDX, Opcodes.CLASS_ST, Opcodes.CLASS_STX -> {
                if (r.validate() && (long) insn.offset() != orig) {
                    throw new BtfException("unexpected load/store offset " + insn.offset() + " (expected " + orig + ")");
                }
                if (Long.compareUnsigned(now, Short.MAX_VALUE) > 0) {
                    throw new BtfException("offset " + Long.toUnsignedString(now) + " is too large for a load or store");
                }
                if (r.failMemSizeAdjust()) {
                    return poison(insns, at, false);
                }
                int opcode = insn.opcode();
                if (r.newSize() != r.origSize()) {
                    int bytes = Opcodes.sizeBytes(opcode);
                    if (bytes != r.origSize()) {
                        throw new BtfException("load/store of " + bytes + " bytes, expected " + r.origSize());
                    }
                    int size = switch (r.newSize()) {
                        case 1 -> Opcodes.SIZE_B;
                        case 2 -> Opcodes.SIZE_H;
                        case 4 -> Opcodes.SIZE_W;
                        case 8 -> Opcodes.SIZE_DW;
                        default -> throw new BtfException("the field's new size " + r.newSize()
                                + " is no load or store size");
                    };
                    opcode = (opcode & ~0x18) | size;
                }
                insns[at] = new Instruction(opcode, insn.dst(), insn.src(), (short) now, insn.imm());
            }
            case Opcodes.CLASS_LD -> {
                if (!wide || at + 1 >= insns.length || insn.src() != 0 || insn.offset() != 0
                        || insns[at + 1].opcode() != 0 || insns[at + 1].dst() != 0 || insns[at + 1].src() != 0
                        || insns[at + 1].offset() != 0) {
                    throw new BtfException("instruction " + insn.hex() + " is no plain lddw to relocate");
                }
                Instruction next = insns[at + 1];
                long imm = Integer.toUnsignedLong(insn.imm()) | (long) next.imm() << 32;
                if (r.validate() && imm != orig) {
                    throw new BtfException("unexpected lddw constant " + imm + " (expected " + orig + ")");
                }
                insns[at] = new Instruction(insn.opcode(), insn.dst(), insn.src(), insn.offset(), (int) now);
                insns[at + 1] = new Instruction(next.opcode(), next.dst(), next.src(), next.offset(), (int) (now >>> 32));
            }
            default -> throw new BtfException("instruction " + insn.hex() + " cannot be relocated (class " + cls + ")");
        }
        return false;
    }

    private static boolean poison(Instruction[] insns, int at, boolean wide) {
        if (wide && at + 1 < insns.length) {
            insns[at + 1] = poisonInstruction();
        }
        insns[at] = poisonInstruction();
        return true;
    }
}
