package dev.jvmbpf.internal;

import dev.jvmbpf.runtime.btf.BitFields;
import dev.jvmbpf.runtime.btf.Btf;
import dev.jvmbpf.runtime.btf.BtfType;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts between the bytes of a BTF-typed value and Java values, both ways:
 * <ul>
 * <li>integers, enums (by value) and pointers: {@link Long}; unsigned types below 64 bits decode
 *     to their non-negative value, {@code u64} to the long with the same bits; 128-bit integers
 *     to {@link BigInteger}; {@code _Bool} to {@link Boolean};
 * <li>{@code float}/{@code double}: {@link Float}/{@link Double};
 * <li>structs and unions: a {@code java.util.Map<String, Object>} in member order (members of
 *     anonymous structs and unions appear as the parent's, as C reaches them; padding is skipped,
 *     bitfields decode to their value);
 * <li>arrays: a {@link List}, except arrays of {@code char}, which are {@link String}s (the bytes
 *     up to the first NUL; {@code __u8}/{@code unsigned char} arrays stay lists of numbers, as
 *     bpftool prints them);
 * <li>data sections: a map of variable name to value.
 * </ul>
 * Encoding takes the same shapes, plus any {@link Number} for integers, enumerator names for
 * enums and a {@code byte[]} of exactly the type's size for any type. Struct members and array
 * elements left out are zero. Values that do not fit, wrong shapes and unknown members are
 * {@link IllegalArgumentException}s naming the path ({@code value.comm}, {@code key[2]}), the
 * type and the value.
 *
 * <p>Without BTF ({@link #decodeRaw}/{@link #encodeRaw}) a value of 1, 2, 4 or 8 bytes is a
 * little-endian number (unsigned below 8 bytes), anything else bytes.
 */
public final class BtfCodec {
    private static final int MAX_DEPTH = 32;
    private final Btf btf;

    public BtfCodec(Btf btf) {
        this.btf = btf;
    }

    /** The type information this codec reads. */
    public Btf btf() {
        return btf;
    }

    /** Whether {@code typeId} is an array of {@code char}, which decodes to and encodes from a string. */
    public boolean isTextArray(int typeId) {
        return btf.resolve(typeId) instanceof BtfType.Array a && btf.isTextElement(a.elementType());
    }

    /** The size in bytes of a value of {@code typeId}. */
    public int sizeOf(int typeId) {
        return (int) btf.sizeOf(typeId);
    }

    /** The value of type {@code typeId} held in {@code bytes} from {@code offset}. */
    public Object decode(int typeId, byte[] bytes, int offset) {
        return decode(typeId, bytes, offset * 8L, 0);
    }

    private Object decode(int typeId, byte[] b, long bit, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException(btf.describe(typeId) + " nests more than " + MAX_DEPTH + " levels deep");
        }
        BtfType t = btf.resolve(typeId);
        return switch (t) {
            case BtfType.Int i when i.isBool() && i.bits() <= 64 -> read(b, bit + i.bitOffset(), i.bits(), false) != 0;
            case BtfType.Int i when i.bits() > 64 -> {
                long start = bit + i.bitOffset();
                BigInteger high = BigInteger.valueOf(read(b, start + 64, i.bits() - 64, i.signed()));
                yield high.shiftLeft(64).add(new BigInteger(Long.toUnsignedString(read(b, start, 64, false))));
            }
            case BtfType.Int i -> read(b, bit + i.bitOffset(), i.bits(), i.signed());
            case BtfType.Enum e -> read(b, bit, e.size() * 8, e.signed());
            case BtfType.Ptr p -> read(b, bit, 64, false);
            case BtfType.Float f when f.size() == 4 -> java.lang.Float.intBitsToFloat((int) read(b, bit, 32, false));
            case BtfType.Float f when f.size() == 8 -> Double.longBitsToDouble(read(b, bit, 64, false));
            case BtfType.Array a when btf.isTextElement(a.elementType()) -> {
                int start = (int) (bit / 8);
                inside(b, bit, 0);
                int end = start;
                while (end < start + a.length() && end < b.length && b[end] != 0) {
                    end++;
                }
                yield new String(b, start, end - start, StandardCharsets.UTF_8);
            }
            case BtfType.Array a -> {
                long element = btf.sizeOf(a.elementType()) * 8;
                // The value's bytes bound a real array; elements of size 0 hold nothing to list.
                int n = element == 0 ? 0 : (int) Math.min(a.length(), Integer.MAX_VALUE);
                List<Object> list = new ArrayList<>(n);
                for (int k = 0; k < n; k++) {
                    list.add(decode(a.elementType(), b, bit + k * element, depth + 1));
                }
                yield list;
            }
            case BtfType.Composite c -> {
                Map<String, Object> fields = new LinkedHashMap<>();
                members(c, b, bit, depth, fields);
                yield fields;
            }
            case BtfType.Datasec d -> {
                Map<String, Object> vars = new LinkedHashMap<>();
                for (BtfType.SectionVar v : d.vars()) {
                    vars.put(btf.type(v.type()).name(), decode(v.type(), b, bit + v.offset() * 8L, depth + 1));
                }
                yield vars;
            }
            case BtfType.Var v -> decode(v.type(), b, bit, depth + 1);
            default -> throw new IllegalArgumentException("cannot convert " + btf.describe(typeId) + " to a Java value");
        };
    }

    private void members(BtfType.Composite c, byte[] b, long bit, int depth, Map<String, Object> into) {
        for (BtfType.Member m : c.members()) {
            long at = bit + m.bitOffset();
            BtfType mt = btf.resolve(m.type());
            if (m.name().isEmpty()) {
                if (mt instanceof BtfType.Composite inner) {
                    members(inner, b, at, depth + 1, into);
                }
                continue;
            }
            if (m.isBitfield()) {
                boolean signed = mt instanceof BtfType.Int i && i.signed() || mt instanceof BtfType.Enum e && e.signed();
                long v = read(b, at, m.bitSize(), signed);
                into.put(m.name(), mt instanceof BtfType.Int i && i.isBool() ? (Object) (v != 0) : (Object) v);
            } else {
                into.put(m.name(), decode(m.type(), b, at, depth + 1));
            }
        }
    }

    /**
     * {@link BitFields#read} within the bytes: a member offset or size from a malformed BTF that
     * points outside the value is an error naming the place, not an index exception.
     */
    private static long read(byte[] b, long bit, int bits, boolean signed) {
        inside(b, bit, bits);
        return BitFields.read(b, bit, bits, signed);
    }

    private static void inside(byte[] b, long bit, int bits) {
        if (bit < 0 || bits < 0 || bit + bits > b.length * 8L) {
            throw new IllegalArgumentException("malformed BTF: " + bits + " bits at bit " + bit
                    + " lie outside the " + b.length + " bytes of the value");
        }
    }

    /** {@code value} as type {@code typeId}, in a new zeroed array of the type's size. */
    public byte[] encode(int typeId, Object value, String path) {
        byte[] out = new byte[sizeOf(typeId)];
        encode(typeId, value, out, 0, path, 0);
        return out;
    }

    private void encode(int typeId, Object value, byte[] out, long bit, String path, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException(path + ": " + btf.describe(typeId) + " nests too deeply");
        }
        if (value == null) {
            throw new IllegalArgumentException(path + " (" + btf.describe(typeId) + "): null is no value");
        }
        if (value instanceof byte[] raw) {
            long size = btf.sizeOf(typeId);
            if (raw.length != size) {
                throw new IllegalArgumentException(path + " (" + btf.describe(typeId) + ", " + size + " bytes): "
                        + raw.length + " bytes given");
            }
            System.arraycopy(raw, 0, out, (int) (bit / 8), raw.length);
            return;
        }
        BtfType t = btf.resolve(typeId);
        switch (t) {
            case BtfType.Int i -> writeNumber(out, bit + i.bitOffset(), i.bits(), number(typeId, value, path, i.isBool()),
                    typeId, value, path);
            case BtfType.Enum e -> writeNumber(out, bit, e.size() * 8, enumNumber(e, typeId, value, path), typeId, value,
                    path);
            case BtfType.Ptr p -> writeNumber(out, bit, 64, number(typeId, value, path, false), typeId, value, path);
            case BtfType.Float f when (f.size() == 4 || f.size() == 8) && value instanceof Number n -> {
                long bits = f.size() == 4 ? java.lang.Float.floatToRawIntBits(n.floatValue())
                        : Double.doubleToRawLongBits(n.doubleValue());
                BitFields.write(out, bit, f.size() * 8, bits);
            }
            case BtfType.Array a when btf.isTextElement(a.elementType()) && value instanceof CharSequence s -> {
                byte[] text = s.toString().getBytes(StandardCharsets.UTF_8);
                if (text.length >= a.length()) {
                    throw new IllegalArgumentException(path + " (" + btf.describe(typeId) + "): " + quoted(value)
                            + " has " + text.length + " bytes; it holds at most " + (a.length() - 1) + " and a NUL");
                }
                System.arraycopy(text, 0, out, (int) (bit / 8), text.length);
            }
            case BtfType.Array a -> {
                List<?> elements = elements(value);
                if (elements == null) {
                    throw wrongShape(typeId, value, path,
                            btf.isTextElement(a.elementType()) ? "a String or a List" : "a List");
                }
                if (elements.size() > a.length()) {
                    throw new IllegalArgumentException(path + " (" + btf.describe(typeId) + "): " + elements.size()
                            + " elements given, it has " + a.length());
                }
                long element = btf.sizeOf(a.elementType()) * 8;
                for (int k = 0; k < elements.size(); k++) {
                    encode(a.elementType(), elements.get(k), out, bit + k * element, path + "[" + k + "]", depth + 1);
                }
            }
            case BtfType.Composite c -> {
                if (!(value instanceof Map<?, ?> fields)) {
                    throw wrongShape(typeId, value, path, "a Map of member names to values");
                }
                for (Map.Entry<?, ?> e : fields.entrySet()) {
                    String name = String.valueOf(e.getKey());
                    if (!member(c, name, e.getValue(), out, bit, path, depth)) {
                        throw new IllegalArgumentException(path + " (" + btf.describe(typeId) + ") has no member '" + name
                                + "' (" + String.join(", ", memberNames(c, new ArrayList<>())) + ")");
                    }
                }
            }
            case BtfType.Datasec d -> {
                if (!(value instanceof Map<?, ?> vars)) {
                    throw wrongShape(typeId, value, path, "a Map of variable names to values");
                }
                outer:
                for (Map.Entry<?, ?> e : vars.entrySet()) {
                    String name = String.valueOf(e.getKey());
                    for (BtfType.SectionVar v : d.vars()) {
                        if (btf.type(v.type()).name().equals(name)) {
                            encode(v.type(), e.getValue(), out, bit + v.offset() * 8L, path + "." + name, depth + 1);
                            continue outer;
                        }
                    }
                    throw new IllegalArgumentException(path + " (section " + d.name() + ") has no variable '" + name + "'");
                }
            }
            case BtfType.Var v -> encode(v.type(), value, out, bit, path, depth + 1);
            default -> throw wrongShape(typeId, value, path, "bytes (" + btf.describe(typeId) + " has no Java form)");
        }
    }

    /** Encodes member {@code name} of {@code c} (searching anonymous members too); false when there is none. */
    private boolean member(BtfType.Composite c, String name, Object value, byte[] out, long bit, String path, int depth) {
        for (BtfType.Member m : c.members()) {
            long at = bit + m.bitOffset();
            if (m.name().isEmpty()) {
                if (btf.resolve(m.type()) instanceof BtfType.Composite inner
                        && member(inner, name, value, out, at, path, depth + 1)) {
                    return true;
                }
                continue;
            }
            if (!m.name().equals(name)) {
                continue;
            }
            String memberPath = path + "." + name;
            if (m.isBitfield()) {
                BtfType mt = btf.resolve(m.type());
                BigInteger v = mt instanceof BtfType.Enum e ? enumNumber(e, m.type(), value, memberPath)
                        : number(m.type(), value, memberPath, mt instanceof BtfType.Int i && i.isBool());
                writeNumber(out, at, m.bitSize(), v, m.type(), value, memberPath);
            } else {
                encode(m.type(), value, out, at, memberPath, depth + 1);
            }
            return true;
        }
        return false;
    }

    private List<String> memberNames(BtfType.Composite c, List<String> into) {
        for (BtfType.Member m : c.members()) {
            if (m.name().isEmpty()) {
                if (btf.resolve(m.type()) instanceof BtfType.Composite inner && into.size() < 64) {
                    memberNames(inner, into);
                }
            } else {
                into.add(m.name());
            }
        }
        return into;
    }

    private static List<?> elements(Object value) {
        if (value instanceof List<?> l) {
            return l;
        }
        if (value instanceof Collection<?> c) {
            return List.copyOf(c);
        }
        if (value instanceof Object[] a) {
            return Arrays.asList(a);
        }
        if (value instanceof long[] a) {
            return Arrays.stream(a).boxed().toList();
        }
        if (value instanceof int[] a) {
            return Arrays.stream(a).boxed().toList();
        }
        return null;
    }

    private BigInteger number(int typeId, Object value, String path, boolean bool) {
        if (bool && value instanceof Boolean b) {
            return b ? BigInteger.ONE : BigInteger.ZERO;
        }
        BigInteger v = toBig(value);
        if (v == null) {
            throw wrongShape(typeId, value, path, bool ? "a Boolean or a number" : "a number");
        }
        return v;
    }

    private BigInteger enumNumber(BtfType.Enum e, int typeId, Object value, String path) {
        if (value instanceof CharSequence s) {
            for (BtfType.EnumValue ev : e.values()) {
                if (ev.name().equals(s.toString())) {
                    return BigInteger.valueOf(ev.value());
                }
            }
            List<String> names = e.values().stream().map(BtfType.EnumValue::name).toList();
            throw new IllegalArgumentException(path + " (" + btf.describe(typeId) + "): " + quoted(value)
                    + " is not one of its values " + names);
        }
        return number(typeId, value, path, false);
    }

    private void writeNumber(byte[] out, long bit, int bits, BigInteger v, int typeId, Object value, String path) {
        if (bits > 64) {
            if (!Numbers.fits(v, bits)) {
                throw doesNotFit(typeId, bits, value, path);
            }
            BitFields.write(out, bit, 64, Numbers.low64(v));
            BitFields.write(out, bit + 64, bits - 64, Numbers.low64(v.shiftRight(64)));
            return;
        }
        if (!Numbers.fits(v, bits)) {
            throw doesNotFit(typeId, bits, value, path);
        }
        BitFields.write(out, bit, bits, Numbers.low64(v));
    }

    private IllegalArgumentException doesNotFit(int typeId, int bits, Object value, String path) {
        return new IllegalArgumentException(path + " (" + btf.describe(typeId) + ", " + bits + " bits): " + quoted(value)
                + " does not fit");
    }

    private IllegalArgumentException wrongShape(int typeId, Object value, String path, String expected) {
        return new IllegalArgumentException(path + " (" + btf.describe(typeId) + "): expected " + expected + ", got "
                + quoted(value) + " (" + value.getClass().getSimpleName() + ")");
    }

    /** The Java value of {@code bytes} without a type: a number for 1, 2, 4 and 8 bytes, else a copy of the bytes. */
    public static Object decodeRaw(byte[] bytes, int offset, int size) {
        if (size == 1 || size == 2 || size == 4 || size == 8) {
            return BitFields.read(bytes, offset * 8L, size * 8, false);
        }
        return Arrays.copyOfRange(bytes, offset, offset + size);
    }

    /** {@code value} (a number of 1, 2, 4 or 8 bytes, or bytes) as {@code size} bytes, little-endian. */
    public static byte[] encodeRaw(Object value, int size, String path) {
        if (value instanceof byte[] raw) {
            if (raw.length != size) {
                throw new IllegalArgumentException(path + " (" + size + " bytes): " + raw.length + " bytes given");
            }
            return raw.clone();
        }
        BigInteger v = toBig(value);
        if (v == null) {
            throw new IllegalArgumentException(path + " (" + size + " bytes, no BTF): expected "
                    + (size == 1 || size == 2 || size == 4 || size == 8 ? "a number or " : "") + "a byte[], got "
                    + quoted(value) + (value == null ? "" : " (" + value.getClass().getSimpleName() + ")"));
        }
        if (size != 1 && size != 2 && size != 4 && size != 8) {
            throw new IllegalArgumentException(path + " (" + size + " bytes, no BTF): a number fits 1, 2, 4 or 8 bytes;"
                    + " give a byte[] for " + quoted(value));
        }
        if (!Numbers.fits(v, size * 8)) {
            throw new IllegalArgumentException(path + " (" + size * 8 + " bits, no BTF): " + quoted(value)
                    + " does not fit");
        }
        byte[] out = new byte[size];
        BitFields.write(out, 0, size * 8, Numbers.low64(v));
        return out;
    }

    private static BigInteger toBig(Object value) {
        return switch (value) {
            case BigInteger b -> b;
            case Long l -> BigInteger.valueOf(l);
            case Integer i -> BigInteger.valueOf(i);
            case Short s -> BigInteger.valueOf(s);
            case Byte b -> BigInteger.valueOf(b);
            case java.util.concurrent.atomic.AtomicLong a -> BigInteger.valueOf(a.get());
            case java.util.concurrent.atomic.AtomicInteger a -> BigInteger.valueOf(a.get());
            case null, default -> null;
        };
    }

    private static String quoted(Object value) {
        if (value instanceof CharSequence s) {
            return "\"" + s + "\"";
        }
        if (value instanceof byte[] b) {
            return b.length + " bytes";
        }
        return String.valueOf(value);
    }

}
