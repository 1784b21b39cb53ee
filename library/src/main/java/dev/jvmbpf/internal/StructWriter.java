package dev.jvmbpf.internal;

import dev.jvmbpf.runtime.btf.Btf;
import dev.jvmbpf.runtime.btf.BtfException;
import dev.jvmbpf.runtime.btf.BtfType;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * Sets members of a struct held in a byte array, located by their BTF path ({@code id},
 * {@code args[0]}, {@code hdr.saddr}): integers, enums, pointers and bitfields take a number,
 * char arrays a string. Errors are {@link IllegalArgumentException}s naming the path and the type.
 */
public final class StructWriter {
    private final Btf btf;
    private final BtfType.Composite struct;
    private final byte[] bytes;

    public StructWriter(Btf btf, BtfType.Composite struct, byte[] bytes) {
        this.btf = btf;
        this.struct = struct;
        this.bytes = bytes;
    }

    public void set(String path, String value) {
        Btf.Field field;
        try {
            field = btf.field(struct.id(), path);
        } catch (BtfException e) {
            // The BTF message starts with the object's name, which the caller knows already.
            String detail = e.getMessage().substring(e.getMessage().indexOf(": ") + 2);
            throw new IllegalArgumentException(describe() + " has no field '" + path + "'"
                    + (detail.contains("has no member") ? "" : " (" + detail + ")"), e);
        }
        BtfType type = btf.resolve(field.type());
        long offset = field.byteOffset();
        switch (type) {
            case BtfType.Array a when btf.resolve(a.elementType()) instanceof BtfType.Int i && i.size() == 1 ->
                    setString(path, offset, a.length(), value);
            case BtfType.Int i -> setNumber(path, field, i.size(), value, btf.describe(field.type()));
            case BtfType.Enum e -> setNumber(path, field, e.size(), value, btf.describe(field.type()));
            case BtfType.Ptr p -> setNumber(path, field, 8, value, btf.describe(field.type()));
            default -> throw new IllegalArgumentException("field '" + path + "' of " + describe() + " is "
                    + btf.describe(field.type()) + "; set its members or elements one by one");
        }
    }

    private String describe() {
        return btf.describe(struct.id());
    }

    private void setString(String path, long offset, long length, String value) {
        byte[] text = value.getBytes(StandardCharsets.UTF_8);
        if (text.length >= length) {
            throw new IllegalArgumentException("field '" + path + "' holds at most " + (length - 1)
                    + " bytes and a NUL; '" + value + "' has " + text.length);
        }
        java.util.Arrays.fill(bytes, (int) offset, (int) (offset + length), (byte) 0);
        System.arraycopy(text, 0, bytes, (int) offset, text.length);
    }

    private void setNumber(String path, Btf.Field field, int size, String text, String typeName) {
        BigInteger v;
        try {
            v = Numbers.parseBig(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("field '" + path + "' (" + typeName + "): " + e.getMessage(), e);
        }
        int bits = field.bitSize() != 0 ? field.bitSize() : size * 8;
        if (!Numbers.fits(v, bits)) {
            throw new IllegalArgumentException("field '" + path + "' (" + typeName + ", " + bits + " bits): "
                    + text + " does not fit");
        }
        long value = Numbers.low64(v);
        if (field.bitSize() == 0) {
            if (field.bitOffset() % 8 != 0 || field.byteOffset() + size > bytes.length) {
                throw new IllegalArgumentException("field '" + path + "' is not addressable in " + describe());
            }
            for (int i = 0; i < size; i++) {
                bytes[(int) field.byteOffset() + i] = (byte) (value >>> (8 * i));
            }
            return;
        }
        for (int i = 0; i < bits; i++) {
            long bit = field.bitOffset() + i;
            int index = (int) (bit / 8);
            int mask = 1 << (bit % 8);
            if ((value >>> i & 1) != 0) {
                bytes[index] |= (byte) mask;
            } else {
                bytes[index] &= (byte) ~mask;
            }
        }
    }
}
