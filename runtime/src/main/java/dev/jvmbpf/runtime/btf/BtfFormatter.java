package dev.jvmbpf.runtime.btf;

import java.math.BigInteger;

/**
 * Renders a value of a BTF type as C-like text for map dumps: {@code { .pid = 42, .comm = "bash" }}.
 * Character arrays print as strings, enums by name, pointers in hex, bitfields by value. Bytes
 * missing from a short value print as {@code <truncated>}; nothing here throws on bad input.
 */
public final class BtfFormatter {
    private static final int MAX_DEPTH = 32;
    /** Longer arrays are cut short: a dump stays readable and a corrupt length cannot run away. */
    private static final int MAX_ELEMENTS = 4096;
    private final Btf btf;

    public BtfFormatter(Btf btf) {
        this.btf = btf;
    }

    /** The value in {@code bytes} (from offset 0) as type {@code typeId}. */
    public String format(int typeId, byte[] bytes) {
        StringBuilder out = new StringBuilder();
        try {
            value(out, typeId, bytes, 0, 0);
        } catch (BtfException e) {
            out.append("<").append(e.getMessage()).append(">");
        }
        return out.toString();
    }

    private void value(StringBuilder out, int typeId, byte[] b, long byteOffset, int depth) {
        if (depth > MAX_DEPTH) {
            out.append("...");
            return;
        }
        BtfType t = btf.resolve(typeId);
        switch (t) {
            case BtfType.Int i -> {
                if (!fits(b, byteOffset, i.size())) {
                    out.append("<truncated>");
                } else if (i.bits() > 64) {
                    long start = byteOffset * 8 + i.bitOffset();
                    BigInteger v = BigInteger.valueOf(BitFields.read(b, start + 64, i.bits() - 64, i.signed())).shiftLeft(64)
                            .add(new BigInteger(Long.toUnsignedString(BitFields.read(b, start, 64, false))));
                    out.append(v);
                } else {
                    integer(out, i, BitFields.read(b, byteOffset * 8 + i.bitOffset(), i.bits(), i.signed()));
                }
            }
            case BtfType.Enum e -> {
                if (!fits(b, byteOffset, e.size())) {
                    out.append("<truncated>");
                } else {
                    enumValue(out, e, BitFields.read(b, byteOffset * 8, e.size() * 8, e.signed()));
                }
            }
            case BtfType.Ptr p -> {
                if (!fits(b, byteOffset, 8)) {
                    out.append("<truncated>");
                } else {
                    out.append("0x").append(Long.toHexString(BitFields.read(b, byteOffset * 8, 64, false)));
                }
            }
            case BtfType.Float f -> {
                if (!fits(b, byteOffset, f.size())) {
                    out.append("<truncated>");
                } else if (f.size() == 4) {
                    out.append(java.lang.Float.intBitsToFloat((int) BitFields.read(b, byteOffset * 8, 32, false)));
                } else if (f.size() == 8) {
                    out.append(Double.longBitsToDouble(BitFields.read(b, byteOffset * 8, 64, false)));
                } else {
                    out.append("<float").append(f.size() * 8).append('>');
                }
            }
            case BtfType.Array a -> array(out, a, b, byteOffset, depth);
            case BtfType.Composite c -> {
                out.append("{ ");
                boolean first = true;
                for (BtfType.Member m : c.members()) {
                    if (!first) {
                        out.append(", ");
                    }
                    first = false;
                    if (!m.name().isEmpty()) {
                        out.append('.').append(m.name()).append(" = ");
                    }
                    if (m.isBitfield()) {
                        long bit = byteOffset * 8 + m.bitOffset();
                        if (!fits(b, (bit + m.bitSize() + 7) / 8 - 1, 1)) {
                            out.append("<truncated>");
                        } else {
                            BtfType mt = btf.resolve(m.type());
                            boolean signed = mt instanceof BtfType.Int i && i.signed()
                                    || mt instanceof BtfType.Enum e && e.signed();
                            long v = BitFields.read(b, bit, m.bitSize(), signed);
                            if (mt instanceof BtfType.Enum e) {
                                enumValue(out, e, v);
                            } else {
                                out.append(signed ? Long.toString(v) : Long.toUnsignedString(v));
                            }
                        }
                    } else {
                        value(out, m.type(), b, byteOffset + m.bitOffset() / 8, depth + 1);
                    }
                }
                out.append(first ? "}" : " }");
            }
            case BtfType.Datasec d -> {
                out.append("{ ");
                boolean first = true;
                for (BtfType.SectionVar v : d.vars()) {
                    if (!first) {
                        out.append(", ");
                    }
                    first = false;
                    out.append('.').append(btf.type(v.type()).name()).append(" = ");
                    value(out, v.type(), b, byteOffset + v.offset(), depth + 1);
                }
                out.append(first ? "}" : " }");
            }
            case BtfType.Var v -> value(out, v.type(), b, byteOffset, depth + 1);
            default -> out.append('<').append(btf.describe(t.id())).append('>');
        }
    }

    private void array(StringBuilder out, BtfType.Array a, byte[] b, long byteOffset, int depth) {
        if (btf.isTextElement(a.elementType())) {
            if (!fits(b, byteOffset, a.length())) {
                out.append("<truncated>");
                return;
            }
            out.append('"');
            for (int k = 0; k < a.length(); k++) {
                int c = b[(int) byteOffset + k] & 0xff;
                if (c == 0) {
                    break;
                }
                escaped(out, c);
            }
            out.append('"');
            return;
        }
        long element = btf.sizeOf(a.elementType());
        out.append('[');
        for (long k = 0; k < a.length(); k++) {
            if (k > 0) {
                out.append(", ");
            }
            if (k == MAX_ELEMENTS) {
                out.append("... ").append(a.length() - k).append(" more");
                break;
            }
            long at = byteOffset + k * element;
            if (element > 0 && !fits(b, at, element)) {
                out.append("<truncated>");
                break;
            }
            value(out, a.elementType(), b, at, depth + 1);
        }
        out.append(']');
    }

    private static void escaped(StringBuilder out, int c) {
        switch (c) {
            case '"' -> out.append("\\\"");
            case '\\' -> out.append("\\\\");
            case '\n' -> out.append("\\n");
            case '\t' -> out.append("\\t");
            default -> {
                if (c >= 0x20 && c < 0x7f) {
                    out.append((char) c);
                } else {
                    out.append(String.format("\\x%02x", c));
                }
            }
        }
    }

    private static void integer(StringBuilder out, BtfType.Int i, long v) {
        if (i.isBool()) {
            out.append(v != 0);
        } else if (i.signed()) {
            out.append(v);
        } else {
            out.append(Long.toUnsignedString(v));
        }
    }

    private static void enumValue(StringBuilder out, BtfType.Enum e, long v) {
        for (BtfType.EnumValue ev : e.values()) {
            long candidate = e.size() < 8 && !e.signed() ? ev.value() & ((1L << (e.size() * 8)) - 1) : ev.value();
            if (candidate == v) {
                out.append(ev.name());
                return;
            }
        }
        out.append(e.signed() ? Long.toString(v) : Long.toUnsignedString(v));
    }

    private static boolean fits(byte[] b, long offset, long size) {
        return offset >= 0 && size >= 0 && offset <= b.length && size <= b.length - offset;
    }
}
